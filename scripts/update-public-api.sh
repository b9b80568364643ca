#!/usr/bin/env bash
# Regenerates src/*/PublicAPI.Unshipped.txt from the code, for every package (or the ones named:
# scripts/update-public-api.sh Conduit.Server Conduit.Cli).
#
# Every package's public API is pinned by Microsoft.CodeAnalysis.PublicApiAnalyzers: a public member that is not listed
# fails the build with RS0016, a listed one that no longer exists with RS0017. After changing public API on purpose, run
# this script and review the diff of the PublicAPI.*.txt files: it is the API change.
#
# Nothing has been released yet, so every entry lives in PublicAPI.Unshipped.txt and PublicAPI.Shipped.txt holds only
# its header. At a release, move the Unshipped lines into Shipped.
#
# The fixer is run one project at a time: on the whole solution, `dotnet format` applies the fix to one project only.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

if [ $# -gt 0 ]; then
  projects=()
  for name in "$@"; do projects+=("src/$name/$name.csproj"); done
else
  projects=(src/*/*.csproj)
fi

dotnet restore Conduit.Sdk.sln -nologo -v quiet
for project in "${projects[@]}"; do
  dir=$(dirname "$project")
  [ -f "$dir/PublicAPI.Shipped.txt" ] || printf '#nullable enable\n' > "$dir/PublicAPI.Shipped.txt"
  # Start from the header so that removed and renamed members disappear too.
  printf '#nullable enable\n' > "$dir/PublicAPI.Unshipped.txt"
  echo "== $project"
  dotnet format analyzers "$project" --diagnostics RS0016 RS0017 --severity warn --no-restore
  echo "   $(($(wc -l < "$dir/PublicAPI.Unshipped.txt") - 1)) public API entries"
done
