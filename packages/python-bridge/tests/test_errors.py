"""Errors from Python: the TypeScript codes for bad models and inputs, clear ones for a missing Node or build, and
a Node process that dies mid-request gives an exception (never a hang), then a fresh process."""
import os
import shutil
import signal
import subprocess
import sys
import threading
import time

import pytest
from conftest import EXAMPLE_MODEL, PACKAGE

from samp import Pipeline, SampError


def code_of(fn):
    with pytest.raises(SampError) as e:
        fn()
    return e.value.code


def test_bad_model_dir_task_and_inputs(tmp_path):
    assert code_of(lambda: Pipeline(tmp_path / "nope", task="classify", device="cpu")) == "SAMP_FILE_NOT_FOUND"
    assert code_of(lambda: Pipeline(EXAMPLE_MODEL, task="summarize")) == "SAMP_INVALID_ARGUMENT"
    assert code_of(lambda: Pipeline(EXAMPLE_MODEL, task="tag", device="cpu")) == "SAMP_MODEL_FORMAT"
    assert code_of(lambda: Pipeline(EXAMPLE_MODEL, device="cpu", precision="fp32", plan={"default": "fp32"})) == "SAMP_INVALID_ARGUMENT"
    with Pipeline(EXAMPLE_MODEL, task="classify", device="cpu") as p:
        assert code_of(lambda: p(["fine", 3])) == "SAMP_INVALID_ARGUMENT"
        assert code_of(lambda: p([{"txt": "x"}])) == "SAMP_INVALID_ARGUMENT"
        assert code_of(lambda: p.encode([[2, 10**6, 3]])) == "SAMP_INVALID_ARGUMENT"  # id outside the vocabulary
        assert code_of(lambda: p.encode(["a"])) == "SAMP_INVALID_ARGUMENT"
        assert p(["还能用"])[0]["label"] in ("positive", "negative")  # a bad request leaves the pipeline usable
    assert code_of(lambda: p(["closed"])) == "SAMP_DISPOSED"


def run_python(code, cwd, **env):
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=cwd, env={**os.environ, **env})


def test_missing_node_and_missing_build_say_how_to_fix(tmp_path):
    load = f"from samp import Pipeline\nPipeline({str(EXAMPLE_MODEL)!r}, device='cpu')"
    r = run_python(load, tmp_path, SAMP_NODE=str(tmp_path / "no-node"), PYTHONPATH=str(PACKAGE))
    assert r.returncode != 0 and "SAMP_NODE_NOT_FOUND" in r.stderr and "SAMP_NODE" in r.stderr
    bare = tmp_path / "site"
    shutil.copytree(PACKAGE / "samp", bare / "samp", ignore=shutil.ignore_patterns("_driver", "__pycache__"))
    r = run_python(load, tmp_path, PYTHONPATH=str(bare))
    assert r.returncode != 0 and "SAMP_BRIDGE_NOT_BUILT" in r.stderr and "pnpm build" in r.stderr


def test_node_dying_mid_request_raises_then_restarts():
    with Pipeline(EXAMPLE_MODEL, task="classify", device="cpu", batch_size=8) as p:
        first = p(["房间很好"])
        pid = p._driver.pid
        outcome = {}

        def long_request():
            try:
                p(["这家酒店的服务非常好，房间也很干净"] * 3000)
                outcome["result"] = "finished"
            except SampError as e:
                outcome["code"], outcome["message"] = e.code, e.message

        t = threading.Thread(target=long_request)
        t.start()
        time.sleep(1.0)
        os.kill(pid, signal.SIGKILL)
        t.join(30)
        assert not t.is_alive(), "the request hung after the driver died"
        assert outcome.get("code") == "SAMP_BRIDGE_CRASHED", outcome
        assert p(["房间很好"]) == first  # a new driver, the pipeline loaded again
        assert p._driver.pid != pid


def test_timeout_then_recovery():
    with Pipeline(EXAMPLE_MODEL, task="classify", device="cpu") as p:
        p.timeout = 0.05
        assert code_of(lambda: p(["这家酒店的服务非常好"] * 2000)) == "SAMP_TIMEOUT"
        p.timeout = 600
        assert len(p(["好", "差"])) == 2
