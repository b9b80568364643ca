#!/usr/bin/env bash
# Installs the real agent CLIs that the test suite drives against Conduit.Testing's fake model API.
#
#   scripts/install-agent-clis.sh          install (or verify) the pinned versions
#   scripts/install-agent-clis.sh --force  reinstall even if the stamp matches
#
# The CLIs go into .tools/agent-clis/ (git-ignored) with npm: no global install, no sudo.
# The versions are the ones the captures in agent-cli-captures/ were recorded with; change them
# together with the captures. Idempotent: a stamp file records what was installed, and a second
# run with the same versions returns at once. A lock keeps parallel runs (CI, test runs) apart.
# Override the folder with CONDUIT_AGENT_CLIS_DIR.
set -euo pipefail

CLAUDE_PACKAGE="@anthropic-ai/claude-code@2.1.197"
CODEX_PACKAGE="@openai/codex@0.169.0"
GEMINI_PACKAGE="@google/gemini-cli@0.61.0"
PACKAGES=("$CLAUDE_PACKAGE" "$CODEX_PACKAGE" "$GEMINI_PACKAGE")
BINARIES=(claude codex gemini)

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
install_dir="${CONDUIT_AGENT_CLIS_DIR:-$repo_root/.tools/agent-clis}"
stamp_file="$install_dir/installed-versions.txt"
lock_file="$install_dir/.install.lock"
force=0
[[ "${1:-}" == "--force" ]] && force=1

command -v npm >/dev/null 2>&1 || { echo "install-agent-clis: npm is not on PATH (Node.js 20+ is required)" >&2; exit 2; }

mkdir -p "$install_dir"

expected_stamp() {
  printf '%s\n' "${PACKAGES[@]}"
  echo "node $(node --version)"
}

print_locations() {
  echo "Agent CLIs in $install_dir/node_modules/.bin:"
  for bin in "${BINARIES[@]}"; do
    echo "  $bin: $install_dir/node_modules/.bin/$bin"
  done
}

is_current() {
  [[ -f "$stamp_file" ]] || return 1
  [[ "$(cat "$stamp_file")" == "$(expected_stamp)" ]] || return 1
  for bin in "${BINARIES[@]}"; do
    [[ -x "$install_dir/node_modules/.bin/$bin" ]] || return 1
  done
}

exec 9>"$lock_file"
if command -v flock >/dev/null 2>&1; then
  flock 9
fi

if [[ $force -eq 0 ]] && is_current; then
  echo "install-agent-clis: up to date ($(tr '\n' ' ' < "$stamp_file"))"
  print_locations
  exit 0
fi

echo "install-agent-clis: installing ${PACKAGES[*]} into $install_dir"
rm -f "$stamp_file"
cat > "$install_dir/package.json" <<JSON
{
  "name": "conduit-agent-clis",
  "private": true,
  "description": "Real agent CLIs for the Conduit test suite (scripts/install-agent-clis.sh)"
}
JSON
(
  cd "$install_dir"
  npm install --no-audit --no-fund --no-update-notifier --save-exact --loglevel=error "${PACKAGES[@]}"
)

for bin in "${BINARIES[@]}"; do
  if [[ ! -x "$install_dir/node_modules/.bin/$bin" ]]; then
    echo "install-agent-clis: npm finished but $install_dir/node_modules/.bin/$bin is missing" >&2
    exit 1
  fi
done

expected_stamp > "$stamp_file"
echo "install-agent-clis: installed"
print_locations
