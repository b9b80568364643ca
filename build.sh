#!/usr/bin/env bash
# The main job: build everything, then run a real agent CLI through Conduit against Conduit's own fake model API
# (no account, no network: everything talks to 127.0.0.1), so a newcomer sees the real flow in one command.
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

scripts/install-agent-clis.sh
dotnet build Conduit.Sdk.sln -c Release -nologo -clp:ErrorsOnly

export PATH="$PWD/.tools/agent-clis/node_modules/.bin:$PATH"
conduit() { dotnet "src/Conduit.Cli/bin/Release/net10.0/conduit.dll" "$@"; }

echo "== conduit doctor"
conduit doctor || true
for runner in claude codex gemini; do
  echo
  echo "== conduit chat \"Say hello\" --runner $runner --fake-model \"hello from $runner via Conduit\""
  conduit chat "Say hello" --runner "$runner" --fake-model "hello from $runner via Conduit"
done
