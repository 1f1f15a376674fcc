"""The index store: round trip, atomic swap, garbage collection, clear errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from backend.rag.index.store import FileEntry, IndexFormatError, IndexNotFoundError, IndexStore, Manifest
from backend.rag.types import Chunk


def _chunks(text: str, n: int = 3) -> list[Chunk]:
    return [
        Chunk(f"h:{i + 1}:0", "a.pdf", i + 1, "Title", "Section", f"{text} {i}", "h" * 64) for i in range(n)
    ]


def _manifest(n: int, dim: int = 4) -> Manifest:
    return Manifest("fake-model", dim, (FileEntry("a.pdf", "h" * 64, "Title", n, n, "/x/a.pdf"),))


def _vectors(n: int, dim: int = 4) -> np.ndarray:
    rng = np.random.default_rng(0)
    v = rng.normal(size=(n, dim)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_round_trip(tmp_path: Path) -> None:
    store = IndexStore(tmp_path / "idx", durable=False)
    chunks, vectors = _chunks("annual leave"), _vectors(3)
    store.write(_manifest(3), chunks, vectors)
    loaded = store.load()
    assert loaded.chunks == chunks
    np.testing.assert_array_equal(loaded.vectors, vectors)
    assert loaded.dense.ntotal == 3
    assert loaded.bm25.size == 3
    assert loaded.manifest.files[0].file == "a.pdf"
    assert store.read_manifest() == loaded.manifest


def test_no_index_gives_a_clear_error(tmp_path: Path) -> None:
    store = IndexStore(tmp_path / "none")
    assert store.read_manifest() is None
    with pytest.raises(IndexNotFoundError, match=r"python -m backend\.rag ingest"):
        store.load()


def test_failure_mid_write_leaves_the_old_index_readable(tmp_path: Path) -> None:
    store = IndexStore(tmp_path / "idx", durable=False)
    store.write(_manifest(3), _chunks("old text"), _vectors(3))
    before = store.current_generation()
    # A lone surrogate cannot be encoded as UTF-8: chunks.jsonl fails after its first lines are written.
    broken = [*_chunks("new text", 2), Chunk("h:3:0", "a.pdf", 3, "T", "S", "bad \ud800 text", "h" * 64)]
    with pytest.raises(UnicodeEncodeError):
        store.write(_manifest(3), broken, _vectors(3))
    assert store.current_generation() == before
    assert [c.text for c in store.load().chunks] == ["old text 0", "old text 1", "old text 2"]
    assert not list((tmp_path / "idx").glob(".tmp-*")), "the half-written generation is removed"


def test_mismatched_counts_are_refused_before_writing(tmp_path: Path) -> None:
    store = IndexStore(tmp_path / "idx", durable=False)
    with pytest.raises(ValueError, match="disagree"):
        store.write(_manifest(3), _chunks("x", 2), _vectors(3))
    assert store.current_generation() is None


def test_swap_keeps_one_previous_generation(tmp_path: Path) -> None:
    store = IndexStore(tmp_path / "idx", durable=False)
    generations = [store.write(_manifest(3), _chunks(f"v{i}"), _vectors(3)) for i in range(4)]
    on_disk = sorted(p.name for p in (tmp_path / "idx").glob("gen-*"))
    assert on_disk == sorted(g.name for g in generations[-2:])
    assert store.current_generation() == generations[-1]
    assert store.load().chunks[0].text == "v3 0"


def test_a_reader_holding_the_old_generation_keeps_working(tmp_path: Path) -> None:
    store = IndexStore(tmp_path / "idx", durable=False)
    store.write(_manifest(3), _chunks("first"), _vectors(3))
    old = store.load()
    store.write(_manifest(3), _chunks("second"), _vectors(3))
    assert old.chunks[0].text == "first 0"  # fully in memory, unaffected by the swap
    assert store.load().chunks[0].text == "second 0"


def test_inconsistent_files_are_reported(tmp_path: Path) -> None:
    store = IndexStore(tmp_path / "idx", durable=False)
    generation = store.write(_manifest(3), _chunks("x"), _vectors(3))
    lines = (generation / "chunks.jsonl").read_text(encoding="utf-8").splitlines()
    (generation / "chunks.jsonl").write_text("\n".join(lines[:2]) + "\n", encoding="utf-8")
    with pytest.raises(IndexFormatError, match="inconsistent"):
        store.load()


def test_unknown_format_version_is_not_loaded(tmp_path: Path) -> None:
    store = IndexStore(tmp_path / "idx", durable=False)
    generation = store.write(_manifest(3), _chunks("x"), _vectors(3))
    manifest = generation / "manifest.json"
    manifest.write_text(manifest.read_text().replace('"format_version": 1', '"format_version": 99'))
    assert store.read_manifest() is None
    with pytest.raises(IndexFormatError):
        store.load()
