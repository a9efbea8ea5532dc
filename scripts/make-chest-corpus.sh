#!/usr/bin/env bash
# Generates the decode-benchmark chest corpus (never into the repo): COUNT 512x512 12-bit DX files
# from ../shared/data/images, each in four encodings made with DCMTK's own tools:
#   native/ (explicit VR LE), jpegls/ (dcmcjpls, JPEG-LS lossless), rle/ (dcmcrle),
#   jpegll/ (dcmcjpeg +e1, JPEG lossless SV1).
# Usage: make-chest-corpus.sh IMAGES_DIR OUT_DIR [COUNT=100]. Skips work already done.
set -euo pipefail
images=$1; out=$2; count=${3:-100}
python=${INGESTD_PYTHON:-$HOME/.cache/ingestd/venv/bin/python3}
root=$(cd "$(dirname "$0")/.." && pwd)
stamp="$out/.done-$count"
[ -f "$stamp" ] && exit 0
mkdir -p "$out/native" "$out/jpegls" "$out/rle" "$out/jpegll"
"$python" "$root/scripts/peers/make_chest_dicoms.py" "$images" "$out/native" "$count"
for f in "$out"/native/*.dcm; do
    name=$(basename "$f")
    dcmcjpls --encode-lossless "$f" "$out/jpegls/$name"
    dcmcrle "$f" "$out/rle/$name"
    dcmcjpeg +e1 "$f" "$out/jpegll/$name"
done
touch "$stamp"
echo "chest corpus: $(find "$out" -name '*.dcm' | wc -l) files in $out" >&2
