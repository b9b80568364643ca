#!/usr/bin/env bash
# Regenerates the documents and golden files that are generated from the code, after commands, routes or the
# OpenAPI document changed on purpose:
#   docs/cli-reference.md                         from the System.CommandLine definitions (Conduit.Cli.Tests)
#   tests/Conduit.Server.Tests/Golden/openapi.json from the running daemon (Conduit.Server.Tests)
#   docs/http-api-reference.md                    from that OpenAPI document (Conduit.Server.Tests)
# Review the diff: it is the change users see. Without UPDATE_GOLDEN, the same tests fail when a file is out of date.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export UPDATE_GOLDEN=1

dotnet test tests/Conduit.Cli.Tests -nologo --filter "FullyQualifiedName~Conduit.Cli.Tests.Reference"
dotnet test tests/Conduit.Server.Tests -nologo --filter "FullyQualifiedName~Conduit.Server.Tests.DocsTests|FullyQualifiedName~Conduit.Server.Tests.Reference"
git status --short -- docs tests/Conduit.Server.Tests/Golden
