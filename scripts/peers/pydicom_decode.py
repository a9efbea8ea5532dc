#!/usr/bin/env python3
"""pydicom's figure for `ingestctl bench decode`: dcmread + pixel_array (all frames) per file.

  pydicom_decode.py [--repeat R] FILE...   prints {files, decoded, failed, seconds, files_per_s,
                                           mpixels_per_s, repeat, frames, tool}
"""
import json, sys, time, warnings

warnings.filterwarnings("ignore")
import pydicom


def main(argv):
    repeat = 1
    files = []
    i = 0
    while i < len(argv):
        if argv[i] == "--repeat":
            repeat = int(argv[i + 1]); i += 2; continue
        if argv[i] != "--json":
            files.append(argv[i])
        i += 1
    decoded = failed = frames = 0
    pixels = 0.0
    start = time.perf_counter()
    for p in range(repeat):
        for path in files:
            try:
                ds = pydicom.dcmread(path, force=True)
                arr = ds.pixel_array
                ok = True
            except Exception:
                ok = False
            if p == 0:
                if ok:
                    decoded += 1
                    n = int(ds.get("NumberOfFrames", 1) or 1)
                    frames += n
                    pixels += float(ds.Rows) * float(ds.Columns) * n
                else:
                    failed += 1
    seconds = time.perf_counter() - start
    print(json.dumps({"files": len(files), "decoded": decoded, "failed": failed, "seconds": seconds,
                      "files_per_s": len(files) * repeat / seconds, "mpixels_per_s": pixels * repeat / seconds / 1e6,
                      "repeat": repeat, "frames": frames, "tool": "pydicom"}, sort_keys=True))


if __name__ == "__main__":
    main(sys.argv[1:])
