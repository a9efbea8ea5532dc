#!/usr/bin/env python3
"""Writes 512x512 12-bit MONOCHROME2 DX files (explicit VR little endian) from the shared chest PNGs.

  make_chest_dicoms.py IMAGES_DIR OUT_DIR COUNT

Sources: images/fullres_512/*.png (NIH ChestX-ray14 at 512x512) first, then NIH1000_64px PNGs
upscaled to 512x512 (bilinear). 8-bit grey is scaled to 12 bit (x16) plus deterministic noise in
the low bits so the files compress like real 12-bit data rather than like 8-bit data.
No PIL here: PNG is decoded with zlib and NumPy (8-bit grey or RGB, non-interlaced).
"""
import glob, os, struct, sys, zlib

import numpy as np
import pydicom
from pydicom.dataset import FileDataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, generate_uid


def read_png(path):
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", path
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, color, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and interlace == 0 and color in (0, 2, 4, 6), (path, depth, color)
            channels = {0: 1, 2: 3, 4: 2, 6: 4}[color]
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = np.frombuffer(zlib.decompress(idat), dtype=np.uint8)
    stride = width * channels
    rows = raw.reshape(height, stride + 1)
    out = np.zeros((height, stride), dtype=np.int32)
    prev = np.zeros(stride, dtype=np.int32)
    for y in range(height):
        f, line = rows[y, 0], rows[y, 1:].astype(np.int32)
        cur = np.zeros(stride, dtype=np.int32)
        if f == 0:
            cur = line
        elif f == 2:
            cur = (line + prev) & 0xFF
        else:
            for x in range(stride):
                a = cur[x - channels] if x >= channels else 0
                b = prev[x]
                c = prev[x - channels] if x >= channels else 0
                if f == 1:
                    p = a
                elif f == 3:
                    p = (a + b) // 2
                else:
                    pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                    p = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                cur[x] = (line[x] + p) & 0xFF
        out[y] = cur
        prev = cur
    img = out.reshape(height, width, channels)[:, :, 0 if channels < 3 else slice(0, 3)]
    return img.mean(axis=2) if img.ndim == 3 else img.astype(np.float64)


def upscale(img, size=512):
    h, w = img.shape
    ys = (np.arange(size) + 0.5) * h / size - 0.5
    xs = (np.arange(size) + 0.5) * w / size - 0.5
    y0 = np.clip(np.floor(ys).astype(int), 0, h - 1); y1 = np.clip(y0 + 1, 0, h - 1)
    x0 = np.clip(np.floor(xs).astype(int), 0, w - 1); x1 = np.clip(x0 + 1, 0, w - 1)
    fy = np.clip(ys - y0, 0, 1)[:, None]; fx = np.clip(xs - x0, 0, 1)[None, :]
    top = img[y0][:, x0] * (1 - fx) + img[y0][:, x1] * fx
    bottom = img[y1][:, x0] * (1 - fx) + img[y1][:, x1] * fx
    return top * (1 - fy) + bottom * fy


def write(pixels, path, n):
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.1.1"
    meta.MediaStorageSOPInstanceUID = f"2.25.{1000 + n}"
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = FileDataset(path, {}, file_meta=meta, preamble=b"\0" * 128)
    ds.SOPClassUID = meta.MediaStorageSOPClassUID
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.StudyInstanceUID = f"2.25.{500000 + n}"
    ds.SeriesInstanceUID = f"2.25.{700000 + n}"
    ds.Modality = "DX"
    ds.BodyPartExamined = "CHEST"
    ds.ViewPosition = "PA"
    ds.PatientID = f"BENCH{n:04d}"
    ds.PatientName = "Bench^Synthetic"
    ds.Rows, ds.Columns = pixels.shape
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 12, 11, 0
    ds.PixelData = pixels.astype("<u2").tobytes()
    ds.save_as(path, enforce_file_format=True)


def main(images, out, count):
    os.makedirs(out, exist_ok=True)
    sources = sorted(glob.glob(os.path.join(images, "fullres_512", "*.png")))
    sources += sorted(glob.glob(os.path.join(images, "NIH1000_64px", "**", "*.png"), recursive=True))
    rng = np.random.default_rng(20261129)
    for n, src in enumerate(sources[:count]):
        img = read_png(src)
        if img.shape != (512, 512):
            img = upscale(img)
        twelve = np.clip(img * 16 + rng.normal(0, 6, img.shape), 0, 4095).round().astype(np.uint16)
        write(twelve, os.path.join(out, f"chest{n:04d}.dcm"), n)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
