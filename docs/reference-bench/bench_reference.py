"""Times the official ARPG PyTorch code (hp-l33/ARPG) on this machine, the way issue 8 states it.

The reference code is not part of this repository: pass the path of its models/arpg.py. It was written for PyTorch 2 with einops and transformers;
this script provides the three pieces it needs so it runs on Debian's PyTorch 1.13 without them:
einops.rearrange for the two patterns arpg.py uses, an empty PretrainedConfig, and
F.scaled_dot_product_attention composed as softmax(q k^T / sqrt(d)) v (PyTorch 1.13 has none).

    /usr/bin/python3 docs/reference-bench/bench_reference.py --arpg /path/to/models/arpg.py

Prints one line per measurement; --out writes them as JSON. --steps-list '' times training only.
"""
import argparse
import importlib.util
import json
import math
import resource
import sys
import time
import types

import torch
import torch.nn.functional as F


def install_shims():
    einops = types.ModuleType("einops")

    def rearrange(t, pattern, **sizes):
        if pattern == "b n (h d) -> b n h d":
            return t.reshape(t.shape[0], t.shape[1], sizes["h"], -1)
        if pattern == "b h n d -> b n (h d)":
            return t.transpose(1, 2).reshape(t.shape[0], t.shape[2], -1)
        raise ValueError("unsupported pattern " + pattern)

    einops.rearrange = rearrange
    sys.modules["einops"] = einops
    transformers = types.ModuleType("transformers")
    configuration_utils = types.ModuleType("transformers.configuration_utils")

    class PretrainedConfig:
        pass

    configuration_utils.PretrainedConfig = PretrainedConfig
    transformers.configuration_utils = configuration_utils
    sys.modules["transformers"] = transformers
    sys.modules["transformers.configuration_utils"] = configuration_utils
    if not hasattr(F, "scaled_dot_product_attention"):
        def scaled_dot_product_attention(q, k, v, attn_mask=None, is_causal=False, dropout_p=0.0):
            scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
            if is_causal:
                n, m = scores.shape[-2], scores.shape[-1]
                mask = torch.ones(n, m, dtype=torch.bool).triu(1)
                scores = scores.masked_fill(mask, float("-inf"))
            weights = scores.softmax(dim=-1)
            if dropout_p > 0:
                weights = F.dropout(weights, dropout_p)
            return weights @ v

        F.scaled_dot_product_attention = scaled_dot_product_attention


def load(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def time_generation(model, batch, steps, repeats, seed):
    best = float("inf")
    for _ in range(repeats):
        torch.manual_seed(seed)
        labels = torch.arange(batch) % 1000
        start = time.perf_counter()
        model.generate(labels, guidance_scale=4.0, num_iter=steps)
        best = min(best, time.perf_counter() - start)
    return best


def time_training(arpg, steps, warm_up, dropout):
    torch.manual_seed(0)
    kwargs = {} if dropout else dict(token_dropout_p=0.0, resid_dropout_p=0.0, ffn_dropout_p=0.0)
    model = arpg.Transformer(arpg.ModelArgs(dim=256, n_layer=8, n_head=4, vocab_size=512,
                                            num_classes=1000, block_size=64, **kwargs))
    model.train()
    matrices = [p for p in model.parameters() if p.ndim >= 2]
    vectors = [p for p in model.parameters() if p.ndim < 2]
    optimizer = torch.optim.AdamW([{"params": matrices, "weight_decay": 0.05},
                                   {"params": vectors, "weight_decay": 0.0}], lr=1e-4, betas=(0.9, 0.95))
    batch = 32

    def step():
        tokens = torch.randint(0, 512, (batch, 64))
        labels = torch.randint(0, 1000, (batch,))
        optimizer.zero_grad(set_to_none=True)
        _, loss = model(tokens, labels, targets=tokens)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()

    for _ in range(warm_up):
        step()
    start = time.perf_counter()
    for _ in range(steps):
        step()
    return batch * steps / (time.perf_counter() - start)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--arpg", required=True, help="path of the reference models/arpg.py")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--batches", default="1,4")
    parser.add_argument("--steps-list", default="64,256")
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--train-steps", type=int, default=10)
    parser.add_argument("--train-warm-up", type=int, default=20,
                        help="untimed training steps first (the Java bench's default; PyTorch is steady after 1-2)")
    parser.add_argument("--out")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    install_shims()
    arpg = load(args.arpg, "reference_arpg")
    results = {"torch": torch.__version__, "threads": args.threads, "train_warm_up": args.train_warm_up,
               "train_steps": args.train_steps}

    def report(key, value, text):
        results[key] = value
        print(text, flush=True)

    if args.train_steps > 0:
        for dropout in (True, False):
            rate = time_training(arpg, args.train_steps, args.train_warm_up, dropout)
            report("train_samples_per_s" + ("" if dropout else "_no_dropout"), rate,
                   "training dim 256 x 8 layers, batch 32%s: %.1f samples/s"
                   % ("" if dropout else " (dropout 0)", rate))
    torch.manual_seed(0)
    model = arpg.ARPG_L(vocab_size=16384, num_classes=1000).eval()
    for p in model.parameters():
        p.requires_grad_(False)
    # the reference zeroes the head at init; random weights everywhere, as the Java bench has
    torch.nn.init.normal_(model.head.weight, std=0.02)
    report("rss_after_load_mb", peak_rss_mb(), "peak RSS after loading ARPG-L: %.0f MB" % peak_rss_mb())
    for steps in [int(s) for s in args.steps_list.split(",") if s]:
        for batch in [int(b) for b in args.batches.split(",")]:
            seconds = time_generation(model, batch, steps, args.repeats, 1)
            report("gen_b%d_s%d_s_per_image" % (batch, steps), seconds / batch,
                   "ARPG-L batch %d, %d steps: %.2f s per image (%.0f ms per step), peak RSS %.0f MB"
                   % (batch, steps, seconds / batch, 1000 * seconds / steps, peak_rss_mb()))
    if args.out:
        with open(args.out, "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
