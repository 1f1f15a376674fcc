"""Incremental ingestion: hash files, parse and embed only what is new, write a new index generation.

Files are identified by the SHA-256 of their bytes: an unchanged file (even renamed) reuses its stored
chunks and vectors, so re-ingesting an unchanged corpus embeds nothing and writes nothing. A file that
cannot be indexed is reported with a reason and leaves the index as it was (its previous version, if
any, stays searchable).
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
from langchain_core.embeddings import Embeddings

from backend.errors import SentenceError
from backend.rag.index.store import FileEntry, IndexFormatError, IndexStore, LoadedIndex, Manifest
from backend.rag.ingest.parallel import extract_texts
from backend.rag.ingest.parser import (
    DocumentError,
    OpenedPdf,
    ParsedDocument,
    build_document,
    content_hash,
    open_pdf,
    text_hash,
)
from backend.rag.ingest.splitter import CHUNKING_VERSION, split_document
from backend.rag.types import Chunk, embedding_text
from backend.settings import DEFAULT_PARSE_LIMITS, ParseLimits

Status = Literal["added", "updated", "unchanged", "removed", "rejected"]
STAGES = ("read", "parse", "split", "embed", "write")


@dataclass(frozen=True)
class FileOutcome:
    file: str
    status: Status
    reason: str = ""
    pages: int = 0
    chunks: int = 0
    warnings: tuple[str, ...] = ()


@dataclass
class IngestReport:
    index_dir: Path
    outcomes: list[FileOutcome] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=lambda: dict.fromkeys(STAGES, 0.0))
    total_chunks: int = 0
    total_files: int = 0
    full_rebuild_reason: str = ""
    written: bool = False

    def count(self, status: Status) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def total_seconds(self) -> float:
        return sum(self.seconds.values())


def discover(paths: Iterable[Path]) -> tuple[list[Path], list[FileOutcome]]:
    """PDF files named directly or found (recursively) in folders; problems become rejections."""
    found: dict[str, Path] = {}
    problems: list[FileOutcome] = []
    for path in paths:
        if path.is_dir():
            # Hidden entries are skipped: temp files being written, UPLOAD_DIR/.rejected.
            candidates = sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and p.suffix.lower() == ".pdf"
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
        elif path.is_file():
            candidates = [path]
        else:
            problems.append(
                FileOutcome(path.name or str(path), "rejected", f"no such file or folder: {path}")
            )
            continue
        for candidate in candidates:
            if candidate.name in found and found[candidate.name].resolve() != candidate.resolve():
                problems.append(
                    FileOutcome(
                        candidate.name,
                        "rejected",
                        f"another file with this name is already being ingested ({found[candidate.name]})",
                    )
                )
            else:
                found[candidate.name] = candidate
    return list(found.values()), problems


class MissingInputError(SentenceError, FileNotFoundError):
    """A path given to ``sync`` does not exist: syncing would remove everything it should have held."""

    def __init__(self, missing: Sequence[Path], kept_files: int) -> None:
        self.missing = list(missing)
        names = ", ".join(str(p) for p in self.missing)
        super().__init__(
            f"No such file or folder: {names}; nothing was changed (the index still holds {kept_files} "
            "files). Fix the path, or pass --keep-missing to index the other paths without removing anything."
        )


class Ingestor:
    """Keeps an ``IndexStore`` in step with a set of PDF files."""

    def __init__(
        self,
        store: IndexStore,
        embeddings: Embeddings,
        *,
        embedding_model: str,
        workers: int = 2,
        limits: ParseLimits = DEFAULT_PARSE_LIMITS,
    ) -> None:
        self._store = store
        self._embeddings = embeddings
        self._embedding_model = embedding_model
        self._workers = workers
        self._limits = limits

    def sync(self, paths: Sequence[Path]) -> IngestReport:
        """Make the index hold exactly the PDFs under ``paths`` (files not listed are removed).

        A path that does not exist aborts before anything changes (``MissingInputError``): a mistyped
        folder must not read as "that folder is now empty" and empty the index.
        """
        missing = [p for p in paths if not p.exists()]
        if missing:
            manifest = self._store.read_manifest()
            raise MissingInputError(missing, len(manifest.files) if manifest else 0)
        return self._run(paths, remove_missing=True)

    def add(self, paths: Sequence[Path]) -> IngestReport:
        """Add or update the PDFs under ``paths``, keeping every other indexed file."""
        return self._run(paths, remove_missing=False)

    def remove(self, files: Sequence[str]) -> IngestReport:
        """Drop indexed files by name."""
        with self._store.writer_lock():
            report = IngestReport(self._store.root)
            manifest = self._store.read_manifest()
            if manifest is None:
                report.outcomes = [FileOutcome(f, "rejected", "not in the index") for f in files]
                return report
            names = {e.file for e in manifest.files}
            kept = [e for e in manifest.files if e.file not in set(files)]
            report.outcomes = [
                FileOutcome(f, "removed") if f in names else FileOutcome(f, "rejected", "not in the index")
                for f in files
            ]
            if len(kept) != len(manifest.files):
                self._write(report, manifest.dimension, kept, {}, self._store.load())
            return report

    # ------------------------------------------------------------------------------------------
    def _run(self, paths: Sequence[Path], *, remove_missing: bool) -> IngestReport:
        with self._store.writer_lock():
            return self._run_locked(paths, remove_missing=remove_missing)

    def _run_locked(
        self, paths: Sequence[Path], *, remove_missing: bool, fresh: bool = False
    ) -> IngestReport:
        report = IngestReport(self._store.root)
        clock = time.perf_counter()
        old = self._store.read_manifest()
        if old is None and self._store.current_generation() is not None and not fresh:
            fresh = True  # an index is there but its manifest cannot be read (damaged or an old format)
        if old is not None and old.embedding_model != self._embedding_model:
            report.full_rebuild_reason = (
                f"the index was built with {old.embedding_model}; rebuilding for {self._embedding_model}"
            )
            old = None
        if old is not None and not self._store.looks_intact():
            fresh = True
        if fresh and not remove_missing:
            # Adding to an index that cannot be read would drop every file not being added.
            raise IndexFormatError(
                "The policy index is damaged or unreadable: rebuild it from the documents before "
                "adding files."
            )
        if fresh:
            report.full_rebuild_reason = (
                "the index was damaged or unreadable; rebuilding it from the documents"
            )
            old = None
        old_by_hash = {e.content_hash: e for e in (old.files if old else ())}
        old_by_name = {e.file: e for e in (old.files if old else ())}

        files, rejected = discover(paths)
        path_by_name = {p.name: p for p in files}
        report.outcomes.extend(rejected)
        final: dict[str, FileEntry] = {}  # file name -> entry, reused or new
        to_parse: list[OpenedPdf] = []
        seen_hashes: dict[str, str] = {}
        for path in files:
            try:
                data = path.read_bytes()
            except OSError as exc:
                report.outcomes.append(
                    FileOutcome(path.name, "rejected", f"cannot read the file: {exc.strerror}")
                )
                continue
            digest = content_hash(data)
            if digest in seen_hashes:
                report.outcomes.append(
                    FileOutcome(
                        path.name, "rejected", f"same content as {seen_hashes[digest]}, which is indexed"
                    )
                )
                continue
            seen_hashes[digest] = path.name
            reused = old_by_hash.get(digest)
            # A file cut by an earlier text pipeline is re-cut by a sync; adding files leaves the others
            # as they are (their passages stay searchable until the next sync).
            if reused is not None and (reused.chunking == CHUNKING_VERSION or not remove_missing):
                entry = dataclasses.replace(reused, file=path.name, source=str(path))
                final[path.name] = entry
                report.outcomes.append(
                    FileOutcome(path.name, "unchanged", pages=entry.pages, chunks=entry.chunks)
                )
                continue
            try:
                to_parse.append(open_pdf(data, path.name))
            except DocumentError as exc:
                report.outcomes.append(FileOutcome(path.name, "rejected", exc.reason))
        report.seconds["read"] = time.perf_counter() - clock

        clock = time.perf_counter()
        documents: list[ParsedDocument] = []
        text_hashes: dict[str, str] = {}
        # Same text, different bytes (a re-saved or re-encrypted copy): indexed once. A file's own
        # earlier version does not count, and neither do files this run no longer holds.
        text_owner = {e.text_hash: e.file for e in final.values() if e.text_hash}
        if not remove_missing:
            text_owner.update({e.text_hash: e.file for e in old_by_name.values() if e.text_hash})
        opened_warnings = {opened.file: opened.warnings for opened in to_parse}
        texts_by_file = extract_texts(to_parse, self._workers, self._limits) if to_parse else {}
        for opened in to_parse:
            raw = texts_by_file[opened.file]
            try:
                if isinstance(raw, DocumentError):
                    raise raw
                document = build_document(opened, raw)
            except DocumentError as exc:
                report.outcomes.append(FileOutcome(opened.file, "rejected", exc.reason))
                continue
            digest = text_hash(document.pages)
            owner = text_owner.get(digest)
            if owner is not None and owner != document.file:
                reason = f"same text as {owner}, which is indexed (a copy saved differently)"
                report.outcomes.append(FileOutcome(document.file, "rejected", reason))
                continue
            text_owner[digest] = document.file
            text_hashes[document.file] = digest
            documents.append(document)
        report.seconds["parse"] = time.perf_counter() - clock

        clock = time.perf_counter()
        new_chunks: dict[str, list[Chunk]] = {doc.file: split_document(doc) for doc in documents}
        report.seconds["split"] = time.perf_counter() - clock

        clock = time.perf_counter()
        new_vectors = self._embed([c for doc in documents for c in new_chunks[doc.file]])
        report.seconds["embed"] = time.perf_counter() - clock

        offset = 0
        new_by_file: dict[str, tuple[list[Chunk], np.ndarray]] = {}
        for doc in documents:
            chunks = new_chunks[doc.file]
            new_by_file[doc.file] = (chunks, new_vectors[offset : offset + len(chunks)])
            offset += len(chunks)
            warnings = opened_warnings.get(doc.file, ()) + tuple(
                [f"pages without text (scanned?): {_page_list(doc.pages_without_text)}"]
                if doc.pages_without_text
                else []
            )
            source = str(path_by_name[doc.file])
            final[doc.file] = FileEntry(
                doc.file,
                doc.content_hash,
                doc.title,
                len(doc.pages),
                len(chunks),
                source,
                warnings,
                text_hash=text_hashes[doc.file],
                chunking=CHUNKING_VERSION,
            )
            status: Status = "updated" if doc.file in old_by_name else "added"
            report.outcomes.append(FileOutcome(doc.file, status, "", len(doc.pages), len(chunks), warnings))

        # A rejected file keeps its previous version; in sync mode files no longer listed go away.
        for outcome in report.outcomes:
            if outcome.status == "rejected" and outcome.file in old_by_name and outcome.file not in final:
                final[outcome.file] = old_by_name[outcome.file]
        if old is not None:
            for entry in old.files:
                if entry.file in final:
                    continue
                if remove_missing and entry.content_hash not in {e.content_hash for e in final.values()}:
                    report.outcomes.append(FileOutcome(entry.file, "removed", pages=entry.pages))
                elif not remove_missing:
                    final[entry.file] = entry

        changed = old is None or [
            (e.file, e.content_hash, e.chunking) for e in sorted(final.values(), key=lambda e: e.file)
        ] != [(e.file, e.content_hash, e.chunking) for e in sorted(old.files, key=lambda e: e.file)]
        if changed and (final or old is not None):
            dimension = int(new_vectors.shape[1]) if new_vectors.size else (old.dimension if old else 0)
            if dimension == 0:
                dimension = len(self._embeddings.embed_query("dimension probe"))
            try:
                previous = (
                    self._store.load()
                    if old is not None and any(e.content_hash in old_by_hash for e in final.values())
                    else None
                )
            except IndexFormatError:  # damaged beyond what looks_intact sees: embed everything again
                return self._run_locked(paths, remove_missing=remove_missing, fresh=True)
            entries = [final[name] for name in sorted(final)]
            self._write(report, dimension, entries, new_by_file, previous)
        report.total_files = len(final) if changed or old is None else len(old.files)
        report.total_chunks = sum(e.chunks for e in final.values())
        report.outcomes.sort(key=lambda o: (o.status != "rejected", o.file))
        return report

    def _embed(self, chunks: list[Chunk]) -> np.ndarray:
        if not chunks:
            return np.zeros((0, 0), dtype=np.float32)
        vectors = np.asarray(
            self._embeddings.embed_documents([embedding_text(c) for c in chunks]), dtype=np.float32
        )
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.where(norms > 0, norms, 1.0)

    def _write(
        self,
        report: IngestReport,
        dimension: int,
        entries: list[FileEntry],
        new_by_file: dict[str, tuple[list[Chunk], np.ndarray]],
        previous: LoadedIndex | None,
    ) -> None:
        clock = time.perf_counter()
        rows_by_hash: dict[str, list[int]] = {}
        if previous is not None:
            for row, chunk in enumerate(previous.chunks):
                rows_by_hash.setdefault(chunk.content_hash, []).append(row)
        chunks: list[Chunk] = []
        blocks: list[np.ndarray] = []
        for entry in entries:
            if entry.file in new_by_file:
                file_chunks, vectors = new_by_file[entry.file]
            else:
                assert previous is not None, "a reused file needs the previous generation"
                rows = rows_by_hash.get(entry.content_hash, [])
                file_chunks = [
                    c if c.file == entry.file else dataclasses.replace(c, file=entry.file)
                    for c in (previous.chunks[r] for r in rows)
                ]
                vectors = previous.vectors[rows]
            chunks.extend(file_chunks)
            blocks.append(np.asarray(vectors, dtype=np.float32).reshape(-1, dimension))
        matrix = np.concatenate(blocks) if blocks else np.zeros((0, dimension), dtype=np.float32)
        manifest = Manifest(embedding_model=self._embedding_model, dimension=dimension, files=tuple(entries))
        self._store.write(manifest, chunks, matrix)
        report.written = True
        report.seconds["write"] = time.perf_counter() - clock


def _page_list(pages: list[int], limit: int = 10) -> str:
    shown = ", ".join(str(p) for p in pages[:limit])
    return shown + (f" and {len(pages) - limit} more" if len(pages) > limit else "")
