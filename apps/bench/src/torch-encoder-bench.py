"""PyTorch BERT-base (random weights) in fp16: eager and torch.compile(mode="reduce-overhead"), median ms per
forward with CUDA events, all tokens valid. The peer of encoder-bench.ts in the same GPU run.
Usage: python3 torch-encoder-bench.py OUT.json"""
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


def main():
    torch.manual_seed(0)
    torch.set_grad_enabled(False)
    cfg = BertConfig(vocab_size=30522, hidden_size=768, num_hidden_layers=12, num_attention_heads=12,
                     intermediate_size=3072, max_position_embeddings=512)
    model = BertModel(cfg).half().cuda().eval()
    compiled = torch.compile(model, mode="reduce-overhead", dynamic=False)
    torch._dynamo.config.cache_size_limit = 64
    rows = []
    for b, s in POINTS:
        ids = torch.randint(0, cfg.vocab_size, (b, s), device="cuda")
        eager = timed(lambda x: model(input_ids=x), ids, 10, 100)
        t0 = time.time()
        comp = timed(lambda x: compiled(input_ids=x), ids, 20, 200)
        rows.append({"batch": b, "seq": s, "eagerMs": eager, "compileMs": comp, "compileWarmupS": time.time() - t0})
        print(f"torch fp16 ({b},{s}) eager {eager:.3f} ms, compile {comp:.3f} ms", flush=True)
    out = {"date": time.strftime("%Y-%m-%dT%H:%M:%S"), "gpu": torch.cuda.get_device_name(0),
           "torch": torch.__version__, "rows": rows}
    with open(sys.argv[1], "w") as f:
        json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
