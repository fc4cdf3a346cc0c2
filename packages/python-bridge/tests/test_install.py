"""pip installs the package offline (no index, no build dependencies), with the driver and the addon inside."""
import subprocess
import sys

from conftest import EXAMPLE_MODEL, PACKAGE


def test_pip_installs_offline_and_the_installed_package_runs(tmp_path):
    target = tmp_path / "site"
    done = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-index", "--no-deps", "--target", str(target), str(PACKAGE)],
        capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert (target / "samp" / "_driver" / "driver.mjs").is_file()
    assert (target / "samp" / "_driver" / "samp_kernels.node").is_file()
    code = (
        "import samp, json\n"
        f"assert samp.__file__.startswith({str(target)!r}), samp.__file__\n"
        f"with samp.Pipeline({str(EXAMPLE_MODEL)!r}, device='cpu') as p: print(json.dumps(p('位置很方便')))"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=tmp_path,
                         env={"PATH": __import__("os").environ["PATH"], "PYTHONPATH": str(target), "SAMP_BRIDGE_QUIET": "1"})
    assert run.returncode == 0, run.stderr
    assert '"label": "positive"' in run.stdout
