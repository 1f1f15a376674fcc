"""What the API adds per request, with an instant fake model: validation, routing, saving, JSON.

Run: .venv/bin/python -m bench.api_overhead --requests 300
Two paths, both with a local output folder in a temp dir:
- the pages' path: ``GeneratorApiClient.in_process`` -> app -> service -> file (POST /code-generation);
- the Lambda path: ``Mangum`` handler called with an API Gateway HTTP API v2 event.
The model is langchain-core's fake chat model, so the figures exclude generation time.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path
from typing import Any

from langchain_core.language_models.fake_chat_models import FakeListChatModel
from mangum import Mangum

from backend.api_client import GeneratorApiClient
from backend.generators.service import GeneratorService
from backend.generators.storage import LocalStorage
from backend.providers.params import InferenceParams
from backend.settings import Settings
from bench._util import REPO_ROOT, summary
from serverless.app import create_app

# Mangum reads nothing from the context for HTTP API events.
LAMBDA_CONTEXT: Any = None
REPLY = "```python\ndef binary_search(xs, x):\n    return xs.index(x) if x in xs else -1\n```"


def instant_model(params: InferenceParams) -> FakeListChatModel:
    return FakeListChatModel(responses=[REPLY])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        # The sample event is signed by the app's instance role (IAM authorizer) for user "ana".
        settings = Settings(
            APP_PROVIDER="local",
            OUTPUT_DIR=Path(tmp),
            API_AUTH="iam",
            API_TRUSTED_ROLE_ARN="arn:aws:iam::123456789012:role/workbench-app",
        )
        service = GeneratorService(
            settings, chat_model_factory=instant_model, storage=LocalStorage(Path(tmp))
        )
        client = GeneratorApiClient.in_process(create_app(settings, generator_service=service, auth="none"))
        handler = Mangum(create_app(settings, generator_service=service), lifespan="off")
        event: dict[str, Any] = json.loads(
            (REPO_ROOT / "tests" / "events" / "http_api_v2_code_generation.json").read_text()
        )
        # The Lambda path first: Mangum drives the app on the thread's asyncio loop, which the
        # in-process client's short-lived loops would otherwise leave closed.
        lambda_path = []
        for i in range(args.requests + 20):
            t = time.perf_counter()
            response = handler(event, LAMBDA_CONTEXT)
            if i >= 20:  # after warm-up
                lambda_path.append((time.perf_counter() - t) * 1000)
            assert response["statusCode"] == 200

        in_process, health = [], []
        for i in range(args.requests + 20):
            t = time.perf_counter()
            client.generate_code("python", "implement binary search")
            elapsed = (time.perf_counter() - t) * 1000
            t = time.perf_counter()
            client.health()
            if i >= 20:
                in_process.append(elapsed)
                health.append((time.perf_counter() - t) * 1000)
    print(summary("POST /code-generation, pages' in-process client (fake model)", in_process, "ms"))
    print(summary("POST /code-generation, Lambda handler + v2 event (fake model)", lambda_path, "ms"))
    print(summary("GET /health, pages' in-process client", health, "ms"))


if __name__ == "__main__":
    main()
