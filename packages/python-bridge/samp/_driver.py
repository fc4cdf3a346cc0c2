"""The Node driver process: found, started lazily, shared by every Pipeline and Tokenizer of this interpreter,
restarted when it has died, closed when the last user closes and at interpreter exit.

Requests carry an ``id``; several may be in flight (from several threads); a reader thread hands each response to
its waiter. A driver that dies fails every request in flight with SAMP_BRIDGE_CRASHED (never a hang); the next
request starts a new one."""
import atexit
import collections
import itertools
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

from . import _errors as E
from ._errors import SampError
from ._protocol import encode_frame, read_frame, tensors_of

_HERE = Path(__file__).resolve().parent
_MIN_NODE = 20


def _first(*paths):
    return next((p for p in paths if p and Path(p).is_file()), None)


def find_node():
    node = os.environ.get("SAMP_NODE") or shutil.which("node")
    hint = "Install Node.js 20 or newer and put it on PATH, or set SAMP_NODE to the node executable."
    if not node or not Path(node).is_file():
        where = f"SAMP_NODE={os.environ['SAMP_NODE']} does not exist" if os.environ.get("SAMP_NODE") else "no node on PATH"
        raise SampError(E.NODE_NOT_FOUND, f"samp needs Node.js to run its pipeline, but {where}. {hint}")
    try:
        version = subprocess.run([node, "--version"], capture_output=True, text=True, timeout=30).stdout.strip()
        major = int(version.lstrip("v").split(".")[0])
    except (OSError, ValueError, subprocess.SubprocessError) as e:
        raise SampError(E.NODE_NOT_FOUND, f"{node} does not run as Node.js ({e}). {hint}") from None
    if major < _MIN_NODE:
        raise SampError(E.NODE_NOT_FOUND, f"{node} is Node.js {version}; samp needs {_MIN_NODE} or newer. {hint}")
    return node


def find_build():
    """(driver script, native addon or None): SAMP_DRIVER / SAMP_KERNELS_ADDON, else installed beside this
    package, else in the samp repository this package sits in."""
    for var in ("SAMP_DRIVER", "SAMP_KERNELS_ADDON"):
        if os.environ.get(var) and not Path(os.environ[var]).is_file():
            raise SampError(E.BRIDGE_NOT_BUILT, f"{var}={os.environ[var]} does not exist")
    repo = _HERE.parent  # packages/python-bridge when run from the repository
    script = _first(os.environ.get("SAMP_DRIVER"), _HERE / "_driver" / "driver.mjs", repo / "dist" / "driver.mjs")
    if script is None:
        raise SampError(
            E.BRIDGE_NOT_BUILT,
            "samp's Node driver is not built: run `pnpm install && pnpm build` in the samp repository (it writes "
            "packages/python-bridge/dist/driver.mjs and the native addon), then reinstall this package "
            "(pip install ./packages/python-bridge), or set SAMP_DRIVER to a driver.mjs.",
        )
    addon = _first(
        os.environ.get("SAMP_KERNELS_ADDON"),
        _HERE / "_driver" / "samp_kernels.node",
        repo.parent / "kernels-cuda" / "build" / "Release" / "samp_kernels.node",
    )
    return str(script), (str(addon) if addon else None)


class Reply:
    __slots__ = ("result", "tensors")

    def __init__(self, result, tensors):
        self.result = result
        self.tensors = tensors


class _Waiter:
    __slots__ = ("event", "header", "body")

    def __init__(self):
        self.event = threading.Event()
        self.header = None
        self.body = None


