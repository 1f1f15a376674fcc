#!/usr/bin/env bash
# Install the app into .venv (first run compiles llama-cpp-python, about 10 minutes) and serve it on :8501.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/venv.sh requirements.txt
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
exec .venv/bin/streamlit run app.py --server.port "${PORT:-8501}" --browser.gatherUsageStats false "$@"
