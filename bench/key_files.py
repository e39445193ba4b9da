"""What opening the private key costs `rostbot export`, in the old and the new format.

    .venv/bin/python bench/key_files.py [--repeat 3]

Makes, in a temporary folder, one key file in each passphrase-protected format:

* **old**: encrypted PKCS#8 PEM as keygen wrote it before (PBES2, PBKDF2-HMAC-SHA256 at
  2,048 iterations, AES-256-CBC);
* **new**: the age scrypt passphrase file keygen writes now (work factor picked by the
  age library on this computer, printed);

then times `load_private_key` (what `export` does once per --key before opening any
record) on each, `--repeat` times, in this one process, and prints the seconds (the
fastest and the slowest run) and the peak resident memory of the process after each
format, so that both are measured on the same machine in the same run.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import x25519

from rostbot.crypto import key_files
from rostbot.crypto.analyst_keys import generate_keypair, load_private_key

PASSPHRASE = "correct horse battery staple"


def old_format(path: Path) -> None:
    path.write_bytes(
        x25519.X25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(PASSPHRASE.encode()),
        )
    )


def timed_opens(path: Path, repeat: int) -> list[float]:
    seconds = []
    for _ in range(repeat):
        start = time.perf_counter()
        load_private_key(path, PASSPHRASE)
        seconds.append(time.perf_counter() - start)
    return seconds


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        old, new = Path(folder) / "old.key", Path(folder) / "new.key"
        old_format(old)
        print(f"python {sys.version.split()[0]}; repeat {args.repeat}")
        opens = timed_opens(old, args.repeat)
        print(
            f"old  PKCS#8 PBKDF2 2,048:        open {min(opens):.4f}-{max(opens):.4f} s, "
            f"peak RSS {peak_mib():.0f} MiB"
        )
        start = time.perf_counter()
        generate_keypair(new, PASSPHRASE)
        write = time.perf_counter() - start
        log_n = key_files.scrypt_log_n(new.read_bytes())
        opens = timed_opens(new, args.repeat)
        print(
            f"new  age scrypt N=2^{log_n} r=8 p=1:  open {min(opens):.2f}-{max(opens):.2f} s, "
            f"peak RSS {peak_mib():.0f} MiB; keygen wrote it in {write:.2f} s "
            "(includes the read-back check)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
