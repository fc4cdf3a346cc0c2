"""SampError: the same stable codes as samp's TypeScript packages, plus the bridge's own."""


class SampError(Exception):
    """An error with a stable ``code`` (for example ``SAMP_FILE_NOT_FOUND``) and a message that says what was
    expected, what was received and how to fix it. Errors raised in the Node pipeline keep their TypeScript code."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"

    def __reduce__(self):
        return (SampError, (self.code, self.message))


# codes of the bridge itself (the others come from the Node side)
NODE_NOT_FOUND = "SAMP_NODE_NOT_FOUND"
BRIDGE_NOT_BUILT = "SAMP_BRIDGE_NOT_BUILT"
BRIDGE_CRASHED = "SAMP_BRIDGE_CRASHED"
BRIDGE_PROTOCOL = "SAMP_BRIDGE_PROTOCOL"
TIMEOUT = "SAMP_TIMEOUT"
INVALID_ARGUMENT = "SAMP_INVALID_ARGUMENT"
DISPOSED = "SAMP_DISPOSED"
