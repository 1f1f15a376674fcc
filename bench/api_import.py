"""Cold-start proxy for the Lambda: time to import ``serverless.handler`` in a fresh interpreter.

Run: .venv/bin/python -m bench.api_import --runs 15
Each run is a new process. Reported: bare interpreter start, interpreter + handler import (the figure
to compare with the 0.5 s target is the difference), and import + the first event (/health on the
Bedrock path), which is when the settings, boto3 and LangChain's AWS integration are loaded.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile

from bench._util import REPO_ROOT, summary

_IMPORT = """
import time
t = time.perf_counter()
import serverless.handler
print(time.perf_counter() - t)
"""

_FIRST_EVENT = """
import json, time
t = time.perf_counter()
from serverless.handler import handler
event = json.load(open({event!r}))
response = handler(event, None)
assert response["statusCode"] == 200, response
print(time.perf_counter() - t)
"""


def timed(code: str, env: dict[str, str]) -> float:
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, env=env, capture_output=True, text=True, check=True
    )
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    event = str(REPO_ROOT / "tests" / "events" / "http_api_v2_health.json")
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "APP_PROVIDER": "bedrock",
            "AWS_REGION": "us-east-1",
            "AWS_ACCESS_KEY_ID": "bench",
            "AWS_SECRET_ACCESS_KEY": "bench",
            "OUTPUT_DIR": f"{tmp}/outputs",
        }
        timed(_IMPORT, env)  # warm the bytecode cache, as a deployed bundle has it
        imports = [timed(_IMPORT, env) for _ in range(args.runs)]
        first = [timed(_FIRST_EVENT.format(event=event), env) for _ in range(args.runs)]
    print(summary("import serverless.handler (in-process timer)", imports, "s"))
    print(summary("import + first /health event (Bedrock path, settings + clients built)", first, "s"))
    print(json.dumps({"import_median_s": sorted(imports)[len(imports) // 2]}))


if __name__ == "__main__":
    main()
