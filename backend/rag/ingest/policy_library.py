"""The policy documents behind the Q&A page: shipped samples, HR uploads, and the index built from both.

Uploads are checked before anything is written (name, PDF validity, duplicates), saved to the upload
folder atomically under a sanitised name, then added to the index incrementally. A file the index
rejects is taken back off disk (or its previous version restored), so the folders and the index agree.
"""

from __future__ import annotations

import io
import os
import re
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

UploadStatus = Literal["added", "updated", "unchanged", "rejected"]
Progress = Callable[[float, str], object]  # (fraction done, status text); the return is ignored

MAX_NAME_CHARS = 120
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_pdf_name(name: str) -> str | None:
    """A file name that is safe to write in the upload folder, or None if it is not a PDF name.

    Directory parts (either slash) are dropped, accents folded to ASCII, anything else but letters,
    digits, ``.``, ``_`` and ``-`` becomes ``_``, leading dots are removed (no hidden files), the
    extension is lower-cased and the stem is cut so the whole name fits in ``MAX_NAME_CHARS``.
    """
    base = re.split(r"[\\/]", name)[-1].strip()
    stem, dot, extension = base.rpartition(".")
    if not dot or extension.lower() != "pdf":
        return None
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode("ascii")
    cleaned = _UNSAFE.sub("_", ascii_stem).strip("._-")
    cleaned = re.sub(r"_{2,}", "_", cleaned)[: MAX_NAME_CHARS - len(".pdf")].rstrip("._-")
    return f"{cleaned or 'document'}.pdf"


@dataclass(frozen=True)
class UploadResult:
    file: str  # the name it is stored and cited under
    original_name: str
    status: UploadStatus
    reason: str = ""
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
    ) -> None:
        self.store = IndexStore(index_dir)
        self.policies_dir = policies_dir
        self.upload_dir = upload_dir
        self.embedding_model = embedding_model
        self._embeddings = embeddings  # loaded only when something has to be embedded
        self._workers = workers

    def _ingestor(self) -> Ingestor:
        return Ingestor(
            self.store, self._embeddings(), embedding_model=self.embedding_model, workers=self._workers
        )

    def generation(self) -> str | None:
        """The live index generation's name: changes whenever the index is rewritten."""
        current = self.store.current_generation()
        return current.name if current else None

    def stats(self) -> IndexStats | None:
        manifest = self.store.read_manifest()
        return IndexStats.from_manifest(manifest) if manifest else None

    def needs_build(self) -> bool:
        """No usable index yet, or one embedded with another model (e.g. after switching provider)."""
        manifest = self.store.read_manifest()
        return manifest is None or manifest.embedding_model != self.embedding_model

    def source_folders(self) -> list[Path]:
        return [folder for folder in (self.policies_dir, self.upload_dir) if folder.is_dir()]

    def rebuild(self) -> IngestReport:
        """Make the index match the folders: index new and changed PDFs, drop deleted ones.

        Unchanged files keep their embeddings; an index that is missing, unreadable or built with another
        embedding model is rebuilt from scratch. The live index is replaced atomically at the end.
        """
        return self._ingestor().sync(self.source_folders())

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
        self, files: Sequence[tuple[str, bytes]], progress: Progress | None = None
    ) -> list[UploadResult]:
        """Check, save and index uploaded files one by one; one result per file, in order."""
        results: list[UploadResult] = []
        total = len(files)
        for position, (original, data) in enumerate(files):
            if progress:
                progress(position / total, f"Indexing {original} ({position + 1} of {total})…")
            results.append(self._upload_one(original, data))
        if progress and total:
            progress(1.0, f"Done: {total} file{'s' if total != 1 else ''} processed.")
        return results

    def _upload_one(self, original: str, data: bytes) -> UploadResult:
        name = safe_pdf_name(original)
        if name is None:
            return UploadResult(original, original, "rejected", "only PDF files (.pdf) can be added")
        if (self.policies_dir / name).exists():
            return UploadResult(
                name,
                original,
                "rejected",
                "a built-in policy has the same name; rename the file and upload it again",
            )
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
        return UploadResult(name, original, status, pages=outcome.pages, chunks=outcome.chunks)

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
