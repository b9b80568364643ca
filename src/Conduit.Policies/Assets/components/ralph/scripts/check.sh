#!/usr/bin/env bash
# Conduit check "ralph": passes when the agent said DONE in this attempt.
# It reads only the agent's own output of the current attempt ($CONDUIT_ATTEMPT_OUTPUT/agent.final.txt and
# agent.stdout.log), never the prompt or the retry feedback beside them, and ignores lines quoting its own failure
# message, so "DONE not found" cannot make a later attempt pass by itself (the original searched the whole folder).
set -uo pipefail

dir="${CONDUIT_ATTEMPT_OUTPUT:?CONDUIT_ATTEMPT_OUTPUT is not set: run this as a Conduit check}"
attempt="${CONDUIT_ATTEMPT_INDEX:-?}"
files=()
for name in agent.final.txt agent.stdout.log; do
  if [ -f "$dir/$name" ]; then
    files+=("$dir/$name")
  fi
done

if [ "${#files[@]}" -gt 0 ] && grep -h -v -F 'ralph: DONE not found' "${files[@]}" | grep -q -F 'DONE'; then
  echo "ralph: DONE found in the agent output of attempt $attempt"
  exit 0
fi

echo "ralph: DONE not found in the agent output of attempt $attempt; say DONE when the task is complete" >&2
exit 1
