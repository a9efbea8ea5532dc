#!/usr/bin/env bash
# Creates (once per machine) the venv with the llama.cpp OpenAI-compatible server and the SmolLM2
# GGUF. Building llama-cpp-python from source takes ~6+ minutes on 2 cores, so the venv lives outside
# the source tree and is rebuilt only when the requirements file changes.
# Usage: setup-llm-venv.sh VENV REQUIREMENTS
set -euo pipefail
venv=$1; req=$2
stamp="$venv/.ingestd-$(sha256sum < "$req" | cut -c1-16)"
[ -f "$stamp" ] && exit 0
# llama-cpp-python compiles C++ (cmake and ninja come as wheels; the compiler must be on the system).
if ! command -v c++ >/dev/null 2>&1; then
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq g++
fi
echo "setup-llm: building $venv (llama-cpp-python from source, several minutes on 2 cores)"
if [ ! -x "$venv/bin/python3" ]; then
    if [ -x /usr/bin/python3 ] && /usr/bin/python3 -m venv "$venv" 2>/dev/null; then :; else python3 -m venv "$venv"; fi
fi
"$venv/bin/python3" -m pip install -q --upgrade pip
# A portable build (no -march=native) so the cached venv survives a move to another machine kind.
CMAKE_ARGS="${CMAKE_ARGS:--DGGML_NATIVE=OFF}" CMAKE_BUILD_PARALLEL_LEVEL="${CMAKE_BUILD_PARALLEL_LEVEL:-2}" \
    "$venv/bin/python3" -m pip install -q -r "$req"
touch "$stamp"
