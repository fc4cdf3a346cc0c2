"""Pickles that must never run, for the restricted unpickler's tests (plain Python, no PyTorch needed):
    python3 packages/converters/scripts/gen-unsafe-fixtures.py OUT_DIR
- unsafe-zip.bin: a torch.save-style zip whose data.pkl calls os.system when Python's pickle loads it;
- unsafe-legacy.bin: the same call as a bare pickle (the legacy format's first bytes);
- unsafe-stack-global.bin: protocol 4, builtins.eval through STACK_GLOBAL, inside an OrderedDict;
- unsafe-nested.bin: a real-looking state dict whose one tensor's storage offset comes from os.getpid().
The command each would run writes the file samp-unsafe-pickle-ran in the temporary directory.
"""
import collections
import os
import pickle
import sys
import tempfile
import zipfile

MARKER = os.path.join(tempfile.gettempdir(), "samp-unsafe-pickle-ran")


class System:
    def __reduce__(self):
        return (os.system, (f"echo ran > {MARKER}",))


class Eval:
    def __reduce__(self):
        return (eval, (f"open({MARKER!r}, 'w').write('ran')",))


class Pid:
    def __reduce__(self):
        return (os.getpid, ())


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    with zipfile.ZipFile(os.path.join(out, "unsafe-zip.bin"), "w", zipfile.ZIP_STORED) as z:
        z.writestr("unsafe-zip/data.pkl", pickle.dumps(collections.OrderedDict(weight=System()), protocol=2))
        z.writestr("unsafe-zip/byteorder", "little")
        z.writestr("unsafe-zip/version", "3\n")
    with open(os.path.join(out, "unsafe-legacy.bin"), "wb") as f:
        f.write(pickle.dumps(System(), protocol=2))
    with open(os.path.join(out, "unsafe-stack-global.bin"), "wb") as f:
        f.write(pickle.dumps(collections.OrderedDict(weight=Eval()), protocol=4))
    with open(os.path.join(out, "unsafe-nested.bin"), "wb") as f:
        f.write(pickle.dumps({"bias": [1.0, 2.0], "offset": Pid()}, protocol=2))


if __name__ == "__main__":
    main()
