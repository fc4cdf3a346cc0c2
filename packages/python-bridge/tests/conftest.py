"""Shared paths for the bridge's tests: the repository, the shipped example model, ../shared (optional)."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent
REPO = PACKAGE.parent.parent
sys.path.insert(0, str(PACKAGE))  # the package from source; its driver from dist/

SHARED = Path(os.environ.get("SAMP_SHARED", REPO.parent / "shared"))
EXAMPLE_MODEL = REPO / "examples" / "classify" / "model"
has_shared = pytest.mark.skipif(not (SHARED / "models").is_dir(), reason="../shared is not there")

os.environ.setdefault("SAMP_BRIDGE_QUIET", "1")


def dev_lines(name, n):
    with open(SHARED / "data" / name / "dev.jsonl", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()][:n]


def samp_run(tmp_path, model, task, rows, *options):
    """What `samp run` writes for these input rows, as dicts."""
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    cmd = ["node", str(REPO / "packages" / "cli" / "bin" / "samp.js"), "run", "--model", str(model), "--task", task,
           "--input", str(src), "--output", str(out), *options]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
