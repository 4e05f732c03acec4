#!/usr/bin/env bash
# Installs what the test suite needs on a fresh Debian machine: busybox-static (the rootfs of
# test containers), tmux (end-to-end TUI test), iproute2 and procps/psmisc/lsof (reference tools),
# gcc (compiles tests/fixtures/child.c), python3 (memfd exec test) and kubernetes-validate
# (deployment manifests).
set -euo pipefail
need=()
command -v busybox >/dev/null 2>&1 || [ -x /bin/busybox ] || need+=(busybox-static)
command -v tmux >/dev/null 2>&1 || need+=(tmux)
command -v ss >/dev/null 2>&1 || need+=(iproute2)
command -v pstree >/dev/null 2>&1 || need+=(psmisc)
command -v ps >/dev/null 2>&1 || need+=(procps)
command -v unshare >/dev/null 2>&1 || need+=(util-linux)
command -v gcc >/dev/null 2>&1 || need+=(gcc libc6-dev)
command -v python3 >/dev/null 2>&1 || need+=(python3)
if [ ${#need[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ]; then
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
    else
        echo "tests/setup.sh: missing ${need[*]} (run as root to install)" >&2
    fi
fi
# kubernetes-validate (PyPI) checks assets/deploy/ against the bundled Kubernetes schemas, offline.
if ! command -v kubernetes-validate >/dev/null 2>&1; then
    python3 -m pip install -q --disable-pip-version-check kubernetes-validate >/dev/null 2>&1 \
        || echo "tests/setup.sh: could not install kubernetes-validate" >&2
    command -v pyenv >/dev/null 2>&1 && pyenv rehash || true
fi
