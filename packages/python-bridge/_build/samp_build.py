"""A PEP 517 build backend for the samp Python package, with no dependencies beyond the standard library.

The wheel holds the `samp` package and, when the repository has been built (`pnpm build`), the Node driver bundle
(dist/driver.mjs) and the native addon (packages/kernels-cuda/build/Release/samp_kernels.node) under
samp/_driver/. With the addon inside, the wheel is tagged for this platform."""
import base64
import hashlib
import io
import os
import sys
import sysconfig
import tarfile
import tomllib
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
NAME, VERSION = PROJECT["name"], PROJECT["version"]
DIST_INFO = f"{NAME}-{VERSION}.dist-info"
DRIVER = ROOT / "dist" / "driver.mjs"
ADDON = ROOT.parent / "kernels-cuda" / "build" / "Release" / "samp_kernels.node"


def _metadata():
    lines = ["Metadata-Version: 2.1", f"Name: {NAME}", f"Version: {VERSION}", f"Summary: {PROJECT['description']}",
             f"Requires-Python: {PROJECT['requires-python']}", "License: Apache-2.0"]
    lines += [f"Requires-Dist: {d}" for d in PROJECT["dependencies"]]
    for extra, deps in PROJECT.get("optional-dependencies", {}).items():
        lines.append(f"Provides-Extra: {extra}")
        lines += [f"Requires-Dist: {d}; extra == \"{extra}\"" for d in deps]
    lines += ["Description-Content-Type: text/markdown", "", (ROOT / "README.md").read_text("utf-8")]
    return "\n".join(lines)


def _tag(with_addon):
    platform = sysconfig.get_platform().replace("-", "_").replace(".", "_") if with_addon else "any"
    return f"py3-none-{platform}"


def _files(editable=False):
    """(path in the wheel, bytes) of everything but the dist-info."""
    if editable:
        return [(f"__editable__.{NAME}.pth", f"{ROOT}\n".encode())]
    files = [(p.relative_to(ROOT).as_posix(), p.read_bytes()) for p in sorted((ROOT / "samp").rglob("*"))
             if p.is_file() and "__pycache__" not in p.parts and p.suffix in (".py", ".typed")]
    for src, dst in ((DRIVER, "samp/_driver/driver.mjs"), (ADDON, "samp/_driver/samp_kernels.node")):
        if src.is_file():
            files.append((dst, src.read_bytes()))
        else:
            print(f"samp_build: {src} is missing (run `pnpm build` in the samp repository); the package will say so when used",
                  file=sys.stderr)
    return files


def _record_line(path, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{path},sha256={digest},{len(data)}"


def _write_wheel(directory, editable):
    files = _files(editable)
    with_addon = any(p.endswith(".node") for p, _ in files)
    tag = _tag(with_addon)
    meta = [
        (f"{DIST_INFO}/METADATA", _metadata().encode()),
        (f"{DIST_INFO}/WHEEL", f"Wheel-Version: 1.0\nGenerator: samp_build\nRoot-Is-Purelib: {str(not with_addon).lower()}\nTag: {tag}\n".encode()),
        (f"{DIST_INFO}/top_level.txt", f"{NAME}\n".encode()),
    ]
    entries = files + meta
    record = "\n".join([_record_line(p, d) for p, d in entries] + [f"{DIST_INFO}/RECORD,,"]) + "\n"
    name = f"{NAME}-{VERSION}-{tag}.whl"
    with zipfile.ZipFile(os.path.join(directory, name), "w", zipfile.ZIP_DEFLATED) as z:
        for path, data in entries + [(f"{DIST_INFO}/RECORD", record.encode())]:
            info = zipfile.ZipInfo(path, date_time=(2026, 1, 1, 0, 0, 0))
            info.external_attr = (0o755 if path.endswith(".node") else 0o644) << 16
            z.writestr(info, data, zipfile.ZIP_DEFLATED)
    return name


def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def get_requires_for_build_editable(config_settings=None):
    return []


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    target = Path(metadata_directory) / DIST_INFO
    target.mkdir(parents=True, exist_ok=True)
    (target / "METADATA").write_text(_metadata(), "utf-8")
    return DIST_INFO


prepare_metadata_for_build_editable = prepare_metadata_for_build_wheel


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    return _write_wheel(wheel_directory, editable=False)


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    """`pip install -e`: a .pth file that puts this directory on sys.path (the driver is found in dist/)."""
    return _write_wheel(wheel_directory, editable=True)


def build_sdist(sdist_directory, config_settings=None):
    base = f"{NAME}-{VERSION}"
    name = f"{base}.tar.gz"
    with tarfile.open(os.path.join(sdist_directory, name), "w:gz") as tar:
        for rel in ["pyproject.toml", "README.md", "_build/samp_build.py"] + sorted(
            p.relative_to(ROOT).as_posix() for p in (ROOT / "samp").rglob("*.py")
        ) + ["samp/py.typed"]:
            tar.add(ROOT / rel, arcname=f"{base}/{rel}")
        pkg_info = _metadata().encode()
        info = tarfile.TarInfo(f"{base}/PKG-INFO")
        info.size = len(pkg_info)
        tar.addfile(info, io.BytesIO(pkg_info))
    return name
