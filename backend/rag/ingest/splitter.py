"""Structure-aware chunking sized for the embedding model.

Each chunk stays on one page (so a citation is exact) and in one section, packs whole sentences up to
``max_tokens`` word pieces, and repeats the tail of the previous chunk of the same section as overlap.
The text that gets embedded is prefixed with "title > section" (see ``embedding_text``) so passages of
near-identical documents (two health plans) stay apart in vector space.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from backend.rag.ingest.headings import drop_form_runs, heading_key, is_bullet, is_heading
from backend.rag.ingest.parser import ParsedDocument
from backend.rag.types import Chunk

# The version of what parsing, cleaning and splitting make of a PDF. Bump it with any change to their
# output: each indexed file records the version that cut it, and a sync re-cuts the files of an older
# one (``tests/rag/test_chunking_version.py`` fails until the change comes with a bump).
CHUNKING_VERSION = "2026-11-30.5"

# MiniLM truncates at 256 word pieces and does best on ~128-256; the "title > section" prefix and the
# estimator's error need headroom, so the body stays below that.
DEFAULT_MAX_TOKENS = 160
DEFAULT_OVERLAP_TOKENS = 32
# A heading used this often in one document is generic ("Exceptions", "Tips"): it names a
# sub-section of the last specific heading instead of replacing it.
_GENERIC_HEADING_REPEATS = 3
_MAX_SECTION_CHARS = 160

# A line shorter than this share of the page's prose width ends an item instead of wrapping.
_SHORT_LINE = 0.75
_ENDS_SENTENCE = (".", "!", "?", ";", ",")

_PIECES = re.compile(r"[A-Za-z]+|\d+|[^\sA-Za-z\d]")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'“(]?[A-Z0-9•])")


def estimate_tokens(text: str) -> int:
    """Approximate BERT word-piece count without loading a tokenizer.

    Words of up to nine letters are mostly whole pieces in BERT's vocabulary; longer ones split about
    every five letters. On the contoso corpus this is within 10% of the MiniLM tokenizer for 90% of
    chunks (median ratio 1.0).
    """
    count = 0
    for piece in _PIECES.findall(text):
        n = len(piece)
        count += 1 if n <= 9 or not piece.isalpha() else 2 + (n - 10) // 5
    return count


@dataclass
class _Unit:
    page: int
    section: str
    text: str
    tokens: int
    starts_paragraph: bool = True  # False for the second and later sentences of a split paragraph


def _section_label(major: str, minor: str) -> str:
    label = f"{major} > {minor}" if major and minor else major or minor
    return label[:_MAX_SECTION_CHARS]


def _heading_flags(pages: list[list[str]]) -> list[list[bool]]:
    flags: list[list[bool]] = []
    for lines in pages:
        page_flags = []
        for i, line in enumerate(lines):
            prev_line = lines[i - 1] if i > 0 else None
            next_line = lines[i + 1] if i + 1 < len(lines) else None
            page_flags.append(bool(line) and is_heading(line, prev_line or None, next_line or None))
        flags.append(drop_form_runs(page_flags, lines))
    return flags


def _line_width(lines: list[str]) -> int:
    """The width of a full line of prose on this page: its longest line (no line is wider than the page)."""
    return max((len(ln) for ln in lines), default=0)


def _hard_break(previous: str, following: str, width: int) -> bool:
    """Whether two lines of one paragraph are separate items (table rows, list items), not wrapped prose.

    Prose wraps at the full line width; a table row or a list item is short and does not end a sentence,
    and the next one starts with a capital or a figure. Keeping those breaks lets an answer quote one
    row ("Tier 1 cities Mumbai, Delhi, Bengaluru INR 9,000") instead of the whole flattened table.
    """
    if not following[:1].isupper() and not following[:1].isdigit():
        return False
    if previous.endswith(":"):
        return True  # a lead-in: what follows is a table, a list or a new item
    if previous.endswith(_ENDS_SENTENCE):
        return False
    return len(previous) < _SHORT_LINE * width


def _split_long(text: str, max_tokens: int, length: Callable[[str], int]) -> list[str]:
    """Sentences of an over-long paragraph, and word windows of an over-long sentence."""
    out: list[str] = []
    for sentence in _SENTENCE_END.split(text):
        if length(sentence) <= max_tokens:
            out.append(sentence)
            continue
        words = sentence.split()
        step = max(1, int(len(words) * max_tokens / max(length(sentence), 1)))
        out.extend(" ".join(words[i : i + step]) for i in range(0, len(words), step))
    return out


def _join_lines(lines: list[str], width: int) -> str:
    lines = [ln.strip() for ln in lines]
    text = lines[0]
    for previous, line in itertools.pairwise(lines):
        text += ("\n" if _hard_break(previous, line, width) else " ") + line
    return text


def _units(doc: ParsedDocument, max_tokens: int, length: Callable[[str], int]) -> list[_Unit]:
    """Paragraphs and bullets with their page and section, in reading order."""
    pages = [text.splitlines() for text in doc.pages]
    flags = _heading_flags(pages)
    counts = Counter(
        heading_key(ln)
        for lines, fl in zip(pages, flags, strict=True)
        for ln, f in zip(lines, fl, strict=True)
        if f
    )
    generic = {key for key, n in counts.items() if n >= _GENERIC_HEADING_REPEATS}

    units: list[_Unit] = []
    major = minor = ""
    body_since_heading = True
    for page_no, (lines, page_flags) in enumerate(zip(pages, flags, strict=True), start=1):
        paragraph: list[str] = []
        width = _line_width(lines)

        def flush(page: int, section: str, para: list[str], width: int = width) -> None:
            if para:
                parts = _split_long(_join_lines(para, width), max_tokens, length)
                units.extend(
                    _Unit(page, section, part, length(part), starts_paragraph=n == 0)
                    for n, part in enumerate(parts)
                )
                para.clear()

        for line, heading in zip(lines, page_flags, strict=True):
            if heading:
                flush(page_no, _section_label(major, minor), paragraph)
                key, major_key = heading_key(line), heading_key(major)
                if major and (key in generic or line.endswith(":")):
                    minor = line  # "Exceptions", "Tips:", "In-Network Copays:" belong to the topic above
                elif major and (key in major_key or major_key in key) and not body_since_heading:
                    # "Continuity of Care" then "HOW PROVIDERS AFFECT YOUR COSTS: Continuity of Care"
                    major, minor = (line if len(key) > len(major_key) else major), ""
                elif major and not body_since_heading and not minor:
                    major = f"{major} > {line}"[:_MAX_SECTION_CHARS]  # a parent heading, then its child
                else:
                    major, minor = line, ""
                body_since_heading = False
                continue
            if not line or is_bullet(line):
                flush(page_no, _section_label(major, minor), paragraph)
            if line:
                paragraph.append(line)
                body_since_heading = True
        flush(page_no, _section_label(major, minor), paragraph)
    return units


def _join_units(units: list[_Unit]) -> str:
    # Paragraphs and list items stay on lines of their own, so an answer can quote exactly one of them.
    return units[0].text + "".join(("\n" if u.starts_paragraph else " ") + u.text for u in units[1:])


def split_document(
    doc: ParsedDocument,
    *,
    max_tokens: int = DEFAULT_MAX_TOKENS,
    overlap_tokens: int = DEFAULT_OVERLAP_TOKENS,
    length: Callable[[str], int] = estimate_tokens,
) -> list[Chunk]:
    """Chunks of one document, in reading order, each within one page and one section."""
    chunks: list[Chunk] = []
    ordinal_on_page: Counter[int] = Counter()
    current: list[_Unit] = []

    def emit() -> None:
        if not current:
            return
        page = current[0].page
        ordinal = ordinal_on_page[page]
        ordinal_on_page[page] += 1
        chunks.append(
            Chunk(
                chunk_id=f"{doc.content_hash[:16]}:{page}:{ordinal}",
                file=doc.file,
                page=page,
                title=doc.title,
                section=current[0].section,
                text=_join_units(current),
                content_hash=doc.content_hash,
            )
        )

    for unit in _units(doc, max_tokens, length):
        same_run = bool(current) and current[0].page == unit.page and current[0].section == unit.section
        if same_run and sum(u.tokens for u in current) + unit.tokens <= max_tokens:
            current.append(unit)
            continue
        emit()
        if same_run:
            # Carry the last units (up to the overlap budget) so a fact split at the boundary survives.
            carried: list[_Unit] = []
            budget = overlap_tokens
            for previous in reversed(current):
                if previous.tokens > budget or previous.tokens + unit.tokens > max_tokens:
                    break
                carried.insert(0, previous)
                budget -= previous.tokens
            current[:] = [*carried, unit]
        else:
            current[:] = [unit]
    emit()
    return chunks
