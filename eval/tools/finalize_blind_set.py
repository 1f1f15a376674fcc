"""Assign the blind set's splits and ids with fixed seeds, so neither depends on the order of writing.

- **split:** within each stratum (document, answerable), the questions are shuffled and alternately put
  in dev and test. A stratum of odd size gives its extra question to whichever split the previous odd
  stratum did not, so the two splits stay within one question of each other. An answerable question's
  document is its first citation. An unanswerable question's document is the one the draft expected
  (``expected_file``), or ``none`` for off-topic questions.
- **id:** ``b001``… in a seeded shuffle of all questions. An id tells nothing about the document or the
  answer.

The input may already carry ids and splits (they are ignored), so running this on
``eval/blind_questions.jsonl`` reproduces it byte for byte.

Usage: ``.venv/bin/python eval/tools/finalize_blind_set.py ANNOTATED.jsonl DRAFT.jsonl OUT.jsonl``
"""

from __future__ import annotations

import json
import random
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

SPLIT_SEED = 20261130
ID_SEED = 7
KEYS = ("id", "question", "answerable", "split", "citations", "facts", "answer", "source_quote")


def stratum(record: dict[str, Any], expected_file: dict[str, str | None]) -> tuple[str, bool]:
    if record["answerable"]:
        return record["citations"][0]["file"], True
    return expected_file.get(record["question"]) or "none", False


def finalize(records: list[dict[str, Any]], draft: list[dict[str, Any]]) -> list[dict[str, Any]]:
    expected_file = {row["question"]: row["expected_file"] for row in draft}
    by_question = sorted(records, key=lambda record: record["question"])
    groups: dict[tuple[str, bool], list[dict[str, Any]]] = defaultdict(list)
    for record in by_question:
        groups[stratum(record, expected_file)].append(record)

    split_of: dict[str, str] = {}
    rng = random.Random(SPLIT_SEED)
    odd_extra_to_dev = True
    for key in sorted(groups):
        members = list(groups[key])
        rng.shuffle(members)
        first, second = ("dev", "test") if odd_extra_to_dev else ("test", "dev")
        for index, record in enumerate(members):
            split_of[record["question"]] = first if index % 2 == 0 else second
        if len(members) % 2:
            odd_extra_to_dev = not odd_extra_to_dev

    order = list(by_question)
    random.Random(ID_SEED).shuffle(order)
    id_of = {record["question"]: f"b{index:03d}" for index, record in enumerate(order, start=1)}

    finished = []
    for record in by_question:
        full = {**record, "id": id_of[record["question"]], "split": split_of[record["question"]]}
        finished.append({key: full[key] for key in KEYS})
    return sorted(finished, key=lambda record: record["id"])


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def main(arguments: list[str]) -> int:
    if len(arguments) != 3:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    annotated, draft, out = (Path(argument) for argument in arguments)
    finished = finalize(read_jsonl(annotated), read_jsonl(draft))
    lines = [json.dumps(record, ensure_ascii=False) for record in finished]
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
