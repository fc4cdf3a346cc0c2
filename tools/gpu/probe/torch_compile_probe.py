"""Why torch.compile(mode="reduce-overhead") of BERT-base fp16 times as it does at (32,128) and (64,128): the same
model under a few attention implementations and compile modes, median ms per forward with CUDA events, beside
eager. A diagnostic for apps/bench/src/torch-encoder-bench.py's peer figures. Run on the GPU machine:
  python3 tools/gpu/probe/torch_compile_probe.py"""
import importlib.util
import os
import time

import torch
from transformers import BertConfig, BertModel

# the timing loop of the bench this probe explains
_bench_path = os.path.join(os.path.dirname(__file__), "..", "..", "..", "apps", "bench", "src", "torch-encoder-bench.py")
_spec = importlib.util.spec_from_file_location("torch_encoder_bench", _bench_path)
_bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_bench)


def timed(fn, x):
    return _bench.timed(fn, x, 20, 100)


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
