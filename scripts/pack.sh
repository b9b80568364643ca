#!/usr/bin/env bash
# Packs every package of the solution into a local folder, then installs the `conduit` tool from that folder the way a
# user would, and runs `conduit --version`.
#
#   scripts/pack.sh                                   # Release build, packages in artifacts/packages, tool in artifacts/tool
#   scripts/pack.sh --output DIR --tool-path DIR      # elsewhere
#   scripts/pack.sh --no-build --configuration Debug  # pack what is already built (the packaging test does this)
#   scripts/pack.sh --no-install                      # packages only
#
# Then, as a user: dotnet tool install --global conduit --add-source artifacts/packages
#
# The install step reads only the local folder (a throwaway nuget.config with that one source): the tool package
# carries all its dependencies, so no registry is asked.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

configuration=Release
output="$PWD/artifacts/packages"
tool_path="$PWD/artifacts/tool"
build=1
install=1
while [ $# -gt 0 ]; do
  case "$1" in
    -c|--configuration) configuration="$2"; shift 2 ;;
    -o|--output) output="$2"; shift 2 ;;
    --tool-path) tool_path="$2"; shift 2 ;;
    --no-build) build=0; shift ;;
    --no-install) install=0; shift ;;
    -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "pack.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done

version=$(dotnet msbuild src/Conduit.Cli/Conduit.Cli.csproj -getProperty:Version -p:Configuration="$configuration")
mkdir -p "$output"
output=$(cd "$output" && pwd)
# Old packages of the same version would be served instead of the new ones: start clean.
rm -f "$output"/*.nupkg "$output"/*.snupkg

pack_args=(-c "$configuration" -o "$output" -nologo -clp:ErrorsOnly)
if [ "$build" = 0 ]; then pack_args+=(--no-build); fi
dotnet pack Conduit.Sdk.sln "${pack_args[@]}"
echo "packages ($version) in $output:"
(cd "$output" && ls -1 ./*.nupkg ./*.snupkg | sed 's|^\./|  |')

if [ "$install" = 0 ]; then exit 0; fi

mkdir -p "$tool_path"
tool_path=$(cd "$tool_path" && pwd)
config=$(mktemp -d)
trap 'rm -rf "$config"' EXIT
cat > "$config/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="local" value="$output" />
  </packageSources>
</configuration>
XML

# Reinstalling the same version is a no-op for dotnet tool, so replace an earlier install.
if [ -e "$tool_path/conduit" ]; then dotnet tool uninstall conduit --tool-path "$tool_path" >/dev/null; fi
dotnet tool install conduit --tool-path "$tool_path" --version "$version" --configfile "$config/nuget.config"
# The tool's launcher finds the runtime through DOTNET_ROOT when dotnet is not in a standard location.
export DOTNET_ROOT="${DOTNET_ROOT:-$(dirname "$(readlink -f "$(command -v dotnet)")")}"
echo "$tool_path/conduit --version"
"$tool_path/conduit" --version
