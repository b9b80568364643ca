#!/usr/bin/env bash
# Runs every test. Installs what the tests need first (idempotent): the real agent CLIs from npm
# (pinned, into .tools/), and Debian's chromium for the browser tests.
set -euo pipefail
cd "$(dirname "$0")"

if [ -x scripts/install-agent-clis.sh ]; then scripts/install-agent-clis.sh; fi
if [ -x scripts/install-test-deps.sh ]; then scripts/install-test-deps.sh; fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
log=$(mktemp)
trap 'rm -f "$log"' EXIT

dotnet build Conduit.Sdk.sln -c Release -nologo -clp:ErrorsOnly
set +e
dotnet test Conduit.Sdk.sln -c Release --no-build -nologo "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# One plain closing line for CI: totals over every test project.
sum() { grep -oE "$1: +[0-9]+" "$log" | awk '{ s += $2 } END { print s + 0 }'; }
passed=$(sum Passed); failed=$(sum Failed); skipped=$(sum Skipped)
echo "$passed passed, $failed failed, $skipped skipped"
if [ "${passed:-0}" = "0" ] && [ "$status" = "0" ]; then
  echo "no test ran" >&2
  exit 1
fi
exit "$status"
