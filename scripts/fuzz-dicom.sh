#!/usr/bin/env bash
# Builds the libFuzzer target over the DICOM buffer entry point (Fuzz/DICOMFuzz.swift + the DICOM
# module sources + the CDCMTK C++ shim, with ASan) and runs it.
# Usage: fuzz-dicom.sh SECONDS [extra libFuzzer args]. Seeds: pydicom/pydicom-data files and the
# shared chest DICOMs up to 256 KiB, copied to $CACHE/fuzz-dicom/seeds (never into the repo).
# Crashing inputs land in $CACHE/fuzz-dicom/artifacts.
set -euo pipefail
seconds=${1:-600}; shift || true
root=$(cd "$(dirname "$0")/.." && pwd)
cache=${CACHE:-$HOME/.cache/ingestd}/fuzz-dicom
python=${INGESTD_PYTHON:-$HOME/.cache/ingestd/venv/bin/python3}
toolchain=$(dirname "$(readlink -f "$(command -v swiftc)")")
out=$root/.build/fuzz
mkdir -p "$out/module" "$cache/seeds" "$cache/corpus" "$cache/artifacts"

cat > "$out/module/module.modulemap" <<MAP
module CDCMTK {
    umbrella "$root/Sources/CDCMTK/include"
    export *
}
MAP
"$toolchain/clang++" -std=c++17 -g -O1 -fsanitize=fuzzer-no-link,address -I"$root/Sources/CDCMTK/include" \
    -c "$root/Sources/CDCMTK/cdcmtk_read.cpp" -o "$out/cdcmtk_read.o"
sources=$(ls "$root"/Sources/DICOM/*.swift | grep -v '/DICOMWriter')
"$toolchain/swiftc" -swift-version 6 -O -g -sanitize=fuzzer,address -parse-as-library -module-name DICOMFuzz \
    -enable-upcoming-feature ExistentialAny -enable-upcoming-feature InternalImportsByDefault \
    -enable-upcoming-feature MemberImportVisibility \
    -Xcc -fmodule-map-file="$out/module/module.modulemap" -I "$out/module" \
    $sources "$root/Fuzz/DICOMFuzz.swift" "$out/cdcmtk_read.o" \
    -ldcmjpeg -lijg8 -lijg12 -lijg16 -ldcmjpls -ldcmtkcharls -ldcmimage -ldcmimgle -ldcmdata -loflog -lofstd -lz -lstdc++ \
    -o "$out/dicom-fuzz"

if [ -z "$(ls -A "$cache/seeds")" ]; then
    { "$python" "$root/scripts/peers/pydicom_reference.py" list; ls "$root"/../shared/data/dicom/*.dcm 2>/dev/null; } |
        while read -r f; do
            [ "$(stat -c %s "$f")" -le 262144 ] && cp "$f" "$cache/seeds/$(echo "$f" | sha1sum | cut -c1-12).dcm"
        done
fi
echo "fuzz-dicom: $(ls "$cache/seeds" | wc -l) seeds, running ${seconds}s" >&2
cd "$cache"
ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=1 "$out/dicom-fuzz" "$cache/corpus" "$cache/seeds" \
    -max_total_time="$seconds" -max_len=262144 -rss_limit_mb=3072 -malloc_limit_mb=2048 -timeout=20 \
    -artifact_prefix="$cache/artifacts/" -print_final_stats=1 "$@"
