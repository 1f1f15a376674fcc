"""Evaluation question sets: JSONL, one question per line (format in eval/README.md).

Each question may carry ``facts`` (a list of facts, each a list of acceptable regexes: the answer states
the fact when any of them matches) and ``split`` ("dev" for tuning thresholds and prompts, "test" for
reporting only).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

SPLITS = ("dev", "test")


class DatasetError(ValueError):
    """A line of the evaluation file is not a valid question."""


@dataclass(frozen=True)
class EvalQuestion:
    question: str
    answerable: bool
    cited: frozenset[tuple[str, int]]
    facts: tuple[tuple[str, ...], ...] = ()
    split: str = ""
    id: str = field(default="", compare=False)


def _facts(raw: object) -> tuple[tuple[str, ...], ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(f, list) and f for f in raw):
        raise ValueError("facts must be a list of non-empty lists of regexes")
    facts = tuple(tuple(str(pattern) for pattern in fact) for fact in raw)
    for fact in facts:
        for pattern in fact:
            re.compile(pattern)
    return facts


def read_questions(lines: Iterable[str], *, source: str = "dataset") -> list[EvalQuestion]:
    questions = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
            cited = frozenset((str(c["file"]), int(c["page"])) for c in raw.get("citations", []))
            split = str(raw.get("split", ""))
            if split and split not in SPLITS:
                raise ValueError(f"split must be one of {SPLITS}, not {split!r}")
            questions.append(
                EvalQuestion(
                    str(raw["question"]),
                    bool(raw.get("answerable", bool(cited))),
                    cited,
                    _facts(raw.get("facts")),
                    split,
                    str(raw.get("id", number)),
                )
            )
        except (json.JSONDecodeError, KeyError, TypeError, ValueError, re.error) as exc:
            raise DatasetError(f"{source} line {number}: not a question object ({exc})") from exc
    return questions


def load_questions(path: Path) -> list[EvalQuestion]:
    with open(path, encoding="utf-8") as fh:
        return read_questions(fh, source=str(path))


def restrict_to_files(questions: Sequence[EvalQuestion], files: set[str]) -> list[EvalQuestion]:
    """Questions answerable from ``files`` (all citations in it) plus every unanswerable question."""
    return [q for q in questions if not q.answerable or (q.cited and {f for f, _ in q.cited} <= files)]


def in_split(questions: Sequence[EvalQuestion], split: str | None) -> list[EvalQuestion]:
    """The questions of one split (all of them when ``split`` is None or "all")."""
    if split in (None, "all"):
        return list(questions)
    return [q for q in questions if q.split == split]
