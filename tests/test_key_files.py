"""Private key files: the age scrypt passphrase file, the old PKCS#8 file, passphrases.

Most tests read age files written by tests/age_files.py at a tiny work factor, so they
run in milliseconds. The tests marked "real cost" write through rostbot (scrypt at the
work factor the age library picks, 2^17 or more and nearly always 2^18 or more: about a
second and 256 MiB or more for each derivation) and are kept few.
"""

from __future__ import annotations

import stat
from pathlib import Path

import pyrage
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import x25519

import age_files
from export_steps import Answer, rostbot, seal_answers, waiting_count
from rostbot.crypto import key_files, passphrases
from rostbot.crypto.analyst_keys import (
    KeyFileError,
    generate_keypair,
    key_id_for,
    load_private_key,
    load_public_key,
)
from rostbot.crypto.key_files import KeyFormat

LISTENED = Answer("listened", "scale", "fully")
SECRET = " lösenord åäö æø"  # a leading space and letters outside ASCII


def pem_pair(folder: Path, name: str) -> tuple[x25519.X25519PrivateKey, Path]:
    """A new key: (the key, its public key file `name`.pub written in `folder`)."""
    key = x25519.X25519PrivateKey.generate()
    public = folder / f"{name}.pub"
    public.write_bytes(
        key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    return key, public


def plain_pem(key: x25519.X25519PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def old_key_file(folder: Path, name: str, passphrase: bytes) -> tuple[Path, str]:
    """A key file as keygen wrote it before: encrypted PKCS#8 (PBES2, PBKDF2 2,048)."""
    key, _ = pem_pair(folder, name)
    path = folder / name
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(passphrase),
        )
    )
    path.chmod(0o600)
    return path, key_id_for(key.public_key())


def cheap_age_key(folder: Path, name: str, passphrase: str) -> tuple[Path, str]:
    """A key in an age passphrase file at work factor 2^10 (for reading tests only)."""
    key, _ = pem_pair(folder, name)
    path = folder / name
    path.write_bytes(age_files.armored(plain_pem(key), passphrase, 10))
    return path, key_id_for(key.public_key())


def public_pem(private: Path) -> bytes:
    return Path(f"{private}.pub").read_bytes()


def leftovers(folder: Path) -> list[Path]:
    """Temporary files a rewrap left behind."""
    return list(folder.glob(".*.rewrap"))


def one_line(exc: BaseException, *secrets: str) -> str:
    text = str(exc)
    assert text and "\n" not in text, repr(text)
    for secret in secrets:
        assert secret.strip() not in text
    return text


# ------------------------------------------------------------------------ passphrases


