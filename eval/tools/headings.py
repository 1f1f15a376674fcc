"""Print each PDF's outline and heading-like lines, never its body text.

The blind evaluation set (``eval/blind_questions.jsonl``) was written from this output alone, before any
page text was read. A heading-like line is short, has no final full stop, is title case or numbered,
carries no figures (so no amounts or limits leak from tables), and occurs once in its document (running
headers and footers repeat).

Usage: ``.venv/bin/python eval/tools/headings.py PDF_OR_FOLDER ...``
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from pypdf import PdfReader
from pypdf.generic import Destination

MAX_WORDS = 10
MAX_CHARS = 80
SMALL_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "as",
        "at",
        "by",
        "for",
        "from",
        "in",
        "into",
        "is",
        "of",
        "on",
        "or",
        "per",
        "the",
        "to",
        "vs",
        "with",
        "without",
        "your",
        "you",
        "our",
    ]
)
NUMBERED = re.compile(r"^(\d+(\.\d+)*\.?|[A-Z]\.|[IVXivx]+\.|\(\w\))\s+(?P<rest>\S.*)$")
WORD = re.compile(r"[A-Za-z][A-Za-z'’&/-]*")


def outline_lines(reader: PdfReader) -> list[str]:
    """The outline (bookmarks) as indented "title (p.N)" lines; N is 1-based."""
    lines: list[str] = []

    def walk(items: Sequence[object], depth: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            elif isinstance(item, Destination):
                page = reader.get_destination_page_number(item)
                where = f" (p.{page + 1})" if page is not None and page >= 0 else ""
                lines.append(f"{'  ' * depth}{item.title}{where}")

    walk(reader.outline, 0)
    return lines


def is_heading(line: str) -> bool:
    if not line or len(line) > MAX_CHARS or line.endswith((".", ",", ";", ":")):
        return False
    numbered = NUMBERED.match(line)
    body = numbered.group("rest") if numbered else line
    if re.search(r"\d|\$|%", body):
        return False
    words = WORD.findall(body)
    if not words or len(body.split()) > MAX_WORDS or not any(len(word) >= 3 for word in words):
        return False
    if numbered:
        return True
    significant = [word for word in words if word.lower() not in SMALL_WORDS]
    return bool(significant) and all(word[0].isupper() for word in significant)


def heading_lines(reader: PdfReader) -> list[tuple[int, str]]:
    """(1-based page, line) for heading-like lines that occur exactly once in the document."""
    found: list[tuple[int, str]] = []
    for index, page in enumerate(reader.pages):
        for raw in (page.extract_text() or "").splitlines():
            line = " ".join(raw.split())
            if is_heading(line):
                found.append((index + 1, line))
    counts = Counter(line.casefold() for _, line in found)
    return [(page, line) for page, line in found if counts[line.casefold()] == 1]


def pdf_paths(arguments: list[str]) -> list[Path]:
    paths: list[Path] = []
    for argument in arguments:
        path = Path(argument)
        paths.extend(sorted(path.glob("*.pdf")) if path.is_dir() else [path])
    return paths


def main(arguments: list[str]) -> int:
    if not arguments:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    for path in pdf_paths(arguments):
        reader = PdfReader(path)
        print(f"=== {path.name} ({len(reader.pages)} pages)")
        outline = outline_lines(reader)
        print("--- outline" + ("" if outline else ": none"))
        for line in outline:
            print(line)
        print("--- heading-like lines")
        for page, line in heading_lines(reader):
            print(f"p.{page}: {line}")
        print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
