"""Why torch.compile(mode="reduce-overhead") of BERT-base fp16 times as it does at (32,128) and (64,128): the same
model under a few attention implementations and compile modes, median ms per forward with CUDA events, beside
eager. A diagnostic for apps/bench/src/torch-encoder-bench.py's peer figures. Run on the GPU machine:
  python3 tools/gpu/probe/torch_compile_probe.py"""
import time

import torch
from transformers import BertConfig, BertModel


def timed(fn, x, warmup=20, iters=100):
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
    print(torch.__version__, torch.cuda.get_device_name(0), flush=True)
    for attn in ["sdpa", "eager"]:
        cfg = BertConfig(vocab_size=30522, hidden_size=768, num_hidden_layers=12, num_attention_heads=12,
                         intermediate_size=3072, max_position_embeddings=512, attn_implementation=attn)
        model = BertModel(cfg).half().cuda().eval()
        for b, s in [(32, 128), (64, 128)]:
            ids = torch.randint(0, cfg.vocab_size, (b, s), device="cuda")
            mask = torch.ones_like(ids)
            row = {"eager": timed(lambda x: model(input_ids=x), ids)}
            for mode in ["reduce-overhead", "default"]:
                torch._dynamo.reset()
                compiled = torch.compile(model, mode=mode, dynamic=False)
                t0 = time.time()
                row[mode] = timed(lambda x: compiled(input_ids=x), ids)
                row[mode + " +mask"] = timed(lambda x: compiled(input_ids=x, attention_mask=mask), ids)
                row[mode + " warmup s"] = round(time.time() - t0, 1)
            print(attn, (b, s), {k: round(v, 3) if isinstance(v, float) else v for k, v in row.items()}, flush=True)


if __name__ == "__main__":
    main()
