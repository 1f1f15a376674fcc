"""Cold-start proxy for the banking agent's action-group Lambda: import ``serverless.agent.handler``.

Run: .venv/bin/python -m bench.agent_import --runs 15
Each run is a new process, timed from inside it (interpreter start-up excluded). Reported: the import in
wall and CPU time (target 0.5 s), and import + the first agent event (settings read, store built,
``GET /accounts/{accountId}/status`` answered from SQLite). That the import loads no heavy module
(torch, faiss, streamlit, LangChain...) is asserted by tests/serverless/test_agent_bundle.py.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile

from bench._util import REPO_ROOT, summary
from bench.api_import import timed

_IMPORT = """
import time
t, c = time.perf_counter(), time.process_time()
import serverless.agent.handler
print(time.perf_counter() - t, time.process_time() - c)
"""

_FIRST_EVENT = """
import json, time
t = time.perf_counter()
from serverless.agent.handler import handler
response = handler(json.load(open({event!r})), None)
assert response["response"]["httpStatusCode"] == 200, response
print(time.perf_counter() - t)
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    event = str(REPO_ROOT / "tests" / "events" / "agent_account_status_7777.json")
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "BANKING_STORE": "sqlite", "DATA_DIR": tmp}
        subprocess.run(
            [sys.executable, "-m", "backend.banking", "seed"],
            cwd=REPO_ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
        timed(_IMPORT, env)  # warm the bytecode cache, as a deployed bundle has it
        runs = [timed(_IMPORT, env) for _ in range(args.runs)]
        first = [timed(_FIRST_EVENT.format(event=event), env)[0] for _ in range(args.runs)]
    imports = [wall for wall, _ in runs]
    print(summary("import serverless.agent.handler, wall time", imports, "s"))
    print(summary("import serverless.agent.handler, CPU time", [cpu for _, cpu in runs], "s"))
    print(summary("import + first agent event (SQLite store)", first, "s"))
    print(json.dumps({"import_median_s": sorted(imports)[len(imports) // 2]}))


if __name__ == "__main__":
    main()
