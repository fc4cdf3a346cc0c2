"""What Pipeline and Tokenizer share: a handle to an object in the Node driver, re-opened after a driver restart,
closed with close(), a with-block or garbage collection."""
import weakref

from . import _driver
from . import _errors as E
from ._errors import SampError

DEFAULT_TIMEOUT = 600.0


def _release(driver, state):
    if state["handle"] is not None and driver.generation == state["generation"]:
        try:
            driver.request("close", {"handle": state["handle"]}, timeout=30)
        except SampError:
            pass  # the driver is gone: so is the object
    state["handle"] = None
    _driver.release(driver)


class RemoteObject:
    _kind = "object"

    def __init__(self, open_op, open_args, timeout):
        if timeout is not None and not (isinstance(timeout, (int, float)) and timeout > 0):
            raise SampError(E.INVALID_ARGUMENT, f"Expected a positive number of seconds (or None) for timeout but received {timeout!r}")
        self._open_op, self._open_args, self.timeout = open_op, open_args, timeout
        self._driver = _driver.acquire()
        self._state = {"handle": None, "generation": None}
        self._finalizer = weakref.finalize(self, _release, self._driver, self._state)
        try:
            self._open()
        except BaseException:
            self.close()
            raise

    def _open(self):
        reply = self._driver.request(self._open_op, self._open_args, timeout=self.timeout)
        self._state["handle"] = reply.result["handle"]
        self._state["generation"] = self._driver.generation
        self._info = reply.result

    def _call(self, op, args, tensors=None):
        if not self._finalizer.alive:
            raise SampError(E.DISPOSED, f"This {self._kind} is closed")
        if self._driver.process().generation != self._state["generation"]:
            self._open()  # the driver was restarted: open it again there
        return self._driver.request(op, {"handle": self._state["handle"], **args}, tensors, self.timeout)

    @property
    def closed(self):
        return not self._finalizer.alive

    def close(self):
        """Frees the object in the driver (and the driver itself when nothing else uses it). Idempotent."""
        self._finalizer()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False
