"""Keys, sealing and the server secret, checked against the documented record format.

The interoperability tests open a rostbot-sealed blob without rostbot's sealing code:
once with pyhpke (an independent HPKE implementation, when installed) and once by
re-deriving RFC 9180 step by step from X25519, HKDF-SHA256 and ChaCha20-Poly1305.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import stat
from dataclasses import replace
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import x25519
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDFExpand

import age_files
from rostbot.crypto.analyst_keys import (
    AnalystPrivateKey,
    AnalystPublicKey,
    KeyFileError,
    generate_keypair,
    key_id_for,
    load_private_key,
    load_public_key,
    load_public_keys,
)
from rostbot.crypto.sealing import (
    ENC_LENGTH,
    PAD_BLOCK,
    SealContext,
    SealError,
    open_sealed,
    padded_json,
    seal,
)
from rostbot.crypto.server_secret import (
    AtRestError,
    SecretFileError,
    ServerSecret,
)

DOC = Path(__file__).resolve().parents[1] / "docs" / "record-format.md"

CONTEXT = SealContext(
    record_id="rec-1",
    response_id="resp-1",
    flow_id="meeting_feedback",
    flow_version=2,
    question_id="listened",
)
PLAINTEXT = json.dumps({"v": 1, "value": "mostly", "note": "åäö æøå"}).encode()


@pytest.fixture
def keys(tmp_path: Path) -> tuple[AnalystPublicKey, AnalystPrivateKey]:
    path = tmp_path / "analyst.key"
    public = generate_keypair(path)
    return public, load_private_key(path)


def _one_line(exc: BaseException) -> str:
    text = str(exc)
    assert text and "\n" not in text, repr(text)
    return text


# ------------------------------------------------------------------------- key files


def test_keygen_writes_pem_files_with_a_private_private_key(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "analyst.key"
    public = generate_keypair(path)
    private_pem = path.read_bytes()
    public_pem = Path(str(path) + ".pub").read_bytes()
    assert private_pem.startswith(b"-----BEGIN PRIVATE KEY-----")
    assert public_pem.startswith(b"-----BEGIN PUBLIC KEY-----")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    # Standard encodings: any tool reads them.
    loaded = serialization.load_pem_private_key(private_pem, password=None)
    assert isinstance(loaded, x25519.X25519PrivateKey)
    assert load_public_key(Path(str(path) + ".pub")) == public
    assert load_private_key(path).key_id == public.key_id


def test_key_id_is_sha256_of_the_raw_public_key(
    keys: tuple[AnalystPublicKey, AnalystPrivateKey],
) -> None:
    public, _ = keys
    raw = public.public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    assert len(raw) == 32
    assert public.key_id == hashlib.sha256(raw).hexdigest()[:16]
    assert re.fullmatch(r"[0-9a-f]{16}", public.key_id)
    assert key_id_for(public.public_key) == public.key_id


@pytest.mark.parametrize("existing", ["analyst.key", "analyst.key.pub"])
def test_keygen_refuses_to_overwrite(tmp_path: Path, existing: str) -> None:
    (tmp_path / existing).write_bytes(b"precious")
    with pytest.raises(KeyFileError, match="refusing to overwrite") as caught:
        generate_keypair(tmp_path / "analyst.key")
    _one_line(caught.value)
    assert (tmp_path / existing).read_bytes() == b"precious"


def test_passphrase_protected_key(tmp_path: Path) -> None:
    """Real cost (scrypt): the age file keygen writes; its errors: tests/test_key_files.py."""
    path = tmp_path / "analyst.key"
    public = generate_keypair(path, "correct horse")
    assert path.read_bytes().startswith(b"-----BEGIN AGE ENCRYPTED FILE-----\n")
    with pytest.raises(KeyFileError, match="needs its passphrase") as caught:
        load_private_key(path)
    _one_line(caught.value)
    assert load_private_key(path, "correct horse").key_id == public.key_id


def test_passphrase_given_for_an_unprotected_key(tmp_path: Path) -> None:
    path = tmp_path / "analyst.key"
    generate_keypair(path)
    with pytest.raises(KeyFileError, match="not protected") as caught:
        load_private_key(path, "anything")
    _one_line(caught.value)


def test_a_private_key_is_refused_as_the_bots_public_key(tmp_path: Path) -> None:
    path = tmp_path / "analyst.key"
    generate_keypair(path)
    protected = tmp_path / "protected.key"
    protected.write_bytes(age_files.armored(path.read_bytes(), "pass", 10))
    for private in (path, protected):
        with pytest.raises(KeyFileError, match="private key") as caught:
            load_public_key(private)
        _one_line(caught.value)
        with pytest.raises(KeyFileError):
            load_public_keys([Path(str(path) + ".pub"), private])


def test_public_key_files_that_are_not_keys(tmp_path: Path) -> None:
    missing = tmp_path / "nothing.pub"
    with pytest.raises(KeyFileError, match="cannot read") as caught:
        load_public_key(missing)
    _one_line(caught.value)
    garbage = tmp_path / "garbage.pub"
    garbage.write_bytes(b"not a key\n")
    with pytest.raises(KeyFileError, match="not a PEM public key"):
        load_public_key(garbage)
    from cryptography.hazmat.primitives.asymmetric import ed25519

    other = tmp_path / "ed25519.pub"
    other.write_bytes(
        ed25519.Ed25519PrivateKey.generate()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    with pytest.raises(KeyFileError, match="not an X25519 key"):
        load_public_key(other)


def test_a_public_key_is_not_a_private_key(tmp_path: Path) -> None:
    path = tmp_path / "analyst.key"
    generate_keypair(path)
    with pytest.raises(KeyFileError) as caught:
        load_private_key(Path(str(path) + ".pub"))
    _one_line(caught.value)


def test_public_key_list(tmp_path: Path) -> None:
    first = generate_keypair(tmp_path / "a.key")
    second = generate_keypair(tmp_path / "b.key")
    paths = [tmp_path / "a.key.pub", tmp_path / "b.key.pub"]
    assert [k.key_id for k in load_public_keys(paths)] == [first.key_id, second.key_id]
    with pytest.raises(KeyFileError, match="twice"):
        load_public_keys([paths[0], paths[0]])
    with pytest.raises(KeyFileError, match="no analyst public key"):
        load_public_keys([])


# --------------------------------------------------------------------------- sealing


def test_seal_and_open(keys: tuple[AnalystPublicKey, AnalystPrivateKey]) -> None:
    public, private = keys
    blob = seal(PLAINTEXT, public, CONTEXT)
    assert len(blob) == ENC_LENGTH + len(PLAINTEXT) + 16  # enc || ciphertext with its tag
    assert PLAINTEXT not in blob
    assert open_sealed(blob, private, CONTEXT) == PLAINTEXT


@pytest.mark.parametrize("value", ["Ja", "Nej, inte alls", "x" * 300, "å" * 200])
def test_padded_answers_are_one_size_and_read_as_the_same_json(value: str) -> None:
    plain = json.dumps({"value": value}, ensure_ascii=False).encode()
    padded = padded_json(plain)
    assert len(padded) == PAD_BLOCK  # every one of these is under a block
    assert padded.startswith(plain) and padded[len(plain) :].strip(b" ") == b""
    assert json.loads(padded) == {"value": value}
    assert len(padded_json(b"{}" + b" " * (PAD_BLOCK - 2))) == PAD_BLOCK  # already whole
    assert len(padded_json(b"{" + b" " * PAD_BLOCK + b"}")) == 2 * PAD_BLOCK


def test_two_seals_of_the_same_answer_differ(
    keys: tuple[AnalystPublicKey, AnalystPrivateKey],
) -> None:
    public, private = keys
    first, second = seal(PLAINTEXT, public, CONTEXT), seal(PLAINTEXT, public, CONTEXT)
    assert first != second
    assert first[:ENC_LENGTH] != second[:ENC_LENGTH]  # a fresh ephemeral key each time
    assert open_sealed(first, private, CONTEXT) == open_sealed(second, private, CONTEXT)


def _refused(blob: bytes, key: AnalystPrivateKey, context: SealContext) -> str:
    with pytest.raises(SealError) as caught:
        open_sealed(blob, key, context)
    message = _one_line(caught.value)
    assert context.record_id in message
    return message


def test_another_key_does_not_open(
    tmp_path: Path, keys: tuple[AnalystPublicKey, AnalystPrivateKey]
) -> None:
    public, _ = keys
    generate_keypair(tmp_path / "other.key")
    other = load_private_key(tmp_path / "other.key")
    blob = seal(PLAINTEXT, public, CONTEXT)
    assert other.key_id in _refused(blob, other, CONTEXT)
    # Even with the sealing key's id, the other private key fails.
    _refused(blob, replace(other, key_id=public.key_id), CONTEXT)


@pytest.mark.parametrize(
    "change",
    [
        {"record_id": "rec-2"},
        {"response_id": "resp-2"},
        {"flow_id": "youth_placement"},
        {"flow_version": 3},
        {"question_id": "knew_plan"},
    ],
)
def test_a_changed_context_does_not_open(
    keys: tuple[AnalystPublicKey, AnalystPrivateKey], change: dict[str, object]
) -> None:
    public, private = keys
    blob = seal(PLAINTEXT, public, CONTEXT)
    _refused(blob, private, replace(CONTEXT, **change))  # type: ignore[arg-type]


def test_a_changed_key_id_does_not_open(
    keys: tuple[AnalystPublicKey, AnalystPrivateKey],
) -> None:
    public, private = keys
    blob = seal(PLAINTEXT, public, CONTEXT)
    _refused(blob, replace(private, key_id="0" * 16), CONTEXT)


def test_fields_cannot_be_shifted_between_each_other(
    keys: tuple[AnalystPublicKey, AnalystPrivateKey],
) -> None:
    # Each field is NUL-prefixed, so "ab" + "c" is not "a" + "bc".
    public, private = keys
    context = SealContext("ab", "c", "f", 1, "q")
    blob = seal(PLAINTEXT, public, context)
    _refused(blob, private, SealContext("a", "bc", "f", 1, "q"))


@pytest.mark.parametrize("where", [0, 5, ENC_LENGTH - 1, ENC_LENGTH, ENC_LENGTH + 7, -16, -1])
def test_a_flipped_byte_does_not_open(
    keys: tuple[AnalystPublicKey, AnalystPrivateKey], where: int
) -> None:
    public, private = keys
    blob = bytearray(seal(PLAINTEXT, public, CONTEXT))
    blob[where] ^= 0x01
    _refused(bytes(blob), private, CONTEXT)


@pytest.mark.parametrize("length", [0, 1, ENC_LENGTH, ENC_LENGTH + 1, ENC_LENGTH + 16, -1])
def test_a_truncated_blob_does_not_open(
    keys: tuple[AnalystPublicKey, AnalystPrivateKey], length: int
) -> None:
    public, private = keys
    blob = seal(PLAINTEXT, public, CONTEXT)
    _refused(blob[:length], private, CONTEXT)


def test_a_lengthened_blob_does_not_open(
    keys: tuple[AnalystPublicKey, AnalystPrivateKey],
) -> None:
    public, private = keys
    _refused(seal(PLAINTEXT, public, CONTEXT) + b"\x00", private, CONTEXT)


def test_info_bytes_are_as_documented() -> None:
    info = CONTEXT.info("0123456789abcdef")
    assert info == (
        b"rostbot/sealed-answer/v1"
        b"\x00rec-1\x00resp-1\x00meeting_feedback\x002\x00listened\x000123456789abcdef"
    )


def test_the_worked_example_in_the_docs_is_right() -> None:
    text = DOC.read_text(encoding="utf-8")
    fields = dict(re.findall(r"^\| `(\w+)` \| `([^`]*)` \|", text, flags=re.MULTILINE))
    context = SealContext(
        record_id=fields["record_id"],
        response_id=fields["response_id"],
        flow_id=fields["flow_id"],
        flow_version=int(fields["flow_version"]),
        question_id=fields["question_id"],
    )
    block = re.search(r"```text\ninfo \(hex\):\n(.*?)```", text, flags=re.DOTALL)
    assert block is not None, "the docs lost their worked info example"
    documented = bytes.fromhex("".join(block.group(1).split()))
    assert documented == context.info(fields["key_id"])


# ------------------------------------------------------------ interoperability


def _raw_private(key: AnalystPrivateKey) -> bytes:
    return key.private_key.private_bytes(
        serialization.Encoding.Raw,
        serialization.PrivateFormat.Raw,
        serialization.NoEncryption(),
    )


def test_pyhpke_opens_a_rostbot_record(
    tmp_path: Path, keys: tuple[AnalystPublicKey, AnalystPrivateKey]
) -> None:
    pyhpke = pytest.importorskip("pyhpke", reason="pyhpke (the dev extra) is not installed")
    public, private = keys
    blob = seal(PLAINTEXT, public, CONTEXT)
    suite = pyhpke.CipherSuite.new(
        pyhpke.KEMId.DHKEM_X25519_HKDF_SHA256,
        pyhpke.KDFId.HKDF_SHA256,
        pyhpke.AEADId.CHACHA20_POLY1305,
    )
    recipient = suite.kem.deserialize_private_key(_raw_private(private))
    enc, ciphertext = blob[:32], blob[32:]
    # Single shot = a fresh context, one open at sequence number 0.
    context = suite.create_recipient_context(enc, recipient, info=CONTEXT.info(public.key_id))
    assert context.open(ciphertext, aad=b"") == PLAINTEXT
    # And the other way: pyhpke seals, rostbot opens.
    sender = suite.kem.deserialize_public_key(
        public.public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    )
    enc, context = suite.create_sender_context(sender, info=CONTEXT.info(public.key_id))
    assert open_sealed(enc + context.seal(PLAINTEXT, aad=b""), private, CONTEXT) == PLAINTEXT


# RFC 9180 by hand: DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, ChaCha20-Poly1305, mode_base.
KEM_ID, KDF_ID, AEAD_ID = 0x0020, 0x0001, 0x0003
KEM_SUITE_ID = b"KEM" + KEM_ID.to_bytes(2, "big")
HPKE_SUITE_ID = b"HPKE" + b"".join(n.to_bytes(2, "big") for n in (KEM_ID, KDF_ID, AEAD_ID))


def _extract(salt: bytes, ikm: bytes) -> bytes:
    return hmac.new(salt, ikm, hashlib.sha256).digest()  # HKDF-Extract; empty salt is fine


def _expand(prk: bytes, info: bytes, length: int) -> bytes:
    return HKDFExpand(hashes.SHA256(), length, info).derive(prk)


def _labeled_extract(suite_id: bytes, salt: bytes, label: bytes, ikm: bytes) -> bytes:
    return _extract(salt, b"HPKE-v1" + suite_id + label + ikm)


def _labeled_expand(suite_id: bytes, prk: bytes, label: bytes, info: bytes, length: int) -> bytes:
    return _expand(prk, length.to_bytes(2, "big") + b"HPKE-v1" + suite_id + label + info, length)


def _shared_secret(dh: bytes, enc: bytes, pk_recipient: bytes) -> bytes:
    """RFC 9180 4.1 ExtractAndExpand, with kem_context = enc || pkRm."""
    eae_prk = _labeled_extract(KEM_SUITE_ID, b"", b"eae_prk", dh)
    return _labeled_expand(KEM_SUITE_ID, eae_prk, b"shared_secret", enc + pk_recipient, 32)


def _key_schedule(shared_secret: bytes, info: bytes) -> tuple[bytes, bytes]:
    """RFC 9180 5.1 KeySchedule for mode_base (0x00) with no PSK: (key, base_nonce)."""
    psk_id_hash = _labeled_extract(HPKE_SUITE_ID, b"", b"psk_id_hash", b"")
    info_hash = _labeled_extract(HPKE_SUITE_ID, b"", b"info_hash", info)
    context = b"\x00" + psk_id_hash + info_hash
    secret = _labeled_extract(HPKE_SUITE_ID, shared_secret, b"secret", b"")
    key = _labeled_expand(HPKE_SUITE_ID, secret, b"key", context, 32)
    base_nonce = _labeled_expand(HPKE_SUITE_ID, secret, b"base_nonce", context, 12)
    return key, base_nonce


def _raw_public(key: x25519.X25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def test_rfc9180_by_hand_opens_a_rostbot_record(
    keys: tuple[AnalystPublicKey, AnalystPrivateKey],
) -> None:
    public, private = keys
    blob = seal(PLAINTEXT, public, CONTEXT)
    enc, ciphertext = blob[:32], blob[32:]
    pk_recipient = _raw_public(public.public_key)
    # Decap: DH(skR, pkE), then ExtractAndExpand.
    dh = private.private_key.exchange(x25519.X25519PublicKey.from_public_bytes(enc))
    key, base_nonce = _key_schedule(
        _shared_secret(dh, enc, pk_recipient), CONTEXT.info(public.key_id)
    )
    # Single shot: sequence number 0, so the nonce is base_nonce itself; aad is empty.
    assert ChaCha20Poly1305(key).decrypt(base_nonce, ciphertext, b"") == PLAINTEXT


def test_rfc9180_by_hand_seals_a_record_rostbot_opens(
    keys: tuple[AnalystPublicKey, AnalystPrivateKey],
) -> None:
    public, private = keys
    ephemeral = x25519.X25519PrivateKey.generate()
    enc = _raw_public(ephemeral.public_key())
    dh = ephemeral.exchange(public.public_key)
    shared = _shared_secret(dh, enc, _raw_public(public.public_key))
    key, base_nonce = _key_schedule(shared, CONTEXT.info(public.key_id))
    blob = enc + ChaCha20Poly1305(key).encrypt(base_nonce, PLAINTEXT, b"")
    assert open_sealed(blob, private, CONTEXT) == PLAINTEXT


def test_rfc9180_by_hand_matches_the_rfc_test_vector() -> None:
    """RFC 9180 A.2.1 (DHKEM(X25519), HKDF-SHA256, ChaCha20Poly1305, base): our by-hand
    derivation must reproduce it, or the interoperability tests above prove nothing."""
    sk_recipient = bytes.fromhex("8057991eef8f1f1af18f4a9491d16a1ce333f695d4db8e38da75975c4478e0fb")
    enc = bytes.fromhex("1afa08d3dec047a643885163f1180476fa7ddb54c6a8029ea33f95796bf2ac4a")
    info = bytes.fromhex("4f6465206f6e2061204772656369616e2055726e")
    recipient = x25519.X25519PrivateKey.from_private_bytes(sk_recipient)
    pk_recipient = _raw_public(recipient.public_key())
    assert pk_recipient.hex() == (
        "4310ee97d88cc1f088a5576c77ab0cf5c3ac797f3d95139c6c84b5429c59662a"
    )
    dh = recipient.exchange(x25519.X25519PublicKey.from_public_bytes(enc))
    shared = _shared_secret(dh, enc, pk_recipient)
    assert shared.hex() == "0bbe78490412b4bbea4812666f7916932b828bba79942424abb65244930d69a7"
    key, base_nonce = _key_schedule(shared, info)
    assert key.hex() == "ad2744de8e17f4ebba575b3f5f5a8fa1f69c2a07f6e7500bc60ca6e3e3ec1c91"
    assert base_nonce.hex() == "5c4d98150661b848853b547f"
    ciphertext = bytes.fromhex(
        "1c5250d8034ec2b784ba2cfd69dbdb8af406cfe3ff938e131f0def8c8b60b4db21993c62ce81883d2dd1b51a28"
    )
    plaintext = ChaCha20Poly1305(key).decrypt(
        base_nonce, ciphertext, bytes.fromhex("436f756e742d30")
    )
    assert plaintext == b"Beauty is truth, truth beauty"


# ------------------------------------------------------------------ server secret


SECRET = b"s" * 32


def test_pseudonym_is_stable_and_keyed() -> None:
    secret = ServerSecret(SECRET)
    first = secret.pseudonym("telegram", 123456789)
    assert first == ServerSecret(SECRET).pseudonym("telegram", 123456789)
    assert first == secret.pseudonym("telegram", "123456789")
    assert re.fullmatch(r"[0-9a-f]{32}", first)
    assert "123456789" not in first
    assert first != ServerSecret(b"t" * 32).pseudonym("telegram", 123456789)
    assert first != secret.pseudonym("telegram", 123456780)
    assert first != secret.pseudonym("chat", 123456789)
    # Not a plain hash of the id: it needs the secret.
    assert first not in hashlib.sha256(b"telegram:123456789").hexdigest()


@pytest.mark.parametrize("length", [0, 1, 31])
def test_a_short_secret_is_refused(tmp_path: Path, length: int) -> None:
    with pytest.raises(SecretFileError, match="at least 32 bytes"):
        ServerSecret(b"x" * length)
    path = tmp_path / "short.secret"
    path.write_bytes(b"x" * length + b"\n   \n")
    with pytest.raises(SecretFileError, match="too short") as caught:
        ServerSecret.load(path)
    _one_line(caught.value)


def test_a_missing_secret_file(tmp_path: Path) -> None:
    with pytest.raises(SecretFileError, match="cannot read") as caught:
        ServerSecret.load(tmp_path / "missing.secret")
    _one_line(caught.value)


def test_generated_secret_file(tmp_path: Path) -> None:
    path = tmp_path / "dir" / "server.secret"
    ServerSecret.generate(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(path.read_bytes().strip()) >= 32
    loaded = ServerSecret.load(path)
    assert loaded.pseudonym("t", 1) == ServerSecret.load(path).pseudonym("t", 1)
    ServerSecret.generate(tmp_path / "other.secret")
    assert ServerSecret.load(tmp_path / "other.secret").pseudonym("t", 1) != loaded.pseudonym(
        "t", 1
    )
    before = path.read_bytes()
    with pytest.raises(SecretFileError) as caught:
        ServerSecret.generate(path)
    _one_line(caught.value)
    assert path.read_bytes() == before


def test_at_rest_round_trip() -> None:
    secret = ServerSecret(SECRET)
    blob = secret.encrypt(b"chat 42", "contact:abc")
    assert b"chat 42" not in blob
    assert secret.decrypt(blob, "contact:abc") == b"chat 42"
    assert ServerSecret(SECRET).decrypt(blob, "contact:abc") == b"chat 42"
    assert secret.encrypt(b"chat 42", "contact:abc") != blob
    assert secret.decrypt(secret.encrypt(b"", "empty"), "empty") == b""


def test_at_rest_wrong_purpose_secret_or_bytes_fail() -> None:
    secret = ServerSecret(SECRET)
    blob = secret.encrypt(b"chat 42", "contact:abc")
    with pytest.raises(AtRestError) as caught:
        secret.decrypt(blob, "contact:abd")
    _one_line(caught.value)
    with pytest.raises(AtRestError):
        ServerSecret(b"t" * 32).decrypt(blob, "contact:abc")
    flipped = bytearray(blob)
    flipped[-1] ^= 1
    for broken in (bytes(flipped), blob[:-1], blob[:12], b""):
        with pytest.raises(AtRestError):
            secret.decrypt(broken, "contact:abc")


def test_pseudonym_and_at_rest_keys_are_independent() -> None:
    # The pseudonym key is not the at-rest key: a pseudonym does not open anything.
    secret = ServerSecret(SECRET)
    blob = secret.encrypt(b"x", "p")
    assert secret.pseudonym("p", "x") not in blob.hex()


def _section(text: str, heading: str) -> str:
    start = text.index(f"\n## {heading}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else None]


def test_the_docs_list_every_plaintext_field() -> None:
    import inspect

    from rostbot.journey import answering

    source = inspect.getsource(answering._sealed)
    payload = source[source.index("payload = {") : source.index("}", source.index("payload = {"))]
    in_code = re.findall(r'^\s+"(\w+)":', payload, flags=re.MULTILINE)
    documented = re.findall(
        r"^\| `(\w+)` \|", _section(DOC.read_text(encoding="utf-8"), "The plaintext"), re.MULTILINE
    )
    assert in_code and documented == in_code


def test_the_docs_list_every_sealed_answers_column() -> None:
    schema = (
        Path(__file__).resolve().parents[1] / "src/rostbot/store/migrations/001_initial.sql"
    ).read_text(encoding="utf-8")
    table = schema[schema.index("CREATE TABLE sealed_answers") :]
    table = table[: table.index(");")]
    in_schema = re.findall(r"^\s{4}(\w+)\s+[A-Z]", table, flags=re.MULTILINE)
    documented = re.findall(
        r"^\| `(\w+)` \|", _section(DOC.read_text(encoding="utf-8"), "The table"), re.MULTILINE
    )
    assert in_schema and documented == in_schema
