"""The on-disk policy index: versioned generations swapped atomically, no pickle anywhere.

Layout of an index directory::

    CURRENT                 name of the live generation (replaced with os.replace)
    gen-<time>-<id>/        manifest.json, chunks.jsonl, vectors.npy, dense.faiss, bm25_*.npy/json
    .tmp-<id>/              a generation being written (renamed to gen-... only when complete)
    .lock                   serialises writers (readers never wait)

A reader resolves CURRENT once and reads one complete generation, so it never sees a half-written
index; a crashed writer leaves only a .tmp directory that the next writer deletes.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import shutil
import time
import uuid
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from backend.errors import SentenceError
from backend.rag.types import Chunk, embedding_text

if TYPE_CHECKING:
    import faiss

    from backend.rag.index.bm25 import BM25Index

FORMAT_VERSION = 1
_CURRENT = "CURRENT"
_GENERATION_NAME = re.compile(r"gen-\d+-[0-9a-f]{12}")
_LOCK = ".lock"
_KEEP_PREVIOUS = (
    1  # generations kept besides the live one, for readers that resolved CURRENT just before a swap
)


class IndexNotFoundError(FileNotFoundError):
    """No index has been built in this directory yet."""

    def __init__(self, root: Path) -> None:
        super().__init__(
            f"No policy index in {root}; build one with: "
            f"python -m backend.rag ingest <PDFs or folder> --index {root}"
        )
        self.root = root


class IndexFormatError(SentenceError, ValueError):
    """The index files are from an incompatible version, damaged or inconsistent; rebuild the index."""


class IndexWriteError(SentenceError, OSError):
    """Writing a new generation failed (disk full, read-only folder); the live index is unchanged."""

    def __init__(self, exc: OSError) -> None:
        reason = exc.strerror or type(exc).__name__
        super().__init__(
            exc.errno,
            f"The policy index could not be written ({reason}); nothing was changed and the previous "
            "index still answers. Free some space or make INDEX_DIR writable, then try again.",
        )

    def __str__(self) -> str:
        return str(self.strerror)


@dataclass(frozen=True)
class FileEntry:
    """One indexed source file (identified by its content hash)."""

    file: str
    content_hash: str
    title: str
    pages: int
    chunks: int
    source: str  # the path it was ingested from, for the report
    warnings: tuple[str, ...] = ()
    # SHA-256 of the normalised extracted text (``parser.text_hash``): catches the same document saved
    # as different bytes. Empty in indexes written before it existed (still format 1: it is optional).
    text_hash: str = ""
    # The version of the text pipeline (parse, clean, split) that cut its passages: a file cut by an
    # earlier one is re-cut by the next sync, although its bytes are unchanged. Empty in older indexes.
    chunking: str = ""


@dataclass(frozen=True)
class Manifest:
    embedding_model: str
    dimension: int
    files: tuple[FileEntry, ...] = ()
    format_version: int = FORMAT_VERSION
    built_at: float = field(default_factory=time.time)

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=1, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        raw = json.loads(text)
        if raw.get("format_version") != FORMAT_VERSION:
            raise IndexFormatError(
                f"The policy index was written in format {raw.get('format_version')}, and this version "
                f"of the app reads format {FORMAT_VERSION}: rebuild the index."
            )
        files = tuple(
            FileEntry(**{**entry, "warnings": tuple(entry.get("warnings", ()))}) for entry in raw["files"]
        )
        return cls(
            embedding_model=raw["embedding_model"],
            dimension=int(raw["dimension"]),
            files=files,
            format_version=raw["format_version"],
            built_at=float(raw["built_at"]),
        )


@dataclass(frozen=True)
class LoadedIndex:
    """An index generation in memory. Treat as read-only (it is shared between sessions)."""

    manifest: Manifest
    chunks: list[Chunk]
    vectors: np.ndarray  # float32 [n, dimension], L2-normalised
    dense: faiss.Index
    bm25: BM25Index
    generation: str


def _fsync_file(path: Path) -> None:
    with open(path, "rb") as fh:
        os.fsync(fh.fileno())


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def build_dense_index(vectors: np.ndarray, dimension: int) -> faiss.Index:
    """Exact inner-product search; on normalised vectors that is cosine similarity."""
    import faiss  # faiss and scipy load only to read or write vectors: an unchanged re-ingest needs neither

    index = faiss.IndexFlatIP(dimension)
    if len(vectors):
        index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    return index


class IndexStore:
    """Reads and atomically replaces the index in ``root``."""

    def __init__(self, root: Path, *, durable: bool = True) -> None:
        self.root = Path(root)
        self._durable = durable  # fsync before the swap; benchmarks on tmpfs may turn it off

    # -- reading ---------------------------------------------------------------------------------
    def current_generation(self) -> Path | None:
        """The live generation: the one CURRENT names, or, when CURRENT is missing, damaged or names a
        generation that is not complete, the newest complete one (a manifest is written last)."""
        try:
            name = (self.root / _CURRENT).read_text(encoding="utf-8", errors="replace").strip()
        except FileNotFoundError:
            name = ""
        except OSError:
            name = ""
        if _GENERATION_NAME.fullmatch(name) and (self.root / name / "manifest.json").is_file():
            return self.root / name
        complete = sorted(p for p in self.root.glob("gen-*") if (p / "manifest.json").is_file())
        return complete[-1] if complete else None

    def read_manifest(self) -> Manifest | None:
        """The live manifest, or None when there is no index (or it is unreadable/incompatible)."""
        for _ in range(2):
            generation = self.current_generation()
            if generation is None:
                return None
            try:
                return Manifest.from_json((generation / "manifest.json").read_text(encoding="utf-8"))
            except FileNotFoundError:
                continue  # swapped and cleaned up under us: resolve CURRENT again
            except (IndexFormatError, ValueError, KeyError, TypeError):
                return None
        return None

    def load(self) -> LoadedIndex:
        """Load the live generation; raises IndexNotFoundError or IndexFormatError."""
        for attempt in range(2):
            generation = self.current_generation()
            if generation is None:
                raise IndexNotFoundError(self.root)
            try:
                return self._load_generation(generation)
            except FileNotFoundError:
                if attempt:
                    raise
        raise IndexNotFoundError(self.root)  # pragma: no cover - loop always returns or raises

    def _load_generation(self, generation: Path) -> LoadedIndex:
        try:
            return self._read_generation(generation)
        except (FileNotFoundError, IndexFormatError):
            raise
        except (OSError, ValueError, KeyError, TypeError, RuntimeError, EOFError) as exc:
            # A damaged file (truncated by a crash, edited by hand): faiss and numpy say so in C++ or
            # NumPy terms; the reader gets one sentence.
            raise IndexFormatError(
                f"The policy index is damaged ({type(exc).__name__} while reading it): rebuild the index."
            ) from exc

    def _read_generation(self, generation: Path) -> LoadedIndex:
        import faiss

        from backend.rag.index.bm25 import BM25Index

        manifest = Manifest.from_json((generation / "manifest.json").read_text(encoding="utf-8"))
        with open(generation / "chunks.jsonl", encoding="utf-8") as fh:
            chunks = [Chunk(**json.loads(line)) for line in fh if line.strip()]
        vectors = np.load(generation / "vectors.npy", allow_pickle=False)
        dense = faiss.read_index(str(generation / "dense.faiss"))
        bm25 = BM25Index.load(generation)
        expected = sum(f.chunks for f in manifest.files)
        if not (len(chunks) == expected == vectors.shape[0] == dense.ntotal == bm25.size):
            raise IndexFormatError(f"index in {generation} is inconsistent; rebuild it")
        if vectors.ndim != 2 or vectors.shape[1] != manifest.dimension:
            raise IndexFormatError(f"index in {generation} has vectors of the wrong dimension; rebuild it")
        return LoadedIndex(manifest, chunks, vectors, dense, bm25, generation.name)

    def looks_intact(self) -> bool:
        """A cheap check of the live generation: its files exist and are large enough for its vectors.

        Catches what a crash or a full disk leaves (a truncated FAISS or vectors file) without loading it.
        """
        generation = self.current_generation()
        manifest = self.read_manifest()
        if generation is None or manifest is None:
            return False
        vector_bytes = sum(f.chunks for f in manifest.files) * manifest.dimension * 4
        try:
            sizes = {name: (generation / name).stat().st_size for name in ("vectors.npy", "dense.faiss")}
            (generation / "chunks.jsonl").stat()
        except OSError:
            return False
        return all(size >= vector_bytes for size in sizes.values())

    # -- writing ---------------------------------------------------------------------------------
    @contextlib.contextmanager
    def writer_lock(self) -> Iterator[None]:
        """Exclusive lock for one ingest (read-modify-write) at a time."""
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            lock = open(self.root / _LOCK, "a+")  # noqa: SIM115 - closed below, after the body ran
        except OSError as exc:
            raise IndexWriteError(exc) from exc
        with lock as fh:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh.fileno(), fcntl.LOCK_UN)

    def write(self, manifest: Manifest, chunks: list[Chunk], vectors: np.ndarray) -> Path:
        """Write a complete new generation next to the live one, then swap CURRENT to it.

        Call under ``writer_lock``. On any failure the temp directory is removed and the live index
        is untouched.
        """
        if len(chunks) != vectors.shape[0] or sum(f.chunks for f in manifest.files) != len(chunks):
            raise ValueError("chunks, vectors and manifest disagree on the number of chunks")
        token = uuid.uuid4().hex[:12]
        tmp = self.root / f".tmp-{token}"
        final = self.root / f"gen-{time.time_ns()}-{token}"
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            tmp.mkdir()
        except OSError as exc:
            raise IndexWriteError(exc) from exc
        live = False
        try:
            self._write_files(tmp, manifest, chunks, vectors)
            os.rename(tmp, final)
            pointer = self.root / f".{_CURRENT}-{token}"
            pointer.write_text(final.name, encoding="utf-8")
            if self._durable:
                _fsync_file(pointer)
            os.replace(pointer, self.root / _CURRENT)
            live = True
            if self._durable:
                _fsync_dir(self.root)
        except OSError as exc:
            shutil.rmtree(tmp, ignore_errors=True)
            if not live:  # a complete generation that never went live must not be picked up later
                shutil.rmtree(final, ignore_errors=True)
                for stale_pointer in self.root.glob(f".{_CURRENT}-{token}"):
                    stale_pointer.unlink(missing_ok=True)
                raise IndexWriteError(exc) from exc
            raise
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        self._collect_garbage(keep=final)
        return final

    def _write_files(
        self, directory: Path, manifest: Manifest, chunks: list[Chunk], vectors: np.ndarray
    ) -> None:
        import faiss

        from backend.rag.index.bm25 import BM25Index

        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        with open(directory / "chunks.jsonl", "w", encoding="utf-8") as fh:
            for chunk in chunks:
                fh.write(json.dumps(asdict(chunk), ensure_ascii=False) + "\n")
        np.save(directory / "vectors.npy", vectors, allow_pickle=False)
        faiss.write_index(build_dense_index(vectors, manifest.dimension), str(directory / "dense.faiss"))
        BM25Index.build(embedding_text(c) for c in chunks).save(directory)
        # The manifest goes last: a generation directory without one is never made live.
        (directory / "manifest.json").write_text(manifest.to_json(), encoding="utf-8")
        if self._durable:
            for path in directory.iterdir():
                _fsync_file(path)
            _fsync_dir(directory)

    def _collect_garbage(self, keep: Path) -> None:
        generations = sorted((p for p in self.root.glob("gen-*") if p != keep), key=lambda p: p.name)
        for old in generations[: max(0, len(generations) - _KEEP_PREVIOUS)]:
            shutil.rmtree(old, ignore_errors=True)
        for stale in self.root.glob(".tmp-*"):
            shutil.rmtree(stale, ignore_errors=True)
        for stale_pointer in self.root.glob(f".{_CURRENT}-*"):
            stale_pointer.unlink(missing_ok=True)
