# Sourced by run.sh and test.sh: create .venv if needed and install the given requirements file.
# pip's wheel cache keeps the compiled llama-cpp-python, so later installs take seconds.
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
# llama.cpp is compiled for AVX2/FMA rather than -march=native: on Xeons that report AMX/AVX-512-FP16
# inside a VM, the native build dies with "Illegal instruction" at the first decode (seen on CI's machine),
# and a wheel cached by one machine must run on the next.
export CMAKE_ARGS="${CMAKE_ARGS:--DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON}"
CMAKE_BUILD_PARALLEL_LEVEL="$(nproc)" .venv/bin/pip install --disable-pip-version-check -q -r "$1"
