"""The policy documents behind the Q&A page: shipped samples, HR uploads, and the index built from both.

Uploads are checked before anything is written (name, PDF validity, duplicates), saved to the upload
folder atomically under a sanitised name, then added to the index incrementally. A file the index
rejects is taken back off disk (or its previous version restored), so the folders and the index agree.
"""

from __future__ import annotations

import io
import os
import re
import time
import unicodedata
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from langchain_core.embeddings import Embeddings
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError as PdfError

from backend.rag.index.store import FileEntry, IndexStore, Manifest
from backend.rag.ingest.ingestor import Ingestor, IngestReport
from backend.rag.ingest.parser import DocumentError, content_hash, open_pdf
from backend.settings import DEFAULT_PARSE_LIMITS, ParseLimits

UploadStatus = Literal["added", "updated", "unchanged", "rejected"]
Progress = Callable[[float, str], object]  # (fraction done, status text); the return is ignored

# A file in UPLOAD_DIR that the index does not hold is settled by ``reconcile`` once it is this old.
RECONCILE_MIN_AGE_S = 60.0
MAX_NAME_CHARS = 120
# Linux allows 255 bytes per name; CJK letters take 3 bytes each in UTF-8.
MAX_NAME_BYTES = 240
# Letters and digits of any script are kept (so "年假政策.pdf" is stored and cited as itself), and these:
_KEPT_PUNCTUATION = " ._-()"
_TRIM = " ._-"


def safe_pdf_name(name: str) -> str | None:
    """A file name that is safe to write in the upload folder and to cite, or None if it is not a PDF name.

    Directory parts (either slash) are dropped and the name is NFC-normalised. Letters and digits of any
    script, spaces and ``._-()`` are kept; control characters go; anything else (HTML's ``<>&"'``, the
    citation syntax's ``[]#,;``, shell and Windows specials) becomes ``_``. Leading dots are removed (no
    hidden files), the extension is lower-cased, and the stem is cut to ``MAX_NAME_CHARS`` characters
    and ``MAX_NAME_BYTES`` bytes.
    """
    base = unicodedata.normalize("NFC", re.split(r"[\\/]", name)[-1]).strip()
    stem, dot, extension = base.rpartition(".")
    if not dot or extension.lower() != "pdf":
        return None
    kept = (
        ch if ch.isalnum() or ch in _KEPT_PUNCTUATION else "_"
        for ch in stem
        if not unicodedata.category(ch).startswith("C")
    )
    cleaned = re.sub(r"_{2,}", "_", re.sub(r"\s+", " ", "".join(kept))).strip(_TRIM)
    cleaned = cleaned[: MAX_NAME_CHARS - len(".pdf")]
    while len(cleaned.encode("utf-8")) > MAX_NAME_BYTES - len(".pdf"):
        cleaned = cleaned[:-1]
    return f"{cleaned.rstrip(_TRIM) or 'document'}.pdf"


def numbered_name(name: str, number: int) -> str:
    """``Leave Policy (2).pdf`` for ``Leave Policy.pdf``: the name a colliding upload is saved under."""
    stem = name.removesuffix(".pdf")
    suffix = f" ({number}).pdf"
    while len((stem + suffix).encode("utf-8")) > MAX_NAME_BYTES or len(stem + suffix) > MAX_NAME_CHARS:
        stem = stem[:-1]
    return stem.rstrip(_TRIM) + suffix


@dataclass(frozen=True)
class UploadResult:
    file: str  # the name it is stored and cited under
    original_name: str
    status: UploadStatus
    reason: str = ""  # why it was rejected, or a note on an accepted file (e.g. saved under another name)
    pages: int = 0
    chunks: int = 0


@dataclass(frozen=True)
class IndexStats:
    documents: int
    pages: int
    chunks: int
    built_at: datetime
    embedding_model: str
    files: tuple[FileEntry, ...]

    @classmethod
    def from_manifest(cls, manifest: Manifest) -> IndexStats:
        return cls(
            documents=len(manifest.files),
            pages=sum(f.pages for f in manifest.files),
            chunks=sum(f.chunks for f in manifest.files),
            built_at=datetime.fromtimestamp(manifest.built_at, tz=UTC),
            embedding_model=manifest.embedding_model,
            files=manifest.files,
        )


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the complete new one, never a part."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _age(path: Path, now: float) -> float | None:
    """Seconds since ``path`` was written, or None when it is gone since the folder was listed (a job
    took a refused upload back off disk, or set one aside)."""
    try:
        return now - path.stat().st_mtime
    except FileNotFoundError:
        return None


