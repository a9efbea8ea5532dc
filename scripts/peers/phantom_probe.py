#!/usr/bin/env python3
"""Difficulty proxy for the Phantom generator (not the project's CNN).

Reads a corpus written by `ingestctl phantom generate` (DICOM via pydicom + truth.jsonl), trains on
the first N_TRAIN image studies and reports per-finding and macro ROC AUC on the rest, for two
probes: (1) L2-regularised logistic regression on downsampled pixels, (2) the same on random
convolutional features (fixed random 5x5 filters, ReLU, pooling), a stronger non-learned probe.
Prints one JSON object.

usage: phantom_probe.py CORPUS_DIR [--train 300] [--size 32]
"""
import json, sys, argparse
import numpy as np
import pydicom

IDS = ["cardiomegaly", "pleural_effusion", "pneumothorax", "consolidation", "lung_opacity", "atelectasis",
       "edema", "nodule", "mass", "emphysema", "fracture", "support_devices"]


def load(corpus, size):
    xs, ys = [], []
    for line in open(f"{corpus}/truth.jsonl"):
        r = json.loads(line)
        if not r["hasImage"]:
            continue
        ds = pydicom.dcmread(f"{corpus}/{r['dicomFile']}")
        a = ds.pixel_array.astype(np.float32)
        if ds.PhotometricInterpretation == "MONOCHROME1":
            a = a.max() - a
        a /= max(1.0, a.max())
        f = a.shape[0] // size
        a = a[: f * size, : f * size].reshape(size, f, size, f).mean(axis=(1, 3))
        xs.append(a)
        present = {x["finding"] for x in r["findings"]}
        ys.append([1.0 if i in present else 0.0 for i in IDS])
    return np.stack(xs), np.array(ys)


def auc(score, y):
    pos, neg = score[y == 1], score[y == 0]
    if len(pos) == 0 or len(neg) == 0:
        return None
    order = np.argsort(np.concatenate([pos, neg]))
    ranks = np.empty(len(order))
    ranks[order] = np.arange(1, len(order) + 1)
    return float((ranks[: len(pos)].sum() - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg)))


def logistic(xtr, ytr, xte, lam, steps=300, lr=0.5):
    mu, sd = xtr.mean(0), xtr.std(0) + 1e-6
    xtr, xte = (xtr - mu) / sd, (xte - mu) / sd
    w = np.zeros((xtr.shape[1], ytr.shape[1]))
    b = np.zeros(ytr.shape[1])
    n = len(xtr)
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(xtr @ w + b)))
        g = p - ytr
        w -= lr * (xtr.T @ g / n + lam * w)
        b -= lr * g.mean(0)
    return xte @ w + b


def random_conv_features(x, filters=48, seed=0):
    rng = np.random.default_rng(seed)
    k = rng.standard_normal((filters, 5, 5)).astype(np.float32)
    k -= k.mean(axis=(1, 2), keepdims=True)
    n, s, _ = x.shape
    pad = np.pad(x, ((0, 0), (2, 2), (2, 2)))
    windows = np.lib.stride_tricks.sliding_window_view(pad, (5, 5), axis=(1, 2))  # n,s,s,5,5
    out = np.maximum(0, np.einsum("nijab,fab->nfij", windows, k))
    p = 4
    out = out.reshape(n, filters, s // p, p, s // p, p).mean(axis=(3, 5))
    return out.reshape(n, -1)


def evaluate(scores, yte):
    per = {}
    for j, name in enumerate(IDS):
        a = auc(scores[:, j], yte[:, j])
        if a is not None:
            per[name] = round(a, 3)
    return per, round(float(np.mean(list(per.values()))), 3)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus")
    ap.add_argument("--train", type=int, default=300)
    ap.add_argument("--size", type=int, default=32)
    args = ap.parse_args()
    x, y = load(args.corpus, args.size)
    xtr, ytr, xte, yte = x[: args.train], y[: args.train], x[args.train:], y[args.train:]
    result = {"corpus": args.corpus, "train": len(xtr), "test": len(xte), "size": args.size,
              "positives_train": dict(zip(IDS, ytr.sum(0).astype(int).tolist())),
              "positives_test": dict(zip(IDS, yte.sum(0).astype(int).tolist()))}
    best = None
    for lam in [1e-3, 1e-2, 1e-1]:
        per, macro = evaluate(logistic(xtr.reshape(len(xtr), -1), ytr, xte.reshape(len(xte), -1), lam), yte)
        if best is None or macro > best[1]:
            best = (per, macro, lam)
    result["pixel_logistic"] = {"macro_auc": best[1], "lambda": best[2], "per_finding": best[0]}
    ftr, fte = random_conv_features(xtr), random_conv_features(xte)
    best = None
    for lam in [1e-3, 1e-2, 1e-1]:
        per, macro = evaluate(logistic(ftr, ytr, fte, lam), yte)
        if best is None or macro > best[1]:
            best = (per, macro, lam)
    result["random_conv_logistic"] = {"macro_auc": best[1], "lambda": best[2], "per_finding": best[0]}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
