#!/usr/bin/env bash
# Installs what the test suites need beyond the .NET SDK (Debian packages), only what is missing:
#   chromium      the daemon's browser tests (/status, /docs, /playground).
#   xclip, xvfb   the clipboard tests (conduit request watch) use a real xclip on a private Xvfb display.
#   postgresql    the scale-out tests (tests/Conduit.Clustering.Tests) start a throwaway PostgreSQL server of their own
#                 (initdb + pg_ctl in a temp dir, as the `postgres` user the package creates); nothing uses the
#                 package's own cluster.
# Idempotent: does nothing when everything is already there. test.sh calls it.
set -euo pipefail

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v xclip >/dev/null 2>&1 || need+=(xclip)
command -v Xvfb >/dev/null 2>&1 || need+=(xvfb)
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null && id postgres >/dev/null 2>&1 || need+=(postgresql)

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
