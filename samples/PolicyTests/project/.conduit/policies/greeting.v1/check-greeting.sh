#!/usr/bin/env bash
# Passes when GREETING.md in the workspace greets the person named in the run's input.
set -euo pipefail
name=$(printf '%s' "$CONDUIT_RUN_INPUT_JSON" | sed -n 's/.*"name": *"\([^"]*\)".*/\1/p')
if ! grep -qi "hello.*$name" "$CONDUIT_WORKSPACE_PATH/GREETING.md" 2>/dev/null; then
  echo "GREETING.md is missing or does not greet $name"
  exit 1
fi
echo "GREETING.md greets $name"
