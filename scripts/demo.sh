#!/usr/bin/env bash
# `make demo`: until the daemon lands, shows what exists: inspects and decodes the real chest
# DICOM files in the shared data and prints their tags and an ASCII thumbnail.
set -euo pipefail
bin=$1; data=$2
for f in "$data"/dicom/*.dcm; do
    echo "== $(basename "$f")"
    "$bin/ingestctl" dicom inspect "$f"
    "$bin/ingestctl" dicom thumbnail "$f" --width 48
done
