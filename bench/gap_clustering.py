"""Knowledge gaps: group 5,000 unanswered questions with the offline embedding model (MiniLM, int8 ONNX).

Run: .venv/bin/python -m bench.gap_clustering --questions 5000
The questions are generated from 40 HR topics × 8 phrasings × 16 qualifiers (seeded, so every run groups
the same text). Reported: embedding time, clustering time and the number of groups.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

import numpy as np

from backend.gaps.clustering import cluster_vectors
from backend.providers import build_embeddings
from backend.settings import load_settings

TOPICS = [
    "a gym membership", "parking at the office", "bringing a dog to work", "a six-month sabbatical",
    "a company mobile phone", "home internet costs", "a standing desk", "childcare vouchers",
    "a bike-to-work scheme", "eye tests and glasses", "a second monitor", "language lessons",
    "conference tickets", "a professional certification", "relocation costs", "a visa sponsorship",
    "working from another country", "a four-day week", "volunteering days", "jury duty",
    "a wedding day off", "moving house leave", "blood donation time", "religious holidays",
    "a company car", "electric car charging", "train season tickets", "taxi rides after late work",
    "meals on business trips", "business class flights", "hotel upgrades", "a team offsite budget",
    "a referral bonus", "stock options", "a pay rise review", "overtime for salaried staff",
    "a pension top-up", "private health insurance for my partner", "therapy sessions", "a hearing test",
]  # fmt: skip
PHRASINGS = [
    "Does the company pay for {t}?", "Can I claim {t}?", "Is {t} covered?", "What is the policy on {t}?",
    "Who approves {t}?", "Am I entitled to {t}?", "How do I request {t}?", "Is there a budget for {t}?",
]  # fmt: skip
QUALIFIERS = [
    "", " as a contractor", " in my first year", " for part-time staff", " in Germany", " while on probation",
    " for my team", " this year", " if I work remotely", " as a manager", " after parental leave",
    " in the London office", " for interns", " on a fixed-term contract", " next month", " again",
]  # fmt: skip


def questions(count: int) -> list[str]:
    every = [p.format(t=t).replace("?", q + "?") for t in TOPICS for p in PHRASINGS for q in QUALIFIERS]
    random.Random(0).shuffle(every)
    return every[:count]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--questions", type=int, default=5000)
    args = parser.parse_args()
    texts = questions(args.questions)
    with tempfile.TemporaryDirectory() as tmp:
        embeddings = build_embeddings(load_settings(APP_PROVIDER="local", DATA_DIR=Path(tmp)))
        embeddings.embed_documents(["warm up"])  # the one-time ONNX export is not part of the figure
        started = time.perf_counter()
        vectors = np.asarray(embeddings.embed_documents(texts))
        embed_seconds = time.perf_counter() - started
    started = time.perf_counter()
    groups = cluster_vectors(vectors)
    cluster_seconds = time.perf_counter() - started
    sizes = sorted((len(g) for g in groups), reverse=True)
    print(f"{len(texts):,} questions, {len(TOPICS)} topics in the generator")
    print(f"embed: {embed_seconds:.1f} s ({len(texts) / embed_seconds:.0f} questions/s)")
    print(f"cluster: {cluster_seconds:.2f} s → {len(groups)} groups")
    print(f"largest groups {sizes[:5]}; singletons {sizes.count(1)}")


if __name__ == "__main__":
    main()
