#!/usr/bin/env bash
# Installs the Debian packages ingestd builds and tests against, only when one is missing
# (orthanc and dcmtk are the real PACS peers of the integration tests and benchmarks).
set -euo pipefail
packages=(libdcmtk-dev dcmtk librocksdb-dev libopenblas-dev zlib1g-dev pkg-config python3-venv curl orthanc)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}"
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
fi
