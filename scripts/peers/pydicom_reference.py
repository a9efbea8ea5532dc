#!/usr/bin/env python3
"""pydicom as the reference peer for ingestd's DICOM decoder.

  pydicom_reference.py list                 one path per line: every file shipped by PyPI pydicom
                                            and pydicom-data that has a Pixel Data element
  pydicom_reference.py reference OUTDIR     for each of those files (in ONE process): OUTDIR/<n>.npy
                                            holding pixel_array (all frames) and OUTDIR/index.json
                                            [{path, npy|error, ts, photometric, frames, lossy}]
"""
import glob, json, os, sys, warnings

warnings.filterwarnings("ignore")
import numpy as np
import pydicom
from pydicom.tag import Tag

LOSSY_TS = {
    "1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.4.51", "1.2.840.10008.1.2.4.81",
    "1.2.840.10008.1.2.4.91", "1.2.840.10008.1.2.4.203",
}


def roots():
    import pydicom.data
    out = [os.path.join(os.path.dirname(pydicom.data.__file__), "test_files")]
    try:
        import data_store
        out.append(os.path.join(os.path.dirname(data_store.__file__), "data"))
    except ImportError:
        pass
    return out


def pixel_files():
    files = []
    for root in roots():
        for path in sorted(glob.glob(os.path.join(root, "**", "*"), recursive=True)):
            if not os.path.isfile(path) or path.endswith((".py", ".pyc", ".json", ".txt", ".gz", ".bz2", ".zip", ".xz")):
                continue
            try:
                ds = pydicom.dcmread(path, force=True, stop_before_pixels=False, defer_size="1 KB")
            except Exception:
                continue
            if Tag(0x7FE0, 0x0010) in ds:
                files.append(path)
    return files


def reference(outdir):
    os.makedirs(outdir, exist_ok=True)
    index = []
    for n, path in enumerate(pixel_files()):
        entry = {"path": path}
        try:
            ds = pydicom.dcmread(path, force=True)
            ts = str(ds.file_meta.TransferSyntaxUID) if "TransferSyntaxUID" in getattr(ds, "file_meta", {}) else ""
            entry["ts"] = ts
            entry["photometric"] = str(ds.get("PhotometricInterpretation", ""))
            entry["lossy"] = ts in LOSSY_TS or str(ds.get("LossyImageCompression", "00")) == "01"
            arr = ds.pixel_array
            frames = int(ds.get("NumberOfFrames", 1) or 1)
            entry["frames"] = frames
            entry["dtype"] = arr.dtype.name  # e.g. "int16" also for big-endian ">i2"
            entry["shape"] = list(arr.shape)
            name = f"{n}.npy"
            # Little-endian on disk whatever the source byte order; values are what count.
            np.save(os.path.join(outdir, name), np.ascontiguousarray(arr.astype(arr.dtype.newbyteorder("<"))))
            entry["npy"] = name
        except Exception as e:  # pydicom cannot decode it either
            entry["error"] = f"{type(e).__name__}: {e}"[:300]
        index.append(entry)
    with open(os.path.join(outdir, "index.json"), "w") as f:
        json.dump(index, f)


if __name__ == "__main__":
    if sys.argv[1:2] == ["list"]:
        print("\n".join(pixel_files()))
    elif sys.argv[1:2] == ["reference"] and len(sys.argv) == 3:
        reference(sys.argv[2])
    else:
        sys.exit(__doc__)
