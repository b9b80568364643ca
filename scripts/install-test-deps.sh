#!/usr/bin/env bash
# Installs what the test suites need beyond the .NET SDK: Debian's chromium for the daemon's browser tests.
# Idempotent: does nothing when everything is already there.
set -euo pipefail

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)

if [ ${#need[@]} -eq 0 ]; then
  echo "install-test-deps: nothing to install"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
    echo "install-test-deps: need root to install ${need[*]} (apt-get)" >&2
    exit 1
  fi
else
  SUDO=
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
echo "install-test-deps: installed ${need[*]}"