@pytest.mark.parametrize(
    ("content", "passphrase"),
    [
        (b"correct horse\n", "correct horse"),
        (b"correct horse\r\n", "correct horse"),
        (b"correct horse", "correct horse"),
        (" lösenord åäö æø \n".encode(), " lösenord åäö æø "),  # spaces at the ends stay
        (b"two\n\n", "two\n"),  # exactly one line break goes
        (b"tab\t\r\n", "tab\t"),
        ("e\u0301\n".encode(), "e\u0301"),  # no Unicode normalisation
    ],
)
def test_a_passphrase_file_loses_one_final_line_break_and_nothing_else(
    tmp_path: Path, content: bytes, passphrase: str
) -> None:
    path = tmp_path / "passphrase.txt"
    path.write_bytes(content)
    assert passphrases.from_file(path) == passphrase


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty passphrase"),
        (b"\n", "empty passphrase"),
        (b"\r\n", "empty passphrase"),
        (b"\xef\xbb\xbfsecret\n", "byte order mark"),
        (b"l\xf6senord\n", "not UTF-8"),  # Latin-1
    ],
)
def test_passphrase_files_that_are_refused(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "passphrase.txt"
    path.write_bytes(content)
    with pytest.raises(KeyFileError, match=message) as caught:
        passphrases.from_file(path)
    one_line(caught.value, "senord", "secret")


def test_a_passphrase_from_the_environment_is_taken_exactly(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PASS", SECRET + " \n")
    assert passphrases.from_env("PASS") == SECRET + " \n"
    monkeypatch.setenv("PASS", "")
    with pytest.raises(KeyFileError, match="PASS is empty"):
        passphrases.from_env("PASS")


# --------------------------------------------------------------------- reading formats


def test_key_formats_are_told_apart(tmp_path: Path) -> None:
    key, public = pem_pair(tmp_path, "k")
    old, _ = old_key_file(tmp_path, "old", b"pw")
    age, _ = cheap_age_key(tmp_path, "age", "pw")
    assert key_files.key_format(plain_pem(key)) is KeyFormat.PLAIN
    assert key_files.key_format(old.read_bytes()) is KeyFormat.OLD_ENCRYPTED
    assert key_files.key_format(age.read_bytes()) is KeyFormat.AGE
    assert key_files.key_format(public.read_bytes()) is KeyFormat.PUBLIC
    assert key_files.key_format(b"hello") is KeyFormat.UNKNOWN
    assert key_files.scrypt_log_n(age.read_bytes()) == 10


def test_an_age_key_file_opens_with_its_exact_passphrase_only(tmp_path: Path) -> None:
    path, key_id = cheap_age_key(tmp_path, "analyst.key", SECRET)
    assert load_private_key(path, SECRET).key_id == key_id
    for wrong in (SECRET.strip(), SECRET + "\n", "lösenord"):
        with pytest.raises(KeyFileError, match="wrong passphrase") as caught:
            load_private_key(path, wrong)
        one_line(caught.value, SECRET)
    with pytest.raises(KeyFileError, match="needs its passphrase") as caught:
        load_private_key(path)
    one_line(caught.value)


def test_an_old_pkcs8_key_file_still_opens(tmp_path: Path) -> None:
    path, key_id = old_key_file(tmp_path, "old.key", b"correct horse")
    assert b"-----BEGIN ENCRYPTED PRIVATE KEY-----" in path.read_bytes()
    assert load_private_key(path, "correct horse").key_id == key_id
    with pytest.raises(KeyFileError, match="wrong passphrase") as caught:
        load_private_key(path, "wrong horse")
    one_line(caught.value, "horse")
    with pytest.raises(KeyFileError, match="needs its passphrase"):
        load_private_key(path)


def test_an_old_key_file_made_from_a_stripped_passphrase_file_still_opens(
    tmp_path: Path,
) -> None:
    # keygen once stripped passphrase files: "  pw  \n" protected the key with "pw".
    path, key_id = old_key_file(tmp_path, "old.key", "lösen ord".encode())
    assert load_private_key(path, "  lösen ord \t").key_id == key_id
    assert load_private_key(path, "lösen ord").key_id == key_id


def test_broken_key_files_get_one_line_without_the_passphrase(tmp_path: Path) -> None:
    good, _ = cheap_age_key(tmp_path, "good.key", SECRET)
    data = good.read_bytes()
    lines = data.splitlines(keepends=True)

    cases: dict[str, tuple[bytes, str]] = {}
    payload = bytearray(age_files.binary(plain_pem(x25519.X25519PrivateKey.generate()), SECRET, 10))
    payload[-5] ^= 1
    cases["payload changed"] = (bytes(payload), "damaged")
    cases["armor cut off"] = (b"".join(lines[:3]), "cut off")
    cases["armor not base64"] = (lines[0] + b"!!!!\n" + lines[-1], "not valid base64")
    cases["not a key inside"] = (age_files.armored(b"not a key\n", SECRET, 10), "not a private key")
    cases["public key inside"] = (
        age_files.armored(load_public_pem(tmp_path), SECRET, 10),
        "not a private key",
    )
    identity = pyrage.x25519.Identity.generate()
    cases["age file to a recipient"] = (
        pyrage.encrypt(b"x", [identity.to_public()], armored=True),
        "not protected by a passphrase alone",
    )
    cases["not a key file"] = (b"hello\n", "not a private key file")
    for name, (content, message) in cases.items():
        path = tmp_path / name.replace(" ", "_")
        path.write_bytes(content)
        with pytest.raises(KeyFileError, match=message) as caught:
            load_private_key(path, SECRET)
        assert one_line(caught.value, SECRET).startswith(str(path)), name


def load_public_pem(folder: Path) -> bytes:
    _, public = pem_pair(folder, "inside")
    return public.read_bytes()


def test_a_public_key_given_as_the_private_key(tmp_path: Path) -> None:
    _, public = pem_pair(tmp_path, "analyst.key")
    with pytest.raises(KeyFileError, match="is a public key") as caught:
        load_private_key(public)
    one_line(caught.value)


def test_the_bot_refuses_an_age_private_key_as_its_public_key(tmp_path: Path) -> None:
    path, _ = cheap_age_key(tmp_path, "analyst.key", SECRET)
    with pytest.raises(KeyFileError, match="is a private key"):
        load_public_key(path)


# ------------------------------------------------------------------------- the CLI


def export_args(key: Path, tmp_path: Path, *more: str) -> list[str]:
    db, out = tmp_path / "bot.sqlite3", tmp_path / "export"
    return ["export", "--key", str(key), "--out", str(out), "--db", str(db), *more]


async def test_export_errors_for_key_files_are_one_line(tmp_path: Path) -> None:
    path, key_id = cheap_age_key(tmp_path, "analyst.key", SECRET)
    public = load_public_key(tmp_path / "analyst.key.pub")
    assert public.key_id == key_id
    await seal_answers(tmp_path / "bot.sqlite3", public, [LISTENED])
    env = {"PASS": "wrong"}

    cases = [
        (export_args(path, tmp_path, "--passphrase-env", "PASS"), f"{path}: wrong passphrase"),
        (export_args(path, tmp_path), f"{path} needs its passphrase"),  # no terminal
        (
            export_args(tmp_path / "analyst.key.pub", tmp_path),
            f"{tmp_path / 'analyst.key.pub'} is a public key",
        ),
    ]
    for args, start in cases:
        status, stdout, stderr = await rostbot(*args, env=env)
        assert status == 2, stderr
        assert stderr.count("\n") == 1 and stderr.startswith(f"rostbot: {start}"), stderr
        assert "Traceback" not in stderr and "wrong" not in stdout
    assert waiting_count(tmp_path / "bot.sqlite3") == 1

    passphrase_file = tmp_path / "passphrase.txt"
    passphrase_file.write_bytes((SECRET + "\r\n").encode())
    status, stdout, stderr = await rostbot(
        *export_args(path, tmp_path, "--passphrase-file", str(passphrase_file))
    )
    assert status == 0 and "exported 1 new answer(s)" in stdout, stderr
    assert stderr == ""


async def test_export_with_an_old_key_file_hints_at_rewrap(tmp_path: Path) -> None:
    path, _ = old_key_file(tmp_path, "old.key", b"correct horse")
    await seal_answers(tmp_path / "bot.sqlite3", load_public_key(Path(f"{path}.pub")), [LISTENED])
    passphrase_file = tmp_path / "passphrase.txt"
    passphrase_file.write_text("correct horse\n")
    status, _, stderr = await rostbot(
        *export_args(path, tmp_path, "--passphrase-file", str(passphrase_file))
    )
    assert (
        f"rostbot: {path} has the old, weak passphrase protection (PBKDF2, 2,048 rounds); "
        f"upgrade it with `rostbot keygen --rewrap {path}`\n"
    ) in stderr
    assert "horse" not in stderr
    assert status == 0


async def test_keygen_refusals_are_one_line(tmp_path: Path) -> None:
    plain = tmp_path / "plain.key"
    generate_keypair(plain)
    old, _ = old_key_file(tmp_path, "old.key", b"pw")
    age, _ = cheap_age_key(tmp_path, "age.key", "pw")
    empty = tmp_path / "empty.txt"
    empty.write_text("\n")
    before = {p: p.read_bytes() for p in (plain, old, age)}
    cases = [
        (["--rewrap", str(age), "--passphrase-env", "PASS"], "is an age passphrase file already"),
        (["--rewrap", str(plain), "--passphrase-env", "PASS"], "is not a private key protected"),
        (["--rewrap", str(old)], "needs its passphrase"),
        (["--rewrap", str(old), "--passphrase-env", "PASS"], "wrong passphrase"),
        (["--rewrap", str(old), "--passphrase-file", str(empty)], "empty passphrase"),
        (["--out", str(tmp_path / "new.key"), "--passphrase-file", str(empty)], "empty"),
        (["--out", str(tmp_path / "new.key"), "--new-passphrase-env", "PASS"], "with --rewrap"),
        (["--out", str(tmp_path / "x.key"), "--rewrap", str(old)], "not allowed with"),
    ]
    for args, message in cases:
        status, stdout, stderr = await rostbot("keygen", *args, env={"PASS": "sesam"})
        assert status == 2 and stdout == "", (args, stderr)
        assert stderr.count("\n") == 1 and stderr.startswith("rostbot: "), (args, stderr)
        assert message in stderr and "sesam" not in stderr, (args, stderr)
    assert {p: p.read_bytes() for p in before} == before
    assert not (tmp_path / "new.key").exists() and not (tmp_path / "x.key").exists()
    assert not leftovers(tmp_path)


# --------------------------------------------------------------- real cost (scrypt)


async def test_keygen_writes_an_age_file_that_export_opens_with_the_same_passphrase(
    tmp_path: Path,
) -> None:
    """Real cost. The passphrase file ends in CRLF; export is given the exact text."""
    passphrase_file = tmp_path / "passphrase.txt"
    passphrase_file.write_bytes((SECRET + "\r\n").encode())
    key_path = tmp_path / "analyst.key"

    status, stdout, stderr = await rostbot(
        "keygen", "--out", str(key_path), "--passphrase-file", str(passphrase_file)
    )

    assert status == 0, stderr
    data = key_path.read_bytes()
    assert data.startswith(b"-----BEGIN AGE ENCRYPTED FILE-----\n")
    assert data.endswith(b"-----END AGE ENCRYPTED FILE-----\n")
    assert stat.S_IMODE(key_path.stat().st_mode) == 0o600
    log_n = key_files.scrypt_log_n(data)
    # age's reference work factor, over OWASP's scrypt minimum (2^17, r=8, p=1)
    assert key_files.MIN_LOG_N <= log_n <= key_files.MAX_LOG_N
    public = load_public_key(Path(f"{key_path}.pub"))
    assert stdout == (
        f"private key: {key_path} (age passphrase file, scrypt N=2^{log_n} r=8 p=1; "
        "keep it offline, mode 0600)\n"
        f"public key:  {key_path}.pub (key id {public.key_id}; give this to the bot host)\n"
    )
    assert "senord" not in stdout + stderr

    await seal_answers(tmp_path / "bot.sqlite3", public, [LISTENED])
    status, stdout, stderr = await rostbot(
        *export_args(key_path, tmp_path, "--passphrase-env", "PASS"), env={"PASS": SECRET}
    )
    assert status == 0 and "exported 1 new answer(s)" in stdout, stderr


async def test_rewrap_upgrades_an_old_key_file_in_place(tmp_path: Path) -> None:
    """Real cost. Old PKCS#8 -> age file; same key id, .pub untouched, mode 0600."""
    path, key_id = old_key_file(tmp_path, "analyst.key", b"correct horse")
    public_before = public_pem(path)
    new_passphrase = tmp_path / "new.txt"
    new_passphrase.write_bytes((SECRET + "\n").encode())

    status, stdout, stderr = await rostbot(
        "keygen",
        "--rewrap",
        str(path),
        "--passphrase-env",
        "PASS",
        "--new-passphrase-file",
        str(new_passphrase),
        env={"PASS": "correct horse"},
    )

    assert status == 0, stderr
    data = path.read_bytes()
    assert key_files.key_format(data) is KeyFormat.AGE
    log_n = key_files.scrypt_log_n(data)
    assert key_files.MIN_LOG_N <= log_n <= key_files.MAX_LOG_N
    assert stdout == (
        f"rewrapped {path}: now an age passphrase file (scrypt N=2^{log_n} r=8 p=1), "
        f"same key id {key_id}; {path}.pub untouched\n"
    )
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert public_pem(path) == public_before
    assert not leftovers(tmp_path)
    assert load_private_key(path, SECRET).key_id == key_id
