"""Okapi BM25 keyword search on a scipy sparse matrix.

The per-(chunk, term) BM25 weights are computed once when the index is built, so a query is a sum of a
few sparse columns: milliseconds even for 100k chunks. Saved as plain numpy arrays (no pickle).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import scipy.sparse as sp

K1 = 1.2
B = 0.75

_TOKEN = re.compile(r"[a-z0-9]+")
_STOPWORD_TEXT = """
a about above after again against all am an and any are as at be because been before being below
between both but by can could did do does doing down during each few for from further had has have
having he her here hers herself him himself his how i if in into is it its itself just me more most
my myself no nor not now of off on once only or other our ours ourselves out over own same she
should so some such than that the their theirs them themselves then there these they this those
through to too under until up very was we were what when where which while who whom why will with
would you your yours yourself yourselves
"""
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())


def _stem(word: str) -> str:
    # Plural folding only: "benefits" ~ "benefit", "policies" ~ "policy". Heavier stemming merges
    # distinct policy terms ("leave"/"leaving", "cover"/"coverage") and costs more than it gains.
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


MAX_REMEMBERED_CORRECTIONS = 4096


def edit_distance(a: str, b: str, limit: int) -> int:
    """Damerau-Levenshtein distance (a swap of neighbours is one edit), or ``limit + 1`` past ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, start=1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def typo_limit(term: str) -> int:
    """Edits tolerated in a term: none for short words (too many look-alikes), one, two for long words."""
    if len(term) < 5 or term.isdigit():
        return 0
    return 1 if len(term) < 8 else 2


def tokenize(text: str) -> list[str]:
    """Lowercased, stop-word-free, plural-folded terms. A plural of a stop word is one too: "weekly offs"
    is "weekly", as "weekly off" is (else "offs" asked for a term no text can have)."""
    stems = (_stem(t) for t in _TOKEN.findall(text.lower()) if t not in _STOPWORDS)
    return [t for t in stems if t not in _STOPWORDS]


