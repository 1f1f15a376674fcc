"""PDF parsing with pypdf: page texts with 1-based page numbers, a title, and clear per-file rejections.

Opening and validating a file is cheap and happens in the caller; the slow part (text extraction) is a
pure function of ``(bytes, page range)`` so ``parallel.py`` can run it in worker processes.
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from backend.rag.ingest.cleaning import clean_pages
from backend.rag.ingest.ruled_tables import Table, page_text

if TYPE_CHECKING:
    from pypdf import PdfReader

# pypdf logs every recoverable oddity of real-world PDFs; the per-file report says what matters.
logging.getLogger("pypdf").setLevel(logging.ERROR)

_MIN_TEXT_CHARS = 20  # fewer word characters than this in the whole file means "no text layer"
_JUNK_TITLE = re.compile(r"^(microsoft (word|powerpoint|excel) - )", re.IGNORECASE)
_FILE_SUFFIX = re.compile(r"\.(docx?|pptx?|xlsx?|pdf|odt|rtf)\s*$", re.IGNORECASE)
_WORD_CHARS = re.compile(r"\w")
_COVER_PAGE_CHARS = 200  # a first page shorter than this is a cover page: its lines are the title
_EOF_WINDOW = 2048  # how far from the end %%EOF may be


class DocumentError(Exception):
    """A file that cannot be indexed; ``reason`` is one sentence for the ingest report."""

    def __init__(self, file: str, reason: str) -> None:
        super().__init__(f"{file}: {reason}")
        self.file = file
        self.reason = reason

    def __reduce__(self) -> tuple[type[DocumentError], tuple[str, str]]:
        # Workers send it back to the parent: rebuild it from both fields, not from the joined message.
        return (DocumentError, (self.file, self.reason))


@dataclass(frozen=True)
class OpenedPdf:
    """A validated PDF, not yet extracted."""

    file: str
    data: bytes
    content_hash: str
    page_count: int
    metadata_title: str
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class ParsedDocument:
    """A cleaned document: ``pages[i]`` is the text of page ``i + 1``."""

    file: str
    content_hash: str
    title: str
    pages: list[str]

    @property
    def pages_without_text(self) -> list[int]:
        return [i + 1 for i, text in enumerate(self.pages) if not _WORD_CHARS.search(text)]


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def text_hash(pages: list[str]) -> str:
    """SHA-256 of a document's text, NFKC-normalised, case-folded, whitespace collapsed.

    Two files with this hash hold the same document (re-saved, re-encrypted, re-compressed copies).
    """
    text = " ".join(unicodedata.normalize("NFKC", " ".join(pages)).casefold().split())
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _reader(data: bytes, file: str) -> PdfReader:
    # pypdf loads only when a PDF is read, so an unchanged re-ingest starts faster.
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError, PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            # Files with only an owner password (print/copy restrictions) open with the empty password.
            try:
                if not reader.decrypt(""):
                    raise DocumentError(file, "the PDF is password-protected; save an unprotected copy first")
            except (FileNotDecryptedError, DependencyError, NotImplementedError) as exc:
                raise DocumentError(
                    file, "the PDF is password-protected; save an unprotected copy first"
                ) from exc
        return reader
    except DocumentError:
        raise
    except (PdfReadError, PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
        raise DocumentError(file, "the file is not a readable PDF (corrupt or truncated)") from exc


def _damage_warnings(data: bytes) -> tuple[str, ...]:
    """What a strict parse finds that the lenient one repaired silently (a broken cross-reference table)."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data), strict=True)
        if not reader.is_encrypted:
            len(reader.pages)
    except Exception:  # any strict-mode failure means pypdf had to guess the layout
        return (
            "the PDF's cross-reference table is damaged and had to be rebuilt; check that every page "
            "is complete",
        )
    return ()