class _Process:
    """One running driver: its pipes, its reader threads, the requests waiting on it."""

    def __init__(self, generation):
        node = find_node()
        script, addon = find_build()
        env = dict(os.environ)
        if addon and "SAMP_KERNELS_ADDON" not in env:
            env["SAMP_KERNELS_ADDON"] = addon
        self.generation = generation
        self.proc = subprocess.Popen(
            [node, script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, bufsize=0
        )
        self.pending = {}
        self.lock = threading.Lock()  # pending, and writes to stdin
        self.dead = None  # why it is dead, once it is
        self.stderr_tail = collections.deque(maxlen=40)
        self.ready = threading.Event()
        threading.Thread(target=self._read, name="samp-driver-stdout", daemon=True).start()
        threading.Thread(target=self._drain_stderr, name="samp-driver-stderr", daemon=True).start()
        if not self.ready.wait(60) or self.dead:
            self.kill()
            raise SampError(E.BRIDGE_CRASHED, f"samp's Node driver did not start: {self.dead or 'no answer in 60 s'}{self._tail()}")

    def _tail(self):
        lines = [line for line in self.stderr_tail if line.strip()]
        return ("\nNode's stderr (last lines):\n" + "\n".join(lines[-12:])) if lines else ""

    def _drain_stderr(self):
        for raw in iter(self.proc.stderr.readline, b""):
            line = raw.decode("utf-8", "replace").rstrip("\n")
            self.stderr_tail.append(line)
            if os.environ.get("SAMP_BRIDGE_QUIET") != "1":
                print(line, file=sys.stderr)

    def _read(self):
        reason = None
        try:
            while True:
                frame = read_frame(self.proc.stdout)
                if frame is None:
                    break
                header, body = frame
                if header.get("event") == "ready":
                    self.ready.set()
                    continue
                if header.get("fatal"):
                    reason = f"it refused the byte stream: {header.get('error', {}).get('message')}"
                    break
                with self.lock:
                    waiter = self.pending.pop(header.get("id"), None)
                if waiter is not None:  # else: a request that timed out
                    waiter.header, waiter.body = header, body
                    waiter.event.set()
        except (SampError, OSError, ValueError) as e:
            reason = str(e)
        if reason:
            self.kill()  # the stream can no longer be trusted
        code = self.proc.wait()
        self._die(reason or f"it exited with code {code}")

    def _die(self, reason):
        with self.lock:
            self.dead = reason
            waiters, self.pending = list(self.pending.values()), {}
        self.ready.set()
        for w in waiters:
            w.event.set()

    def request(self, request_id, op, args, tensors, timeout):
        waiter = _Waiter()
        frame = encode_frame({"id": request_id, "op": op, "args": args}, tensors)
        with self.lock:
            if self.dead:
                raise SampError(E.BRIDGE_CRASHED, f"samp's Node driver died: {self.dead}")
            self.pending[request_id] = waiter
            try:
                for part in frame:
                    self.proc.stdin.write(part)
                self.proc.stdin.flush()
            except (BrokenPipeError, OSError):
                self.pending.pop(request_id, None)
                raise SampError(E.BRIDGE_CRASHED, f"samp's Node driver died before {op} could be sent{self._tail()}") from None
        if not waiter.event.wait(timeout):
            with self.lock:
                self.pending.pop(request_id, None)
            raise SampError(E.TIMEOUT, f"{op} did not finish within {timeout} s (pass a larger timeout=, or None for no limit)")
        if waiter.header is None:
            raise SampError(E.BRIDGE_CRASHED, f"samp's Node driver died while running {op}: {self.dead}{self._tail()}")
        header = waiter.header
        if not header.get("ok"):
            error = header.get("error") or {}
            raise SampError(error.get("code", "SAMP_INTERNAL"), error.get("message", "unknown error"))
        return Reply(header.get("result") or {}, tensors_of(header, waiter.body))

    def close(self, wait=5.0):
        try:
            self.proc.stdin.close()  # the driver exits at the end of its input
            self.proc.wait(wait)
        except (OSError, subprocess.TimeoutExpired):
            self.kill()

    def kill(self):
        try:
            self.proc.kill()
            self.proc.wait(5)
        except OSError:
            pass


class Driver:
    """The shared driver: a process started on first use and restarted after a death."""

    def __init__(self):
        self._lock = threading.Lock()
        self._process = None
        self._generation = 0
        self._ids = itertools.count(1)
        self.users = 0

    @property
    def generation(self):
        """Changes every time a new process starts: what lived in the old one (pipelines) is gone."""
        return self._process.generation if self._process and not self._process.dead else None

    def process(self):
        with self._lock:
            if self._process is None or self._process.dead:
                if self._process is not None:
                    self._process.kill()
                self._generation += 1
                self._process = _Process(self._generation)
            return self._process

    @property
    def pid(self):
        return self._process.proc.pid if self._process and not self._process.dead else None

    def request(self, op, args, tensors=None, timeout=None):
        return self.process().request(next(self._ids), op, args, tensors, timeout)

    def close(self):
        with self._lock:
            if self._process is not None:
                self._process.close()
                self._process = None


_shared = None
_shared_lock = threading.Lock()


def acquire():
    """The shared driver, with one more user."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = Driver()
        _shared.users += 1
        return _shared


def release(driver):
    """One user fewer; the last one closes the process."""
    with _shared_lock:
        driver.users -= 1
        if driver.users <= 0:
            driver.close()


@atexit.register
def _close_at_exit():
    if _shared is not None:
        _shared.close()
