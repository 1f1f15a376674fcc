"""End-to-end offline code generation through the API with the real SmolLM2 (llama.cpp).

Run: HF_HUB_OFFLINE=1 .venv/bin/python -m bench.api_local_codegen --runs 3 --max-tokens 128 512
Each run is POST /code-generation through the pages' in-process client: prompt, generation, code
extraction, save. Reported per max_tokens: wall time, output tokens and tokens per second. The model
is loaded once before timing (its load time is reported separately).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from backend.api_client import GeneratorApiClient
from backend.providers import load_engine
from backend.providers.params import InferenceParams
from backend.settings import Settings
from bench._util import summary
from serverless.app import build_service, create_app


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--max-tokens", type=int, nargs="+", default=[128, 512])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(APP_PROVIDER="local", OUTPUT_DIR=Path(tmp))
        started = time.perf_counter()
        engine = load_engine(settings)
        print(f"model load: {time.perf_counter() - started:.2f} s")
        app = create_app(settings, generator_service=build_service(settings, engine=engine))
        client = GeneratorApiClient.in_process(app)
        for max_tokens in args.max_tokens:
            params = InferenceParams(max_tokens=max_tokens, temperature=0.2)
            walls, rates, tokens = [], [], []
            for _ in range(args.runs):
                t = time.perf_counter()
                result = client.generate_code("python", "implement binary search", params)
                wall = time.perf_counter() - t
                walls.append(wall)
                out = result.usage.output_tokens if result.usage else 0
                tokens.append(float(out))
                rates.append(out / result.seconds if result.seconds else 0.0)
            print(summary(f"max_tokens={max_tokens}: wall time", walls, "s"))
            print(summary(f"max_tokens={max_tokens}: output tokens", tokens, "tok"))
            print(summary(f"max_tokens={max_tokens}: generation speed", rates, "tok/s"))


if __name__ == "__main__":
    main()
