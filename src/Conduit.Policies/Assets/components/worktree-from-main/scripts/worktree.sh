#!/usr/bin/env bash
# Conduit before_attempt hook "worktree-from-main": gives each attempt a fresh detached git worktree and tells Conduit
# to run the agent and the checks there, by writing {"workspace_path": "..."} to $CONDUIT_HOOK_OUTPUT_PATH.
# The worktree is <project>/.conduit/worktrees/<run_id>/attempt-<n>, at the first of $CONDUIT_BASELINE_REF, origin/main,
# main, origin/master, master and HEAD that names a commit. It is left in place for inspection; remove it with
# `git worktree remove <dir>` (or `git worktree prune` after deleting .conduit/worktrees). Needs only bash and git.
set -euo pipefail

project="${CONDUIT_PROJECT_PATH:-$PWD}"
if ! git -C "$project" rev-parse --git-dir >/dev/null 2>&1; then
  echo "worktree-from-main: $project is not a git repository" >&2
  exit 1
fi

baseline=""
for candidate in "${CONDUIT_BASELINE_REF:-}" origin/main main origin/master master HEAD; do
  if [ -n "$candidate" ] && git -C "$project" rev-parse --verify --quiet "${candidate}^{commit}" >/dev/null; then
    baseline="$candidate"
    break
  fi
done
if [ -z "$baseline" ]; then
  echo "worktree-from-main: no commit to start from (tried ${CONDUIT_BASELINE_REF:-the baseline ref}, origin/main, main, origin/master, master, HEAD); commit first" >&2
  exit 1
fi

target="$project/.conduit/worktrees/${CONDUIT_RUN_ID:-manual}/attempt-${CONDUIT_ATTEMPT_INDEX:-0}"
if [ -e "$target" ]; then
  git -C "$project" worktree remove --force "$target" >/dev/null 2>&1 || rm -rf "$target"
  git -C "$project" worktree prune
fi
mkdir -p "$(dirname "$target")"
git -C "$project" worktree add --quiet --detach "$target" "$baseline"
echo "worktree-from-main: $target at $baseline ($(git -C "$target" rev-parse --short HEAD))"

if [ -n "${CONDUIT_HOOK_OUTPUT_PATH:-}" ]; then
  escaped=$(printf '%s' "$target" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g')
  printf '{"workspace_path": "%s"}\n' "$escaped" > "$CONDUIT_HOOK_OUTPUT_PATH"
fi
