"""Smoke test of the container image: `rostbot run` in it answers a person, read-only.

Starts the sandbox Bot API on this host (127.0.0.1), then the image as docs/operations.md
says: root filesystem read-only, a tmpfs /tmp, the data volume /var/lib/rostbot, the token
and the server secret as podman secrets in /run/secrets (the image's CREDENTIALS_DIRECTORY),
the analysts' public key mounted read-only. Passes when a new person's /start is answered,
the image's HEALTHCHECK (`rostbot status --check`) passes, the bot stops cleanly (status 0)
on `podman stop`, the database is in the volume and the token is nowhere in its output.

Run by deploy/ci/image.sh with the repository's virtual environment (it imports the sandbox):
  python deploy/ci/image_smoke.py IMAGE [--podman 'podman --runtime runc'] [--run-option ...]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

from rostbot.crypto.analyst_keys import generate_keypair
from rostbot.crypto.server_secret import ServerSecret
from rostbot.sandbox.botapi import SandboxBotApi

UID = 10001  # the image's user rostbot
TIMEOUT = 180.0  # a container start on a busy two-core machine is slow
ORGANISATION = "Testkommunen"
HEALTHCHECK = ("rostbot", "status", "--check")  # as the Containerfile's HEALTHCHECK
SECRETS = ("token", "server.secret")  # podman secrets, in /run/secrets (CREDENTIALS_DIRECTORY)


def podman(base: list[str], *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [*base, *args], capture_output=True, text=True, timeout=TIMEOUT, check=False
    )
    if check and done.returncode != 0:
        raise SystemExit(f"image smoke: podman {args[0]} failed: {done.stderr.strip()[-500:]}")
    return done


def prepare(folder: Path, token: str) -> tuple[Path, Path]:
    """The data folder (empty, the bot's) and the secrets' files, as an operator makes them."""
    folder.chmod(0o755)  # the container's user passes through to the data folder
    data = folder / "data"
    data.mkdir()
    os.chown(data, UID, UID)
    data.chmod(0o700)
    files = folder / "secrets"
    files.mkdir(mode=0o700)
    (files / "token").write_text(token + "\n", encoding="ascii")
    ServerSecret.generate(files / "server.secret")
    generate_keypair(files / "analyst.key")  # the private key stays out of the container
    (files / "analyst.key.pub").chmod(0o644)
    return data, files


async def until_polling(api: SandboxBotApi, base: list[str], name: str) -> None:
    """Until the bot in the container polls; its log if the container ends first."""
    waiting = asyncio.ensure_future(api.wait_until_polling(timeout=TIMEOUT))
    while not waiting.done():
        await asyncio.wait([waiting], timeout=2)
        state = podman(base, "inspect", "--format", "{{.State.Status}}", name).stdout.strip()
        if state not in ("created", "running") and not waiting.done():
            waiting.cancel()
            logs = podman(base, "logs", name, check=False)
            raise SystemExit(f"image smoke: the container is {state}: {logs.stderr[-2000:]}")
    await waiting


async def smoke(image: str, base: list[str], run_options: list[str]) -> None:
    with tempfile.TemporaryDirectory(prefix="rostbot-image-") as tmp:
        folder = Path(tmp)
        async with SandboxBotApi() as api:
            data, files = prepare(folder, api.token)
            name = f"rostbot-smoke-{secrets.token_hex(4)}"
            for secret in SECRETS:
                podman(base, "secret", "create", f"{name}-{secret}", str(files / secret))
            podman(
                base,
                "run",
                "--detach",
                "--name",
                name,
                "--read-only",
                "--tmpfs",
                "/tmp:rw,nosuid,nodev,noexec,mode=1777",
                "--network",
                "host",
                "--cap-drop",
                "all",
                "--security-opt",
                "no-new-privileges",
                "--health-interval",
                "disable",  # no systemd timer here; the check is run below, by hand
                "--volume",
                f"{data}:/var/lib/rostbot",
                # podman 4.3 cannot put a secret into a read-only root filesystem without it
                "--tmpfs",
                "/run/secrets:rw,noexec,nosuid,nodev,size=64k,mode=0755",
                *(
                    f"--secret={name}-{secret},target={secret},mode=0400,uid={UID}"
                    for secret in SECRETS
                ),
                "--volume",
                f"{files / 'analyst.key.pub'}:/etc/rostbot/analyst.pub:ro",
                "--env",
                f"ROSTBOT_BOT_API_URL={api.base_url}",
                "--env",
                "ROSTBOT_ANALYST_KEY=/etc/rostbot/analyst.pub",
                "--env",
                f"ROSTBOT_ORGANISATION={ORGANISATION}",
                "--env",
                "ROSTBOT_SEND_RATE=0",
                *run_options,
                image,
            )
            try:
                await until_polling(api, base, name)
                user = api.user(language_code="sv")
                mark = user.mark()
                await user.send_command("/start")
                answer = await user.wait_for_message(after=mark, timeout=TIMEOUT)
                if ORGANISATION not in answer.content:
                    raise SystemExit(f"image smoke: unexpected answer to /start: {answer.content}")
                print("image smoke: the bot in the container answered /start")
                health = podman(base, "healthcheck", "run", name, check=False)
                if health.returncode != 0:
                    said = podman(base, "exec", name, *HEALTHCHECK, check=False)
                    raise SystemExit(
                        f"image smoke: the HEALTHCHECK failed ({health.stdout.strip()}): "
                        f"{' '.join(HEALTHCHECK)} said {(said.stdout + said.stderr).strip()[-500:]}"
                    )
                print("image smoke: HEALTHCHECK (rostbot status --check) passed")
                podman(base, "stop", "--time", "60", name)
                status = podman(base, "inspect", "--format", "{{.State.ExitCode}}", name)
                logs = podman(base, "logs", name)
            finally:
                podman(base, "rm", "--force", name, check=False)
                for secret in SECRETS:
                    podman(base, "secret", "rm", f"{name}-{secret}", check=False)
            output = logs.stdout + logs.stderr
            if status.stdout.strip() != "0":
                raise SystemExit(f"image smoke: exit status {status.stdout.strip()}: {output}")
            if api.token.partition(":")[2] in output:
                raise SystemExit("image smoke: the token is in the bot's output")
            if not (data / "rostbot.sqlite3").is_file():
                raise SystemExit("image smoke: no database in the data volume")
            print("image smoke: stopped cleanly (status 0); the database is in the volume")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("image")
    parser.add_argument("--podman", default="podman", help="the podman command and its options")
    parser.add_argument(
        "--run-option", action="append", default=[], help="one more `podman run` option"
    )
    args = parser.parse_args()
    asyncio.run(smoke(args.image, shlex.split(args.podman), args.run_option))
    return 0


if __name__ == "__main__":
    sys.exit(main())
