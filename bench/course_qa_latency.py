"""Offline Course Q&A latency: GET /kb/ask on the in-process generation API with the real local models.

Run: HF_HUB_OFFLINE=1 .venv/bin/python -m bench.course_qa_latency --runs 2
The course index is built once (timed separately) and MiniLM is loaded before timing. Each timed request
is a first question (hybrid retrieval, extractive answer: sentences scored by MiniLM and term coverage,
quoted with their pages) or, with ``sessionId``, a follow-up (searched with the previous question too).
Reported: median and p95 wall time per kind.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient

from backend.kb.local import sync_course_index
from backend.providers import build_embeddings
from backend.settings import Settings
from bench._util import summary
from serverless.app import build_course_qa, create_app

QUESTIONS = [
    ("What is the context window of a model?", "Why must chat histories be trimmed?"),
    ("What does the temperature parameter control?", "Which value suits creative writing?"),
    ("What is chunk overlap in RAG?", "How large should a chunk be?"),
    ("What is few-shot prompting?", "How many examples are usually enough?"),
    (
        "What does an ingestion job do in a Bedrock Knowledge Base?",
        "And what does RetrieveAndGenerate return?",
    ),
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=2, help="passes over the question list")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(APP_PROVIDER="local", COURSE_INDEX_DIR=Path(tmp) / "index", OUTPUT_DIR=Path(tmp))
        embeddings = build_embeddings(settings)
        started = time.perf_counter()
        report = sync_course_index(settings, embeddings)
        print(f"course index build: {time.perf_counter() - started:.2f} s ({report.total_chunks} chunks)")
        qa = build_course_qa(settings, embeddings=embeddings)
        api = TestClient(create_app(settings, course_qa=qa))
        api.get("/kb/ask", params={"prompt": "What is a token?"})  # warm-up: the first ONNX calls
        first, follow = [], []
        for _ in range(args.runs):
            for question, follow_up in QUESTIONS:
                t = time.perf_counter()
                body = api.get("/kb/ask", params={"prompt": question}).json()
                first.append(time.perf_counter() - t)
                t = time.perf_counter()
                api.post("/kb/ask", json={"prompt": follow_up, "sessionId": body["sessionId"]})
                follow.append(time.perf_counter() - t)
        print(summary("first question (GET /kb/ask)", first, "s"))
        print(summary("follow-up with sessionId (POST /kb/ask)", follow, "s"))


if __name__ == "__main__":
    main()
