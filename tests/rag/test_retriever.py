"""Hybrid retrieval over a small index built with the fake embedding."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from backend.rag.index.store import IndexFormatError, IndexStore
from backend.rag.ingest.ingestor import Ingestor
from backend.rag.retrieve.hybrid import HybridRetriever
from backend.rag.retrieve.synonyms import parse_synonyms
from tests.rag.fakes import HashingEmbeddings, make_pdf

DOCS = {
    "leave.pdf": [["Annual Leave", "Employees earn twenty days of paid annual leave every year."]],
    "dental.pdf": [["Dental", "Root canal treatment after an accident is covered by the plan."]],
    "travel.pdf": [["Travel", "Flights under six hours are booked in economy class."]],
    "gym.pdf": [["Wellness", "The gym membership is reimbursed up to one thousand dollars."]],
    "acmetools_policy.pdf": [["Overview", "Acme Tools gives every employee a birthday off."]],
    "ambulance.pdf": [["Ambulance", "Ambulance transport is covered."]],
}


@pytest.fixture
def index_dir(tmp_path: Path) -> Path:
    docs = tmp_path / "docs"
    docs.mkdir()
    for name, pages in DOCS.items():
        (docs / name).write_bytes(make_pdf(pages))
    Ingestor(IndexStore(tmp_path / "index", durable=False), HashingEmbeddings(), embedding_model="hash").sync(
        [docs]
    )
    return tmp_path / "index"


def test_finds_the_relevant_page_first(index_dir: Path) -> None:
    retriever = HybridRetriever(IndexStore(index_dir), HashingEmbeddings(), embedding_model="hash")
    results = retriever.search("is a root canal covered after an accident?", 2)
    assert len(results) == 2
    assert (results[0].chunk.file, results[0].chunk.page) == ("dental.pdf", 1)
    assert results[0].signals["dense_rank"] == 1
    assert results[0].signals["bm25_rank"] == 1


def test_score_is_the_cosine_similarity(index_dir: Path) -> None:
    emb = HashingEmbeddings()
    retriever = HybridRetriever(IndexStore(index_dir), emb, embedding_model="hash")
    query = "how many days of annual leave"
    top = retriever.search(query, 1)[0]
    index = IndexStore(index_dir).load()
    row = next(i for i, c in enumerate(index.chunks) if c.chunk_id == top.chunk.chunk_id)
    expected = float(index.vectors[row] @ np.asarray(emb.embed_query(query), dtype=np.float32))
    assert top.score == pytest.approx(expected, abs=1e-5)


def test_keyword_only_match_is_still_found(index_dir: Path) -> None:
    # "economy" shares no hashed bucket guarantee with other docs; BM25 alone must bring travel.pdf in.
    retriever = HybridRetriever(IndexStore(index_dir), HashingEmbeddings(), embedding_model="hash")
    files = [r.chunk.file for r in retriever.search("economy", 4)]
    assert files[0] == "travel.pdf"


def test_k_and_empty_queries(index_dir: Path) -> None:
    retriever = HybridRetriever(IndexStore(index_dir), HashingEmbeddings(), embedding_model="hash")
    assert len(retriever.search("leave", 10)) == len(DOCS)  # never more than the index holds
    assert retriever.search("   ", 3) == []
    assert retriever.search("leave", 0) == []


def test_picks_up_a_new_generation_without_restart(index_dir: Path, tmp_path: Path) -> None:
    retriever = HybridRetriever(IndexStore(index_dir), HashingEmbeddings(), embedding_model="hash")
    assert retriever.search("parking garage permit", 1)[0].chunk.file != "parking.pdf"
    extra = tmp_path / "parking.pdf"
    extra.write_bytes(make_pdf([["Parking", "A parking garage permit costs ten dollars a month."]]))
    Ingestor(IndexStore(index_dir, durable=False), HashingEmbeddings(), embedding_model="hash").add([extra])
    assert retriever.search("parking garage permit", 1)[0].chunk.file == "parking.pdf"


def test_index_built_with_another_model_is_refused(index_dir: Path) -> None:
    retriever = HybridRetriever(
        IndexStore(index_dir), HashingEmbeddings(), embedding_model="all-MiniLM-L6-v2"
    )
    with pytest.raises(IndexFormatError, match="re-run ingest"):
        retriever.search("leave", 1)


def test_query_dimension_mismatch_is_refused(index_dir: Path) -> None:
    retriever = HybridRetriever(IndexStore(index_dir), HashingEmbeddings(dim=32))
    with pytest.raises(IndexFormatError, match="dimensions"):
        retriever.search("leave", 1)


def test_the_corpus_spells_out_initials_of_a_documents_owner(index_dir: Path) -> None:
    corpus = HybridRetriever(IndexStore(index_dir), HashingEmbeddings(), embedding_model="hash").corpus()
    assert corpus.spell_out("birthday off at AT?") == "birthday off at Acme Tools?"
    assert corpus.spell_out("is it at home") == "is it at home"


def test_the_corpus_gives_the_policies_words_for_a_typed_one_from_the_synonym_file(index_dir: Path) -> None:
    synonyms = parse_synonyms("ivf => in vitro fertilization\nrides => ambulance transport, taxi service")
    retriever = HybridRetriever(
        IndexStore(index_dir), HashingEmbeddings(), embedding_model="hash", synonyms=synonyms
    )
    corpus = retriever.corpus()
    # only the phrases the index has every word of: no policy says "taxi" or "fertilization"
    assert corpus.synonyms("are ambulance rides covered") == ("ambulance transport",)
    assert corpus.synonyms("does the plan cover IVF") == ()
    assert HybridRetriever(IndexStore(index_dir), HashingEmbeddings()).corpus().synonyms("rides") == ()
