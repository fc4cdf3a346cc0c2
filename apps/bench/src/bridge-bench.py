"""The Python bridge's cost per call against the Node-native pipeline: the same model, texts and options, median
ms per call at batch 1 and 32 (classify on the CPU, fp32), both measured in this run.

Usage (from apps/bench, after `pnpm build`): python3 src/bridge-bench.py MODEL_DIR DEV.jsonl OUT.json"""
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent.parent / "packages" / "python-bridge"))
from samp import Pipeline  # noqa: E402

BATCHES = [1, 32]
CALLS = {"1": 300, "32": 30}


def main():
    model, dev, out = sys.argv[1], sys.argv[2], sys.argv[3]
    texts = [json.loads(line)["text"] for line in open(dev, encoding="utf-8") if line.strip()][:32]
    with tempfile.TemporaryDirectory() as tmp:
        spec = os.path.join(tmp, "texts.json")
        native_out = os.path.join(tmp, "native.json")
        with open(spec, "w", encoding="utf-8") as f:
            json.dump({"texts": texts, "batches": BATCHES, "calls": CALLS}, f, ensure_ascii=False)
        subprocess.run(["node", str(HERE / "run-ts.mjs"), str(HERE / "pipeline-call-bench.ts"), model, spec, native_out], check=True)
        native = {r["batch"]: r["medianMs"] for r in json.load(open(native_out))}
    rows = []
    with Pipeline(model, task="classify", device="cpu", precision="fp32", max_length=128, batch_size=32) as p:
        for batch in BATCHES:
            items = texts[:batch]
            for _ in range(5):
                p(items)
            ms = []
            for _ in range(CALLS[str(batch)]):
                t0 = time.perf_counter()
                p(items)
                ms.append((time.perf_counter() - t0) * 1e3)
            bridge = statistics.median(ms)
            row = {"batch": batch, "nativeMs": native[batch], "bridgeMs": bridge, "overheadMs": bridge - native[batch],
                   "bridgeThroughputVsNative": native[batch] / bridge}
            rows.append(row)
            print(f"batch {batch:>2}: node {native[batch]:.3f} ms, python bridge {bridge:.3f} ms per call "
                  f"(+{bridge - native[batch]:.3f} ms, {100 * native[batch] / bridge:.1f} % of native throughput)")
    with open(out, "w", encoding="utf-8") as f:
        json.dump({"date": datetime.now(timezone.utc).isoformat(), "model": model, "device": "cpu", "rows": rows}, f, indent=1)


if __name__ == "__main__":
    main()
