#!/usr/bin/env bash
# Conduit hooks "jingle-success" / "jingle-failure": announce the end of a run, quietly. Prints one line (kept in the
# hook's log) and rings the terminal bell only when standard output is a terminal, which it is not under Conduit.
outcome="${1:-finished}"
printf 'conduit: run %s %s (project %s, policy %s)\n' \
  "${CONDUIT_RUN_ID:-?}" "$outcome" "${CONDUIT_PROJECT_ID:-?}" "${CONDUIT_POLICY_ID:-?}"
if [ -t 1 ]; then
  printf '\a'
fi
