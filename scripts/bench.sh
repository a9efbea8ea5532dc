#!/usr/bin/env bash
# `make bench`: every benchmark that exists, each printing JSON.
set -euo pipefail
bin=$1; data=$2
root=$(cd "$(dirname "$0")/.." && pwd)

# DICOM decode: ingestctl (in-process) vs a C++ loop calling DCMTK directly vs pydicom.
make -C "$root" --no-print-directory "$root/.build/bench/dcmtk-decode-loop" >&2
"$root/scripts/bench-decode.sh" "$bin" "$root/.build/bench" "$data"