class PolicyLibrary:
    """Keeps the index in step with ``policies_dir`` (shipped samples) and ``upload_dir`` (HR uploads)."""

    def __init__(
        self,
        *,
        index_dir: Path,
        policies_dir: Path,
        upload_dir: Path,
        embedding_model: str,
        embeddings: Callable[[], Embeddings],
        workers: int = 2,
        limits: ParseLimits = DEFAULT_PARSE_LIMITS,
    ) -> None:
        self.store = IndexStore(index_dir)
        self.policies_dir = policies_dir
        self.upload_dir = upload_dir
        self.embedding_model = embedding_model
        self._embeddings = embeddings  # loaded only when something has to be embedded
        self._workers = workers
        self._limits = limits

    def _ingestor(self) -> Ingestor:
        return Ingestor(
            self.store,
            self._embeddings(),
            embedding_model=self.embedding_model,
            workers=self._workers,
            limits=self._limits,
        )

    def generation(self) -> str | None:
        """The live index generation's name: changes whenever the index is rewritten."""
        current = self.store.current_generation()
        return current.name if current else None

    def stats(self) -> IndexStats | None:
        manifest = self.store.read_manifest()
        return IndexStats.from_manifest(manifest) if manifest else None

    def needs_build(self) -> bool:
        """No usable index yet, one embedded with another model (e.g. after switching provider), or one
        whose files are damaged (a truncated FAISS file): the page rebuilds it from the documents."""
        manifest = self.store.read_manifest()
        return (
            manifest is None
            or manifest.embedding_model != self.embedding_model
            or not self.store.looks_intact()
        )

    def source_folders(self) -> list[Path]:
        return [folder for folder in (self.policies_dir, self.upload_dir) if folder.is_dir()]

    def rebuild(self) -> IngestReport:
        """Make the index match the folders: index new and changed PDFs, drop deleted ones.

        Unchanged files keep their embeddings; an index that is missing, unreadable or built with another
        embedding model is rebuilt from scratch. The live index is replaced atomically at the end.
        """
        return self._ingestor().sync(self.source_folders())

    def stray_uploads(self, *, min_age_s: float = RECONCILE_MIN_AGE_S) -> list[Path]:
        """PDFs in ``UPLOAD_DIR`` the index does not hold, at least ``min_age_s`` old (a cheap check:
        a directory listing and the manifest). None while there is no usable index to compare with."""
        manifest = self.store.read_manifest()
        if (
            manifest is None
            or manifest.embedding_model != self.embedding_model
            or not self.upload_dir.is_dir()
        ):
            return []
        indexed = {entry.file for entry in manifest.files}
        now = time.time()
        ages = {path: _age(path, now) for path in sorted(self.upload_dir.glob("*.pdf"))}
        return [
            path
            for path, age in ages.items()
            if path.name not in indexed and age is not None and age >= min_age_s
        ]

    def reconcile(self, *, min_age_s: float = RECONCILE_MIN_AGE_S) -> list[UploadResult]:
        """Settle uploads left between disk and index (an upload killed after its save, before indexing).

        Each such PDF is indexed now, or, when the index refuses it, moved to ``UPLOAD_DIR/.rejected``
        so a later rebuild cannot index it silently; one result each, saying so. Files younger than
        ``min_age_s`` are left alone: they may be an upload still in progress in another session.
        """
        stray = self.stray_uploads(min_age_s=min_age_s)
        if not stray:
            return []
        outcomes = {o.file: o for o in self._ingestor().add(stray).outcomes}
        results = []
        for path in stray:
            outcome = outcomes.get(path.name)
            if outcome is not None and outcome.status in ("added", "updated", "unchanged"):
                note = "found in the upload folder but not in the index (an interrupted upload); indexed now"
                results.append(
                    UploadResult(path.name, path.name, "added", note, outcome.pages, outcome.chunks)
                )
                continue
            aside = self.upload_dir / ".rejected" / path.name
            aside.parent.mkdir(exist_ok=True)
            os.replace(path, aside)
            reason = outcome.reason if outcome is not None else "the index did not accept it"
            results.append(
                UploadResult(
                    path.name,
                    path.name,
                    "rejected",
                    f"found in the upload folder but not in the index, and {reason}; moved to "
                    "UPLOAD_DIR/.rejected",
                )
            )
        return results

    def is_builtin(self, file: str) -> bool:
        """A policy shipped with the app (in ``policies_dir``), as opposed to an upload."""
        return bool(file) and Path(file).name == file and (self.policies_dir / file).is_file()

    def delete(self, file: str) -> IngestReport:
        """Take an uploaded file out of the index, then off disk. Built-in policies are not deleted.

        The index goes first: if that fails the file stays where it was and the two still agree.
        """
        if self.is_builtin(file):
            raise DocumentError(file, "it is one of the app's built-in policies and cannot be deleted here")
        path = self.find_file(file)
        report = self._ingestor().remove([file])
        if path is not None:
            path.unlink(missing_ok=True)
        return report

    def find_file(self, file: str) -> Path | None:
        """Where an indexed file lives on disk (uploads first: they are what HR last changed)."""
        if not file or Path(file).name != file or file in {".", ".."}:
            return None  # only plain names: never a path that could leave the folders
        for folder in (self.upload_dir, self.policies_dir):
            candidate = folder / file
            if candidate.is_file() and candidate.resolve().parent == folder.resolve():
                return candidate
        return None

    def page_pdf(self, file: str, page: int) -> bytes | None:
        """The cited page of an indexed file as a one-page PDF, or None if the file is no longer on disk."""
        path = self.find_file(file)
        if path is None:
            return None
        try:
            return single_page_pdf(path.read_bytes(), page)
        except (OSError, ValueError, PdfError):
            return None

    def upload(
        self, files: Sequence[tuple[str, bytes]], progress: Progress | None = None, *, replace: bool = False
    ) -> list[UploadResult]:
        """Check, save and index uploaded files one by one; one result per file, in order.

        An upload never overwrites a different document by accident: when its name is taken it is saved
        under a numbered name (``Policy (2).pdf``), unless ``replace`` asks to update the uploaded
        document of that name. Built-in policies are never replaced.
        """
        results: list[UploadResult] = []
        total = len(files)
        for position, (original, data) in enumerate(files):
            if progress:
                progress(position / total, f"Indexing {original} ({position + 1} of {total})…")
            results.append(self._upload_one(original, data, replace=replace))
        if progress and total:
            progress(1.0, f"Done: {total} file{'s' if total != 1 else ''} processed.")
        return results

    def _name_taken(self, name: str, indexed: set[str]) -> bool:
        return name in indexed or (self.upload_dir / name).exists() or (self.policies_dir / name).exists()

    def _free_name(self, name: str, indexed: set[str]) -> str:
        number = 2
        while self._name_taken(numbered_name(name, number), indexed):
            number += 1
        return numbered_name(name, number)

    def _upload_one(self, original: str, data: bytes, *, replace: bool) -> UploadResult:
        name = safe_pdf_name(original)
        if name is None:
            return UploadResult(original, original, "rejected", "only PDF files (.pdf) can be added")
        try:
            opened = open_pdf(data, name)
        except DocumentError as exc:
            return UploadResult(name, original, "rejected", exc.reason)
        manifest = self.store.read_manifest()
        if manifest is not None and manifest.embedding_model == self.embedding_model:
            for entry in manifest.files:
                if entry.content_hash == opened.content_hash:
                    if entry.file == name:
                        return UploadResult(
                            name, original, "unchanged", pages=entry.pages, chunks=entry.chunks
                        )
                    return UploadResult(
                        name, original, "rejected", f"the same document is already indexed as {entry.file}"
                    )

        indexed = {entry.file for entry in manifest.files} if manifest is not None else set()
        note = ""
        replaceable = replace and (self.upload_dir / name).is_file()
        if self._name_taken(name, indexed) and not replaceable:
            taken = name
            name = self._free_name(name, indexed)
            note = f"saved as {name} because a different document is already named {taken}" + (
                "" if (self.policies_dir / taken).exists() else "; to update that one, choose Replace"
            )
        target = self.upload_dir / name
        previous = target.read_bytes() if target.is_file() else None
        write_atomically(target, data)
        try:
            report = self._ingestor().add([target])
        except BaseException:
            self._restore(target, previous)
            raise
        outcome = next((o for o in report.outcomes if o.file == name), None)
        if outcome is None or outcome.status not in ("added", "updated", "unchanged"):
            self._restore(target, previous)
            reason = outcome.reason if outcome else "the index did not accept the file"
            return UploadResult(name, original, "rejected", reason)
        status: UploadStatus = "updated" if outcome.status == "updated" else "added"
        if outcome.status == "unchanged":
            status = "unchanged"
        note = "; ".join([*([note] if note else []), *outcome.warnings])
        return UploadResult(name, original, status, note, pages=outcome.pages, chunks=outcome.chunks)

    @staticmethod
    def _restore(target: Path, previous: bytes | None) -> None:
        if previous is None:
            target.unlink(missing_ok=True)
        elif content_hash(previous) != content_hash(target.read_bytes()):
            write_atomically(target, previous)


def single_page_pdf(data: bytes, page: int) -> bytes:
    """A one-page PDF holding page ``page`` (1-based) of ``data``, for showing exactly the cited page."""
    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        reader.decrypt("")
    if not 1 <= page <= len(reader.pages):
        raise ValueError(f"page {page} is outside 1..{len(reader.pages)}")
    writer = PdfWriter()
    writer.add_page(reader.pages[page - 1])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
