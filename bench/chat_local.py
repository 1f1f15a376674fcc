"""Offline chat speed: engine load time, time to first token and tokens/s of SmolLM2 under llama.cpp.

Run: .venv/bin/python -m bench.chat_local --runs 5
"""

from __future__ import annotations

import argparse
import time

from backend.providers import build_chat_model, load_engine
from backend.providers.params import InferenceParams
from backend.settings import load_settings
from bench._util import summary

PROMPTS = [
    "Explain what a vector index is in three sentences.",
    "Write a short poem about the sea.",
    "Give me five tips for a productive morning.",
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--max-tokens", type=int, default=128)
    args = parser.parse_args()

    settings = load_settings(APP_PROVIDER="local")
    loads = []
    for _ in range(3):
        engine = load_engine(settings)
        loads.append(engine.load_seconds)
    model = build_chat_model(
        settings, InferenceParams(temperature=0.7, max_tokens=args.max_tokens), engine=engine
    )

    ttft, rates = [], []
    for i in range(args.runs):
        started = time.perf_counter()
        first = None
        tokens = 0
        for chunk in model.stream(PROMPTS[i % len(PROMPTS)]):
            if chunk.text:
                tokens += 1
                if first is None:
                    first = time.perf_counter()
        done = time.perf_counter()
        assert first is not None
        ttft.append(first - started)
        rates.append((tokens - 1) / (done - first) if tokens > 1 else 0.0)
    print(summary("engine load", loads, "s"))
    print(summary("time to first token", ttft, "s"))
    print(summary("decode speed", rates, "tokens/s"))


if __name__ == "__main__":
    main()
