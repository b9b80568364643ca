#!/usr/bin/env bash
# Installs the Debian packages the tests need, only when missing (idempotent; test.sh calls it):
#   xclip, xvfb   the clipboard tests (conduit request watch) use a real xclip on a private Xvfb display.
set -euo pipefail

missing=()
command -v xclip >/dev/null 2>&1 || missing+=(xclip)
command -v Xvfb >/dev/null 2>&1 || missing+=(xvfb)

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

sudo=""
if [ "$(id -u)" != "0" ]; then
  if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    echo "install-test-deps.sh: need root to install: ${missing[*]}" >&2
    exit 1
  fi
fi

echo "install-test-deps.sh: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
