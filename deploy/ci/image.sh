#!/usr/bin/env bash
# Build the container image (Containerfile) with podman and smoke-test it (image_smoke.py):
# rostbot run, read-only, answers /start from the sandbox Bot API, passes its HEALTHCHECK
# and stops cleanly. Run by .ci/run after ./test.sh (it uses .venv).
#
# Where podman is missing, or no base image can be had, it says why and skips (status 0);
# tests/test_deploy_container.py checks the Containerfile without building it everywhere.
# Everything lives in a private podman store under /var/tmp, removed at the end.
#
# What it adapts to, each step printed:
# - the base image: docker.io/library/python:3.11-slim-bookworm when the registry answers;
#   else a stand-in made from Debian bookworm packages (debootstrap: python3, python3-venv,
#   ca-certificates), imported with `podman import`: the same Debian and Python 3.11;
# - the storage driver (overlay, else vfs) and the OCI runtime (the default, else runc,
#   with resource limits no higher than this host's where raising them is not allowed).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
started=$SECONDS
UPSTREAM_BASE="docker.io/library/python:3.11-slim-bookworm"
STANDIN_BASE="localhost/rostbot-base:bookworm"
IMAGE="localhost/rostbot:ci"

say() { echo "image: $*"; }
skip() { say "SKIPPED: $*"; exit 0; }

command -v podman >/dev/null 2>&1 || skip "podman is not installed (Debian package podman)"
[[ -x .venv/bin/python ]] || skip ".venv is missing: run ./test.sh first"

store="$(mktemp -d /var/tmp/rostbot-image.XXXXXX)"
P=(podman --root "$store/root" --runroot "$store/run")
cleanup() {
    "${P[@]}" rm --all --force >/dev/null 2>&1 || true
    "${P[@]}" rmi --all --force >/dev/null 2>&1 || true
    "${P[@]}" system reset --force >/dev/null 2>&1 || true
    rm -rf "$store"
}
trap cleanup EXIT
trap 'exit 130' INT TERM  # and so through cleanup

# ---------------------------------------------------------------------- the storage driver
driver=""
for candidate in overlay vfs; do
    if "${P[@]}" --storage-driver "$candidate" images >/dev/null 2>&1; then
        driver="$candidate"
        break
    fi
    rm -rf "$store/root" "$store/run"
done
[[ -n "$driver" ]] || skip "podman cannot open a storage (overlay or vfs) in $store"
P+=(--storage-driver "$driver")
say "podman $(podman --version | awk '{print $3}'), storage driver $driver"

# ------------------------------------------------------------------------- the base image
base=""
if timeout 90 "${P[@]}" pull --quiet "$UPSTREAM_BASE" >/dev/null 2>"$store/pull.log"; then
    base="$UPSTREAM_BASE"
    say "base image $UPSTREAM_BASE pulled"
else
    say "cannot pull $UPSTREAM_BASE ($(tail -n1 "$store/pull.log" | cut -c1-160))"
    command -v debootstrap >/dev/null 2>&1 \
        || skip "no base image: the registry is unreachable and debootstrap is not installed"
    say "making a stand-in base from Debian bookworm packages (debootstrap)"
    if ! debootstrap --variant=minbase --include=python3,python3-venv,ca-certificates \
        bookworm "$store/rootfs" http://deb.debian.org/debian >"$store/debootstrap.log" 2>&1; then
        tail -n5 "$store/debootstrap.log" >&2
        skip "no base image: the registry is unreachable and debootstrap failed"
    fi
    rm -rf "$store/rootfs/var/cache/apt/archives/"*.deb "$store/rootfs/var/lib/apt/lists/"*
    tar -C "$store/rootfs" -c . | "${P[@]}" import --quiet - "$STANDIN_BASE" >/dev/null
    rm -rf "$store/rootfs"
    base="$STANDIN_BASE"
fi

# ------------------------------------------------------------- the runtime and its limits
nofile="$(ulimit -Hn)"
nproc="$(ulimit -Hu)"
[[ "$nofile" == unlimited || "$nofile" -gt 65536 ]] && nofile=65536
[[ "$nproc" == unlimited || "$nproc" -gt 4096 ]] && nproc=4096
limits=(--ulimit "nofile=$nofile:$nofile" --ulimit "nproc=$nproc:$nproc")
runtime=()
run_options=()
found=""
for rt in "" runc; do
    for lim in no yes; do
        rt_opts=()
        [[ -n "$rt" ]] && rt_opts=(--runtime "$rt")
        lim_opts=()
        [[ "$lim" == yes ]] && lim_opts=("${limits[@]}")
        if "${P[@]}" "${rt_opts[@]}" run --rm "${lim_opts[@]}" "$base" python3 -c "" \
            >/dev/null 2>"$store/probe.log"; then
            runtime=("${rt_opts[@]}")
            run_options=("${lim_opts[@]}")
            found=yes
            break 2
        fi
        say "no container with runtime '${rt:-default}' and limits '$lim': $(tail -n1 "$store/probe.log" | cut -c1-160)"
    done
done
[[ -n "$found" ]] || skip "podman cannot run a container on this host"
P+=("${runtime[@]}")
say "containers run with: ${runtime[*]:-the default runtime} ${run_options[*]:-}"

# ------------------------------------------------------------------------------- build
build_options=(--format docker --network host --build-arg "BASE_IMAGE=$base" --tag "$IMAGE")
# Behind a TLS-inspecting proxy pip needs this host's CA bundle (a public file, no secret).
ca=/etc/ssl/certs/ca-certificates.crt
[[ -s "$ca" ]] && build_options+=(--secret "id=ca-certificates,src=$ca")
build_started=$SECONDS
if ! "${P[@]}" build --quiet "${run_options[@]}" "${build_options[@]}" -f Containerfile . \
    >"$store/build.log" 2>&1; then
    tail -n30 "$store/build.log" >&2
    say "FAILED: podman build"
    exit 1
fi
size="$("${P[@]}" image inspect --format '{{.Size}}' "$IMAGE")"
say "built $IMAGE from $base in $((SECONDS - build_started)) s, $((size / 1000000)) MB"

# ------------------------------------------------------------------------------- smoke
smoke_options=()
for option in "${run_options[@]}"; do smoke_options+=("--run-option=$option"); done
.venv/bin/python deploy/ci/image_smoke.py "$IMAGE" --podman "${P[*]}" "${smoke_options[@]}"
say "passed in $((SECONDS - started)) s"
