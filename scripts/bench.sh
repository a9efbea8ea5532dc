#!/usr/bin/env bash
# `make bench`: every benchmark that exists, each printing one JSON document.
set -euo pipefail
bin=$1; data=$2
here=$(cd "$(dirname "$0")" && pwd)
cache=${INGESTD_CACHE:-$HOME/.cache/ingestd}
echo "== bench store" >&2
"$bin/ingestctl" bench store --json
echo "== bench ann (100k x 128; peers in the same run)" >&2
"$here/bench-ann.sh" "$bin" "${INGESTD_PYTHON:-$cache/venv/bin/python3}" "$cache/ann-100k-128" 1