class BM25Index:
    """Sparse BM25 weights, rows = documents (chunks), columns = terms."""

    def __init__(self, weights: sp.csc_matrix, vocabulary: dict[str, int]) -> None:
        self._weights = weights.tocsc()
        self._vocabulary = vocabulary
        n_docs = max(1, self.size)
        self._df = np.diff(self._weights.indptr).astype(np.float32)  # chunks containing each term
        self._idf = np.log1p((n_docs - self._df + 0.5) / (self._df + 0.5)).astype(np.float32)
        # Spelling correction compares an unknown word with indexed words of the same initial.
        self._by_initial: dict[str, list[str]] = {}
        for known in vocabulary:
            self._by_initial.setdefault(known[:1], []).append(known)
        # A memo of corrections, bounded: a long-running server sees ever new misspellings. The index is
        # shared by every session; the memo only caches a pure function of the (immutable) vocabulary.
        self._corrections: dict[str, str] = {}

    def idf(self, term: str) -> float | None:
        """Inverse document frequency of a (tokenized) term, None when no chunk contains it."""
        col = self._vocabulary.get(term)
        return None if col is None else float(self._idf[col])

    def correct(self, term: str) -> str:
        """The indexed term a misspelt one most likely meant ("maternaty" -> "maternity"), else itself.

        Only terms absent from the index are corrected, within ``typo_limit`` edits and with the same
        first letter; among candidates the closest, then the most frequent, wins.
        """
        if term in self._vocabulary or typo_limit(term) == 0:
            return term
        if term not in self._corrections:
            if len(self._corrections) >= MAX_REMEMBERED_CORRECTIONS:
                self._corrections.clear()
            limit = typo_limit(term)
            best: tuple[int, float, str] | None = None
            for known in self._by_initial.get(term[:1], []):
                distance = edit_distance(term, known, limit)
                if distance <= limit:
                    candidate = (distance, -float(self._df[self._vocabulary[known]]), known)
                    best = candidate if best is None or candidate < best else best
            self._corrections[term] = best[2] if best else term
        return self._corrections[term]

    def query_terms(self, query: str) -> list[str]:
        """The query's distinct terms, misspellings corrected to indexed terms."""
        return list(dict.fromkeys(self.correct(t) for t in tokenize(query)))

    @property
    def size(self) -> int:
        return int(self._weights.shape[0])

    @classmethod
    def build(cls, texts: Iterable[str], *, k1: float = K1, b: float = B) -> BM25Index:
        vocabulary: dict[str, int] = {}
        rows: list[int] = []
        cols: list[int] = []
        counts: list[int] = []
        lengths: list[int] = []
        for row, text in enumerate(texts):
            terms = tokenize(text)
            lengths.append(len(terms))
            tf: dict[int, int] = {}
            for term in terms:
                col = vocabulary.setdefault(term, len(vocabulary))
                tf[col] = tf.get(col, 0) + 1
            rows.extend([row] * len(tf))
            cols.extend(tf.keys())
            counts.extend(tf.values())
        n_docs = len(lengths)
        tf_matrix = sp.csr_matrix(
            (np.asarray(counts, dtype=np.float32), (np.asarray(rows), np.asarray(cols))),
            shape=(n_docs, len(vocabulary)),
            dtype=np.float32,
        )
        doc_len = np.asarray(lengths, dtype=np.float32)
        avg_len = float(doc_len.mean()) if n_docs and doc_len.mean() > 0 else 1.0
        df = np.bincount(tf_matrix.indices, minlength=len(vocabulary)).astype(np.float32)
        # The "+1" (Lucene's) keeps idf positive for terms in more than half the chunks.
        idf = np.log1p((n_docs - df + 0.5) / (df + 0.5)).astype(np.float32)
        norm = k1 * (1.0 - b + b * doc_len / avg_len)
        weights = tf_matrix.copy()
        row_of_entry = np.repeat(np.arange(n_docs), np.diff(tf_matrix.indptr))
        tf_values = tf_matrix.data
        weights.data = (
            idf[tf_matrix.indices] * tf_values * (k1 + 1.0) / (tf_values + norm[row_of_entry])
        ).astype(np.float32)
        return cls(weights.tocsc(), vocabulary)

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every document for the query (zeros where no term matches)."""
        cols = [self._vocabulary[t] for t in self.query_terms(query) if t in self._vocabulary]
        if not cols or self.size == 0:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._weights[:, cols].sum(axis=1), dtype=np.float32).ravel()

    def top(self, query: str, n: int) -> list[tuple[int, float]]:
        """Best ``n`` (row, score) pairs with a positive score, best first."""
        scores = self.scores(query)
        positive = np.flatnonzero(scores > 0)
        if positive.size == 0:
            return []
        if positive.size > n:
            positive = positive[np.argpartition(-scores[positive], n - 1)[:n]]
        order = positive[np.argsort(-scores[positive], kind="stable")]
        return [(int(i), float(scores[i])) for i in order]

    # -- persistence: plain arrays + JSON, loadable with allow_pickle=False ------------------------
    def save(self, directory: Path) -> None:
        m = self._weights
        np.save(directory / "bm25_data.npy", m.data, allow_pickle=False)
        np.save(directory / "bm25_indices.npy", m.indices, allow_pickle=False)
        np.save(directory / "bm25_indptr.npy", m.indptr, allow_pickle=False)
        (directory / "bm25_vocab.json").write_text(
            json.dumps({"shape": list(m.shape), "terms": list(self._vocabulary)}), encoding="utf-8"
        )

    @classmethod
    def load(cls, directory: Path) -> BM25Index:
        meta = json.loads((directory / "bm25_vocab.json").read_text(encoding="utf-8"))
        matrix = sp.csc_matrix(
            (
                np.load(directory / "bm25_data.npy", allow_pickle=False),
                np.load(directory / "bm25_indices.npy", allow_pickle=False),
                np.load(directory / "bm25_indptr.npy", allow_pickle=False),
            ),
            shape=tuple(meta["shape"]),
        )
        return cls(matrix, {term: i for i, term in enumerate(meta["terms"])})
