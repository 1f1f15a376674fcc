"""Incremental ingestion: added / unchanged / updated / removed / rejected, and what gets embedded."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from backend.rag.index.store import IndexStore
from backend.rag.ingest.ingestor import Ingestor, discover
from backend.rag.ingest.splitter import CHUNKING_VERSION
from tests.rag.fakes import IMAGE_PAGE, HashingEmbeddings, make_pdf

LEAVE = [
    ["Annual Leave", "Employees earn twenty days of paid annual leave every year."],
    ["Sick Leave", "Ten days."],
]
GYM = [["Wellness", "The gym membership is reimbursed up to one thousand dollars."]]
TRAVEL = [["Travel", "Book economy class for flights under six hours."]]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "leave.pdf").write_bytes(make_pdf(LEAVE))
    (docs / "gym.pdf").write_bytes(make_pdf(GYM))
    return docs


def _ingestor(tmp_path: Path, embeddings: HashingEmbeddings, model: str = "hash-64") -> Ingestor:
    return Ingestor(
        IndexStore(tmp_path / "index", durable=False), embeddings, embedding_model=model, workers=1
    )


def _statuses(report: object) -> dict[str, str]:
    return {o.file: o.status for o in report.outcomes}  # type: ignore[attr-defined]


def test_first_ingest_adds_every_file(tmp_path: Path, folder: Path) -> None:
    emb = HashingEmbeddings()
    report = _ingestor(tmp_path, emb).sync([folder])
    assert _statuses(report) == {"gym.pdf": "added", "leave.pdf": "added"}
    assert report.written
    assert report.total_files == 2
    index = IndexStore(tmp_path / "index").load()
    assert {(c.file, c.page) for c in index.chunks} == {("gym.pdf", 1), ("leave.pdf", 1), ("leave.pdf", 2)}
    assert index.manifest.embedding_model == "hash-64"
    assert index.manifest.dimension == 64
    # What is embedded carries the title and section.
    assert any(t.startswith("Annual Leave > ") or "> Annual Leave" in t for t in emb.embedded_texts)


def test_unchanged_corpus_embeds_and_writes_nothing(tmp_path: Path, folder: Path) -> None:
    _ingestor(tmp_path, HashingEmbeddings()).sync([folder])
    generation = IndexStore(tmp_path / "index").current_generation()
    emb = HashingEmbeddings()
    report = _ingestor(tmp_path, emb).sync([folder])
    assert set(_statuses(report).values()) == {"unchanged"}
    assert emb.embedded_texts == []
    assert not report.written
    assert IndexStore(tmp_path / "index").current_generation() == generation


def test_changed_file_is_the_only_one_re_embedded(tmp_path: Path, folder: Path) -> None:
    _ingestor(tmp_path, HashingEmbeddings()).sync([folder])
    (folder / "gym.pdf").write_bytes(make_pdf([["Wellness", "Yoga classes are reimbursed too."]]))
    emb = HashingEmbeddings()
    report = _ingestor(tmp_path, emb).sync([folder])
    assert _statuses(report) == {"gym.pdf": "updated", "leave.pdf": "unchanged"}
    assert emb.embedded_texts
    assert all("Yoga" in t for t in emb.embedded_texts)
    texts = [c.text for c in IndexStore(tmp_path / "index").load().chunks]
    assert any("Yoga" in t for t in texts)
    assert not any("thousand dollars" in t for t in texts)
    assert any("twenty days" in t for t in texts)


def test_removed_file_chunks_are_removed(tmp_path: Path, folder: Path) -> None:
    _ingestor(tmp_path, HashingEmbeddings()).sync([folder])
    (folder / "gym.pdf").unlink()
    report = _ingestor(tmp_path, HashingEmbeddings()).sync([folder])
    assert _statuses(report) == {"gym.pdf": "removed", "leave.pdf": "unchanged"}
    assert {c.file for c in IndexStore(tmp_path / "index").load().chunks} == {"leave.pdf"}


def test_renamed_file_reuses_its_vectors(tmp_path: Path, folder: Path) -> None:
    _ingestor(tmp_path, HashingEmbeddings()).sync([folder])
    (folder / "gym.pdf").rename(folder / "wellness.pdf")
    emb = HashingEmbeddings()
    report = _ingestor(tmp_path, emb).sync([folder])
    assert _statuses(report)["wellness.pdf"] == "unchanged"
    assert emb.embedded_texts == []
    assert {c.file for c in IndexStore(tmp_path / "index").load().chunks} == {"leave.pdf", "wellness.pdf"}


def test_bad_files_are_rejected_and_the_rest_is_indexed(tmp_path: Path, folder: Path) -> None:
    (folder / "scan.pdf").write_bytes(make_pdf([IMAGE_PAGE]))
    (folder / "locked.pdf").write_bytes(make_pdf(TRAVEL, user_password="pw"))
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4\n" + b"\x00junk" * 50)
    (folder / "empty.pdf").write_bytes(b"")
    report = _ingestor(tmp_path, HashingEmbeddings()).sync([folder])
    reasons = {o.file: o.reason for o in report.outcomes if o.status == "rejected"}
    assert set(reasons) == {"scan.pdf", "locked.pdf", "broken.pdf", "empty.pdf"}
    assert "no text layer" in reasons["scan.pdf"]
    assert "password" in reasons["locked.pdf"]
    assert "truncated" in reasons["broken.pdf"]
    assert "empty" in reasons["empty.pdf"]
    assert {c.file for c in IndexStore(tmp_path / "index").load().chunks} == {"leave.pdf", "gym.pdf"}


def test_a_file_that_turns_bad_keeps_its_previous_version(tmp_path: Path, folder: Path) -> None:
    _ingestor(tmp_path, HashingEmbeddings()).sync([folder])
    (folder / "gym.pdf").write_bytes(b"%PDF-1.4\ntruncated")
    report = _ingestor(tmp_path, HashingEmbeddings()).sync([folder])
    assert _statuses(report)["gym.pdf"] == "rejected"
    texts = [c.text for c in IndexStore(tmp_path / "index").load().chunks]
    assert any("thousand dollars" in t for t in texts)


def test_add_keeps_other_files_and_remove_drops_them(tmp_path: Path, folder: Path) -> None:
    ingestor = _ingestor(tmp_path, HashingEmbeddings())
    ingestor.sync([folder / "leave.pdf"])
    extra = tmp_path / "travel.pdf"
    extra.write_bytes(make_pdf(TRAVEL))
    report = ingestor.add([extra])
    assert _statuses(report) == {"travel.pdf": "added"}
    assert {c.file for c in IndexStore(tmp_path / "index").load().chunks} == {"leave.pdf", "travel.pdf"}
    removal = ingestor.remove(["leave.pdf", "nope.pdf"])
    assert _statuses(removal) == {"leave.pdf": "removed", "nope.pdf": "rejected"}
    assert {c.file for c in IndexStore(tmp_path / "index").load().chunks} == {"travel.pdf"}


def test_embedding_model_change_rebuilds_everything(tmp_path: Path, folder: Path) -> None:
    _ingestor(tmp_path, HashingEmbeddings()).sync([folder])
    emb = HashingEmbeddings(dim=32)
    report = _ingestor(tmp_path, emb, model="other-model").sync([folder])
    assert "other-model" in report.full_rebuild_reason
    assert set(_statuses(report).values()) == {"added"}
    index = IndexStore(tmp_path / "index").load()
    assert index.manifest.dimension == 32
    assert index.vectors.shape[1] == 32


def test_duplicate_content_and_missing_paths_are_reported(tmp_path: Path, folder: Path) -> None:
    (folder / "leave-copy.pdf").write_bytes((folder / "leave.pdf").read_bytes())
    # add() keeps what it cannot find; sync() refuses (tests/faults/test_missing_inputs.py).
    report = _ingestor(tmp_path, HashingEmbeddings()).add([folder, tmp_path / "missing"])
    rejected = {o.file: o.reason for o in report.outcomes if o.status == "rejected"}
    assert "same content" in rejected["leave.pdf"] or "same content" in rejected["leave-copy.pdf"]
    assert "no such file" in rejected["missing"]


def test_discover_finds_pdfs_recursively_case_insensitively(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "X.PDF").write_bytes(b"x")
    (tmp_path / "a" / "notes.txt").write_text("x")
    files, problems = discover([tmp_path / "a"])
    assert [f.name for f in files] == ["X.PDF"]
    assert problems == []


def test_parallel_extraction_matches_inline(tmp_path: Path) -> None:
    # 30 pages crosses the threshold for the process pool.
    pages = [[f"Topic {i}", f"Rule {i} applies to department {i} only."] for i in range(30)]
    (tmp_path / "big.pdf").write_bytes(make_pdf(pages))
    inline = Ingestor(
        IndexStore(tmp_path / "i1", durable=False), HashingEmbeddings(), embedding_model="h", workers=1
    )
    pooled = Ingestor(
        IndexStore(tmp_path / "i2", durable=False), HashingEmbeddings(), embedding_model="h", workers=2
    )
    inline.sync([tmp_path / "big.pdf"])
    pooled.sync([tmp_path / "big.pdf"])
    a = IndexStore(tmp_path / "i1").load().chunks
    b = IndexStore(tmp_path / "i2").load().chunks
    assert a == b
    assert {c.page for c in a} == set(range(1, 31))


def _mark_cut_by(index_dir: Path, chunking: str) -> None:
    """Rewrite the live generation as if an app with another text pipeline version had cut it."""
    store = IndexStore(index_dir, durable=False)
    index = store.load()
    files = tuple(dataclasses.replace(f, chunking=chunking) for f in index.manifest.files)
    store.write(dataclasses.replace(index.manifest, files=files), index.chunks, index.vectors)


def test_a_sync_re_cuts_files_an_earlier_text_pipeline_cut(tmp_path: Path, folder: Path) -> None:
    _ingestor(tmp_path, HashingEmbeddings()).sync([folder])
    _mark_cut_by(tmp_path / "index", "")  # an index written before files recorded their version
    assert IndexStore(tmp_path / "index").read_manifest().files[0].chunking == ""  # type: ignore[union-attr]
    emb = HashingEmbeddings()
    report = _ingestor(tmp_path, emb).sync([folder])
    assert _statuses(report) == {"gym.pdf": "updated", "leave.pdf": "updated"}
    assert report.written
    assert emb.embedded_texts
    manifest = IndexStore(tmp_path / "index").read_manifest()
    assert manifest is not None
    assert {f.chunking for f in manifest.files} == {CHUNKING_VERSION}
    # Once re-cut, the next sync has nothing to do.
    again = HashingEmbeddings()
    assert set(_statuses(_ingestor(tmp_path, again).sync([folder])).values()) == {"unchanged"}
    assert again.embedded_texts == []


def test_adding_a_file_leaves_the_others_as_an_earlier_pipeline_cut_them(
    tmp_path: Path, folder: Path
) -> None:
    _ingestor(tmp_path, HashingEmbeddings()).sync([folder])
    _mark_cut_by(tmp_path / "index", "old")
    extra = tmp_path / "travel.pdf"
    extra.write_bytes(make_pdf(TRAVEL))
    emb = HashingEmbeddings()
    report = _ingestor(tmp_path, emb).add([extra])
    assert _statuses(report) == {"travel.pdf": "added"}
    manifest = IndexStore(tmp_path / "index").read_manifest()
    assert manifest is not None
    assert {f.file: f.chunking for f in manifest.files} == {
        "gym.pdf": "old",
        "leave.pdf": "old",
        "travel.pdf": CHUNKING_VERSION,
    }
    assert all("Travel" in t for t in emb.embedded_texts)  # only the new file was embedded
