"""Group questions by topic with the embedding model the app already loaded (pure, deterministic).

Questions are taken oldest first. Each joins the group whose centroid is most similar (cosine) if that
similarity reaches the threshold, otherwise it starts a new group. A group's key comes from its first
question, so a group keeps its key (and the status an admin gave it) as later questions join it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

import numpy as np

# Cosine similarity to a group's centroid (all-MiniLM-L6-v2) from which a question joins the group.
# On tests/gaps/questions.jsonl (18 questions, 5 topics) every threshold from 0.45 to 0.6 recovers the
# five topics exactly (0.4 merges "gym" with "phone"); 0.5 sits in the middle of that range.
DEFAULT_THRESHOLD = 0.5


def normalise_question(text: str) -> str:
    """Lower case, single spaces, no trailing punctuation: how duplicates are recognised."""
    return re.sub(r"\s+", " ", text.strip().lower()).rstrip(" ?!.")


def group_key(first_question: str) -> str:
    """A short stable id from a group's first question."""
    return "g-" + hashlib.sha256(normalise_question(first_question).encode("utf-8")).hexdigest()[:12]


def cluster_vectors(vectors: np.ndarray, threshold: float = DEFAULT_THRESHOLD) -> list[list[int]]:
    """Indices of ``vectors`` (rows, in time order) grouped by topic; groups in order of their first row."""
    if len(vectors) == 0:
        return []
    unit = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    sums = np.zeros((len(unit), unit.shape[1]), dtype=np.float64)
    centroids = np.zeros_like(sums)
    groups: list[list[int]] = []
    for i, vector in enumerate(unit):
        if groups:
            sims = centroids[: len(groups)] @ vector
            best = int(np.argmax(sims))
            if sims[best] >= threshold:
                groups[best].append(i)
                sums[best] += vector
                centroids[best] = sums[best] / np.linalg.norm(sums[best])
                continue
        sums[len(groups)] = vector
        centroids[len(groups)] = vector
        groups.append([i])
    return groups


def medoid(vectors: np.ndarray, members: Sequence[int]) -> int:
    """The member closest to the group's centroid (the group's most typical question)."""
    unit = vectors[list(members)]
    unit = unit / np.maximum(np.linalg.norm(unit, axis=1, keepdims=True), 1e-12)
    centroid = unit.sum(axis=0)
    return list(members)[int(np.argmax(unit @ centroid))]
