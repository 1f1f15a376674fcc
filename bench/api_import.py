"""Cold-start proxy for the Lambda: time to import ``serverless.handler`` in a fresh interpreter.

Run: .venv/bin/python -m bench.api_import --runs 15
Each run is a new process, timed from inside it (interpreter start-up excluded). Reported: the handler
import in wall and CPU time (the 0.5 s target), and import + the first event (/health on the Bedrock
path), which is when the settings, boto3 and LangChain's AWS integration are loaded.
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
t, c = time.perf_counter(), time.process_time()
import serverless.handler
print(time.perf_counter() - t, time.process_time() - c)
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


def timed(code: str, env: dict[str, str]) -> list[float]:
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, env=env, capture_output=True, text=True, check=True
    )
    return [float(x) for x in out.stdout.strip().splitlines()[-1].split()]


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
        runs = [timed(_IMPORT, env) for _ in range(args.runs)]
        imports = [wall for wall, _ in runs]
        cpu = [cpu for _, cpu in runs]
        first = [timed(_FIRST_EVENT.format(event=event), env)[0] for _ in range(args.runs)]
    # CPU time is the steadier figure on a shared machine; wall time is what Lambda's init waits for.
    print(summary("import serverless.handler, wall time", imports, "s"))
    print(summary("import serverless.handler, CPU time", cpu, "s"))
    print(summary("import + first /health event (Bedrock path, settings + clients built)", first, "s"))
    print(json.dumps({"import_median_s": sorted(imports)[len(imports) // 2]}))


if __name__ == "__main__":
    main()
