#!/usr/bin/env bash
# `make bench`: every benchmark that exists, each printing one JSON document.
set -euo pipefail
bin=$1; data=$2
echo "bench: no benchmarks yet" >&2
