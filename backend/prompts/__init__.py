"""Prompt templates live as text files beside this module, so they are reviewed like any other text."""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PROMPT_DIR = Path(__file__).resolve().parent


@cache
def load_prompt(name: str) -> str:
    """The text of ``backend/prompts/<name>.txt``, without the trailing newline."""
    path = _PROMPT_DIR / f"{name}.txt"
    if path.parent != _PROMPT_DIR or not path.is_file():
        raise FileNotFoundError(f"No prompt named {name!r} in {_PROMPT_DIR}")
    return path.read_text(encoding="utf-8").rstrip("\n")