def open_pdf(data: bytes, file: str) -> OpenedPdf:
    """Validate a PDF's bytes; raises DocumentError for empty, corrupt, truncated, encrypted or page-less
    files. A damaged but complete file is accepted with a warning."""
    if not data.strip():
        raise DocumentError(file, "the file is empty")
    if not data.lstrip()[:5].startswith(b"%PDF"):
        raise DocumentError(file, "the file is not a PDF (no %PDF header)")
    # A PDF ends with %%EOF (readers allow a little trailing junk). Without it the file was cut short,
    # and pypdf would quietly index what survived: whole pages missing, the last one half empty.
    if b"%%EOF" not in data[-_EOF_WINDOW:]:
        raise DocumentError(
            file,
            "the file is truncated (it stops before the PDF's end-of-file marker); upload the complete file",
        )
    reader = _reader(data, file)
    try:
        page_count = len(reader.pages)
        raw_title = reader.metadata.title if reader.metadata else None
    except DocumentError:
        raise
    except Exception as exc:  # pypdf raises many types on broken page trees
        raise DocumentError(file, "the file is not a readable PDF (corrupt or truncated)") from exc
    if page_count == 0:
        raise DocumentError(file, "the PDF has no pages")
    return OpenedPdf(
        file,
        data,
        content_hash(data),
        page_count,
        _clean_title(str(raw_title or "")),
        _damage_warnings(data),
    )


def extract_page_texts(data: bytes, file: str, start: int, stop: int, max_decoded_bytes: int) -> list[str]:
    """Raw text of pages ``start..stop-1`` (0-based indexes). Runs in worker processes.

    A page whose content decodes to more than ``max_decoded_bytes`` (``MAX_DECODED_PAGE_MB``) is refused
    before its text is extracted: a few KB of compressed stream can decode to tens of MB and take minutes
    to read.
    """
    reader = _reader(data, file)
    texts: list[str] = []
    # A table may continue from the page before this range (another worker reads that one).
    previous = _read_page(reader, file, start - 1, max_decoded_bytes, None)[1] if start > 0 else None
    for index in range(start, stop):
        text, previous = _read_page(reader, file, index, max_decoded_bytes, previous)
        texts.append(text)
    return texts


def _read_page(
    reader: PdfReader, file: str, index: int, max_decoded_bytes: int, previous: Table | None
) -> tuple[str, Table | None]:
    """A page's text, its ruled tables written out cell by cell (``ruled_tables``), and its last table."""
    try:
        page = reader.pages[index]
        contents = page.get_contents()
        decoded = len(contents.get_data()) if contents is not None else 0
    except Exception as exc:  # a broken content stream must not take the whole ingest down
        raise DocumentError(file, f"page {index + 1} cannot be read (corrupt content stream)") from exc
    if decoded > max_decoded_bytes:
        raise DocumentError(
            file,
            f"page {index + 1} decodes to {_megabytes(decoded)} of content, over the "
            f"{_megabytes(max_decoded_bytes)} limit per page (MAX_DECODED_PAGE_MB)",
        )
    try:
        return page_text(page, previous)
    except Exception:  # the tables are a refinement: without them the page is read as pypdf reads it
        logging.getLogger(__name__).warning("%s page %d: tables not read", file, index + 1, exc_info=True)
    try:
        return page.extract_text() or "", None
    except Exception as exc:
        raise DocumentError(file, f"page {index + 1} cannot be read (corrupt content stream)") from exc


def _megabytes(size: int) -> str:
    return f"{size / 1e6:.3g} MB"


def _clean_title(title: str) -> str:
    title = _FILE_SUFFIX.sub("", _JUNK_TITLE.sub("", title.strip())).strip()
    return title if len(title) >= 3 and title.lower() not in {"untitled", "title"} else ""


def guess_title(metadata_title: str, pages: list[str], file: str) -> str:
    """PDF metadata title, else the cover page or first heading line, else the file name."""
    if metadata_title:
        return metadata_title
    for text in pages:
        lines = [ln for ln in text.splitlines() if ln.strip()]
        if not lines:
            continue
        if len(text) <= _COVER_PAGE_CHARS:
            return " ".join(lines[:4])[:120]
        if len(lines[0]) <= 80:
            return lines[0]
        break
    return Path(file).stem.replace("_", " ").replace("-", " ").strip() or file


def build_document(opened: OpenedPdf, raw_pages: list[str]) -> ParsedDocument:
    """Clean extracted pages and check the file has a text layer at all."""
    pages = clean_pages(raw_pages)
    if sum(len(_WORD_CHARS.findall(p)) for p in pages) < _MIN_TEXT_CHARS:
        raise DocumentError(
            opened.file, "the PDF has no text layer (a scan or images only); run OCR on it first"
        )
    return ParsedDocument(
        file=opened.file,
        content_hash=opened.content_hash,
        title=guess_title(opened.metadata_title, pages, opened.file),
        pages=pages,
    )
