"""Prompt lab, offline: compare 3 variants on SmolLM2-135M (llama.cpp); total time per compare.

Run: .venv/bin/python -m bench.lab_compare --runs 3
The variants are the lab's defaults: product description zero-shot and few-shot, and the hippo question
with "I don't know" allowed; at most 160 new tokens each (the lab's default).
"""

from __future__ import annotations

import argparse
import time

from backend.lab.service import LabService
from backend.lab.templates import load_templates
from backend.lab.variants import Variant
from backend.metering.figures import format_figures
from backend.metering.prices import PriceTable
from backend.providers import build_chat_model, load_engine
from backend.providers.params import InferenceParams
from backend.settings import LOCAL_CHAT_MODEL, load_settings
from bench._util import summary
from ui.lab_form import LAB_MAX_TOKENS


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    settings = load_settings(APP_PROVIDER="local")
    engine = load_engine(settings)
    templates = load_templates()
    service = LabService(
        model_factory=lambda params: build_chat_model(settings, params, engine=engine),
        templates=templates,
        prices=PriceTable(),
        default_model_id=LOCAL_CHAT_MODEL,
    )
    params = InferenceParams(max_tokens=LAB_MAX_TOKENS, temperature=0.5)
    product = templates["product_description"]
    variants = [
        Variant(template_id=product.id, shots="zero", params=params),
        Variant(template_id=product.id, shots="few", examples=tuple(product.example_labels), params=params),
        Variant(template_id="hippo_good", params=params),
    ]
    totals, ttfts = [], []
    for _ in range(args.runs):
        started = time.perf_counter()
        runs = service.compare(variants)
        totals.append(time.perf_counter() - started)
        for run in runs:
            assert not run.error, run.error
            assert run.figures is not None
            ttfts.append(run.figures.first_token_seconds or 0.0)
    for run in runs:
        print(format_figures(run.figures) if run.figures else "")
    print(summary("compare of 3 variants, total", totals, "s"))
    print(summary("time to first token per variant", ttfts, "s"))


if __name__ == "__main__":
    main()
