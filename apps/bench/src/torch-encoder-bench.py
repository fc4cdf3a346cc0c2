"""PyTorch BERT-base (random weights) in fp16: eager and torch.compile(mode="reduce-overhead"), median ms per
forward with CUDA events, all tokens valid, the attention mask passed (all ones) as samp's bench passes it: without
a mask, transformers 5.17's SDPA path runs slower under torch.compile (6.5 against 4.0 ms at (64,128);
tools/gpu/probe/torch_compile_probe.py). The peer of encoder-bench.ts in the same GPU run. With --models, the
encoders of those HF directories instead (the peer of recommend-bench.ts), at --points (default 8x128,64x128).
One compiled module takes every shape in turn; --fresh-compile compiles anew for each shape instead.
Usage: python3 torch-encoder-bench.py OUT.json [--models DIR,DIR] [--points 8x128,64x128] [--fresh-compile]"""
import json
import sys
import time

import torch
from transformers import BertConfig, BertModel

POINTS = [(1, 32), (1, 128), (8, 128), (32, 128), (64, 128)]


def timed(fn, x, warmup, iters):
    for _ in range(warmup):
        fn(x)
    torch.cuda.synchronize()
    times = []
    for _ in range(iters):
        s, e = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        s.record()
        fn(x)
        e.record()
        e.synchronize()
        times.append(s.elapsed_time(e))
    times.sort()
    return times[len(times) // 2]


def bench(model, vocab, points, label, fresh):
    compiled = None
    torch._dynamo.config.cache_size_limit = 64
    rows = []
    for b, s in points:
        ids = torch.randint(0, vocab, (b, s), device="cuda")
        mask = torch.ones_like(ids)
        eager = timed(lambda x: model(input_ids=x, attention_mask=mask), ids, 10, 100)
        if fresh or compiled is None:
            torch._dynamo.reset()
            compiled = torch.compile(model, mode="reduce-overhead", dynamic=False)
        t0 = time.time()
        comp = timed(lambda x: compiled(input_ids=x, attention_mask=mask), ids, 20, 200)
        rows.append({"model": label, "batch": b, "seq": s, "eagerMs": eager, "compileMs": comp, "compileWarmupS": time.time() - t0})
        print(f"torch fp16 {label} ({b},{s}) eager {eager:.3f} ms, compile {comp:.3f} ms", flush=True)
    return rows


def flag(name, default):
    return sys.argv[sys.argv.index(name) + 1] if name in sys.argv else default


def main():
    torch.manual_seed(0)
    torch.set_grad_enabled(False)
    models = flag("--models", "")
    fresh = "--fresh-compile" in sys.argv
    rows = []
    if models:
        points = [tuple(int(x) for x in p.split("x")) for p in flag("--points", "8x128,64x128").split(",")]
        for d in models.split(","):
            model = BertModel.from_pretrained(d, torch_dtype=torch.float16, add_pooling_layer=False).cuda().eval()
            rows += bench(model, model.config.vocab_size, points, d.rstrip("/").split("/")[-1], fresh)
    else:
        cfg = BertConfig(vocab_size=30522, hidden_size=768, num_hidden_layers=12, num_attention_heads=12,
                         intermediate_size=3072, max_position_embeddings=512)
        points = [tuple(int(x) for x in p.split("x")) for p in flag("--points", ",".join(f"{b}x{s}" for b, s in POINTS)).split(",")]
        rows = bench(BertModel(cfg).half().cuda().eval(), cfg.vocab_size, points, "bert-base", fresh)
    out = {"date": time.strftime("%Y-%m-%dT%H:%M:%S"), "gpu": torch.cuda.get_device_name(0),
           "torch": torch.__version__, "rows": rows}
    with open(sys.argv[1], "w") as f:
        json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
