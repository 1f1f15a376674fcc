# Sourced by run.sh and test.sh: create .venv if needed and install the given requirements file.
# pip's wheel cache keeps the compiled llama-cpp-python, so later installs take seconds.
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
# CMAKE_BUILD_PARALLEL_LEVEL speeds up the one-time llama.cpp compile on small machines.
CMAKE_BUILD_PARALLEL_LEVEL="$(nproc)" .venv/bin/pip install --disable-pip-version-check -q -r "$1"
