"""Assign every eval question to the ``dev`` or ``test`` split, stratified, with a fixed seed.

Usage (from the repository root)::

    .venv/bin/python eval/tools/assign_split.py eval/policy_questions.jsonl

Questions are grouped by (first cited file, answerable); unanswerable questions cite nothing, so they
form one group. Each group is sorted by id, shuffled with a generator seeded by the group's own name,
and dealt alternately to dev and test. That same generator decides which split gets the spare question
of an odd-sized group. A group's assignment therefore depends only on its own members: adding a question
to one document does not move any question about another.

The file is rewritten in place with a ``split`` key on every line; every other key and the line order
are kept. Running it again on an unchanged file changes nothing (the test suite checks that the file
matches).
"""

from __future__ import annotations

import json
import random
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

SEED = 20261130
SPLITS = ("dev", "test")


def stratum(record: dict[str, Any]) -> tuple[str, bool]:
    """(first cited file, answerable): the group a question is shuffled within."""
    citations = record.get("citations") or []
    first_file = str(citations[0]["file"]) if citations else ""
    return first_file, bool(record["answerable"])


def assign_splits(records: list[dict[str, Any]], seed: int = SEED) -> dict[str, str]:
    """Map each question id to "dev" or "test"."""
    groups: dict[tuple[str, bool], list[str]] = defaultdict(list)
    for record in records:
        groups[stratum(record)].append(str(record["id"]))

    assignment: dict[str, str] = {}
    for key in sorted(groups):
        ids = sorted(groups[key])
        rng = random.Random(f"{seed}|{key[0]}|{key[1]}")
        rng.shuffle(ids)
        first = rng.randrange(2)  # which split takes the spare question when the group is odd-sized
        for position, question_id in enumerate(ids):
            assignment[question_id] = SPLITS[(first + position) % 2]
    return assignment


def rewrite(path: Path, seed: int = SEED) -> dict[str, str]:
    """Set ``split`` on every line of the JSONL file at ``path``; returns the assignment."""
    lines = path.read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    assignment = assign_splits(records, seed)
    for record in records:
        record["split"] = assignment[record["id"]]
    text = "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records)
    path.write_text(text, encoding="utf-8")
    return assignment


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: assign_split.py QUESTIONS.jsonl", file=sys.stderr)
        return 2
    assignment = rewrite(Path(argv[0]))
    counts = {name: sum(value == name for value in assignment.values()) for name in SPLITS}
    print(f"{argv[0]}: " + ", ".join(f"{name} {count}" for name, count in counts.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
