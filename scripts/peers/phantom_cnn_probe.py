#!/usr/bin/env python3
"""CNN difficulty proxy for the Phantom generator (JAX, CPU): a small supervised CNN like the
Learner's (four stride-2 3x3 conv stages, global pooling, 12 sigmoid outputs) trained on the first
N_TRAIN labelled image studies of a corpus at 64 px, macro ROC AUC on the rest. Not the project's
Learner; a stand-in until it exists. Prints one JSON object.

usage: phantom_cnn_probe.py CORPUS_DIR [--train 300] [--size 64] [--steps 1200] [--seed 0]
"""
import argparse, json, os, sys
import numpy as np
import jax, jax.numpy as jnp

sys.path.insert(0, os.path.dirname(__file__))
from phantom_probe import load, evaluate, IDS  # noqa: E402


def init(key, widths=(16, 32, 64, 96)):
    params = []
    cin = 1
    for w in widths:
        key, k1, k2 = jax.random.split(key, 3)
        params.append({"w1": jax.random.normal(k1, (3, 3, cin, w)) * np.sqrt(2 / (9 * cin)),
                       "w2": jax.random.normal(k2, (3, 3, w, w)) * np.sqrt(2 / (9 * w)),
                       "b1": jnp.zeros(w), "b2": jnp.zeros(w)})
        cin = w
    key, k = jax.random.split(key)
    head = {"w": jax.random.normal(k, (cin, len(IDS))) * 0.01, "b": jnp.full(len(IDS), -1.0)}
    return {"convs": params, "head": head}


def conv(x, w, stride):
    return jax.lax.conv_general_dilated(x, w, (stride, stride), "SAME", dimension_numbers=("NHWC", "HWIO", "NHWC"))


def norm(x):
    mu = x.mean(axis=(1, 2, 3), keepdims=True)
    sd = x.std(axis=(1, 2, 3), keepdims=True) + 1e-5
    return (x - mu) / sd


def forward(p, x):
    h = x[..., None]
    for layer in p["convs"]:
        h = jax.nn.relu(norm(conv(h, layer["w1"], 2) + layer["b1"]))
        h = h + jax.nn.relu(norm(conv(h, layer["w2"], 1) + layer["b2"]))
    h = h.mean(axis=(1, 2))
    return h @ p["head"]["w"] + p["head"]["b"]


def loss(p, x, y):
    z = forward(p, x)
    return jnp.mean(jnp.maximum(z, 0) - z * y + jnp.log1p(jnp.exp(-jnp.abs(z))))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus")
    ap.add_argument("--train", type=int, default=300)
    ap.add_argument("--size", type=int, default=64)
    ap.add_argument("--steps", type=int, default=1200)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    x, y = load(args.corpus, args.size)
    x = (x - x.mean()) / x.std()
    xtr, ytr, xte, yte = x[: args.train], y[: args.train], x[args.train:], y[args.train:]
    key = jax.random.PRNGKey(args.seed)
    params = init(key)
    m = jax.tree_util.tree_map(jnp.zeros_like, params)
    v = jax.tree_util.tree_map(jnp.zeros_like, params)
    grad = jax.jit(jax.value_and_grad(loss))
    rng = np.random.default_rng(args.seed)
    b1, b2, wd, base, batch = 0.9, 0.999, 1e-4, 2e-3, 32

    @jax.jit
    def adam(params, m, v, g, lr, t):
        m = jax.tree_util.tree_map(lambda a, b: b1 * a + (1 - b1) * b, m, g)
        v = jax.tree_util.tree_map(lambda a, b: b2 * a + (1 - b2) * b * b, v, g)
        params = jax.tree_util.tree_map(
            lambda p, a, b: p - lr * ((a / (1 - b1 ** t)) / (jnp.sqrt(b / (1 - b2 ** t)) + 1e-8) + wd * p), params, m, v)
        return params, m, v

    for step in range(1, args.steps + 1):
        idx = rng.integers(0, len(xtr), batch)
        xb = xtr[idx].copy()
        # Augmentation as in the Learner design: ±3 px shift, gain/offset jitter, noise.
        for i in range(batch):
            dx, dy = rng.integers(-3, 4, 2)
            xb[i] = np.roll(np.roll(xb[i], dx, 1), dy, 0)
        xb = xb * rng.uniform(0.9, 1.1, (batch, 1, 1)) + rng.uniform(-0.1, 0.1, (batch, 1, 1))
        xb += rng.normal(0, 0.03, xb.shape)
        lr = base * min(1, step / 100) * (0.02 + 0.98 * 0.5 * (1 + np.cos(np.pi * step / args.steps)))
        _, g = grad(params, jnp.asarray(xb, jnp.float32), jnp.asarray(ytr[idx], jnp.float32))
        params, m, v = adam(params, m, v, g, lr, step)
    scores = np.concatenate([np.asarray(forward(params, jnp.asarray(xte[i:i + 100], jnp.float32))) for i in range(0, len(xte), 100)])
    train_scores = np.asarray(forward(params, jnp.asarray(xtr, jnp.float32)))
    per, macro = evaluate(scores, yte)
    _, train_macro = evaluate(train_scores, ytr)
    print(json.dumps({"corpus": args.corpus, "train": len(xtr), "test": len(xte), "size": args.size, "steps": args.steps,
                      "seed": args.seed, "cnn_macro_auc": macro, "cnn_train_macro_auc": train_macro, "per_finding": per}))


if __name__ == "__main__":
    main()
