#!/usr/bin/env bash
# Runs every performance measurement of docs/performance.md and prints each target as a ratio against a baseline
# measured in the same run. Not part of CI (CI only builds the benchmark projects).
#
#   benchmarks/run.sh              everything
#   benchmarks/run.sh parsers      one part: parsers | runner | cli-start | end-to-end | fan-out (several may be given)
#
# Needs: the .NET SDK, Node.js/npm (the agent CLIs and the Agent SDK), hyperfine (installed with apt-get when missing
# and running as root). Installs, idempotently: the agent CLIs (scripts/install-agent-clis.sh) and
# @anthropic-ai/claude-agent-sdk (pinned, below) into .tools/. Results (BenchmarkDotNet reports, hyperfine JSON, the
# load test's table) go to artifacts/performance/. Run it on a quiet machine: every figure is a ratio to a baseline
# measured in the same run, but a busy machine still blurs them.
set -euo pipefail

AGENT_SDK_PACKAGE="@anthropic-ai/claude-agent-sdk@0.3.328"
HYPERFINE_RUNS="${HYPERFINE_RUNS:-20}"

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$repo/artifacts/performance"
tools="$repo/.tools"
mkdir -p "$out"
parts=("$@")
[[ ${#parts[@]} -eq 0 ]] && parts=(parsers runner cli-start end-to-end fan-out)
wants() { local p; for p in "${parts[@]}"; do [[ "$p" == "$1" ]] && return 0; done; return 1; }

say() { printf '\n== %s\n' "$*"; }
say "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $(date -u '+%Y-%m-%d %H:%M UTC')"

need_hyperfine() {
  command -v hyperfine >/dev/null 2>&1 && return 0
  if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
    apt-get install -y hyperfine >/dev/null 2>&1 || { apt-get update >/dev/null 2>&1 && apt-get install -y hyperfine >/dev/null; }
  fi
  command -v hyperfine >/dev/null 2>&1 || { echo "run.sh: hyperfine is needed (apt-get install hyperfine)" >&2; exit 2; }
}

# hyperfine JSON -> "name median_ms" lines; ratio of two medians.
medians() { python3 -c 'import json,sys
for r in json.load(open(sys.argv[1]))["results"]: print(r["command"], "%.1f" % (r["median"]*1000))' "$1"; }
median_of() { python3 -c 'import json,sys
r=[r for r in json.load(open(sys.argv[1]))["results"] if r["command"]==sys.argv[2]][0]; print("%.1f" % (r["median"]*1000))' "$1" "$2"; }
ratio() { python3 -c 'import sys; print("%.3f" % (float(sys.argv[1])/float(sys.argv[2])))' "$1" "$2"; }

say "build (Release)"
dotnet build -c Release "$repo/src/Conduit.Cli" -v q -nologo >/dev/null
dotnet build -c Release "$repo/benchmarks/Conduit.Runners.Benchmarks" -v q -nologo >/dev/null
dotnet build -c Release "$repo/benchmarks/Conduit.LoadTest" -v q -nologo >/dev/null
cli_dir="$repo/src/Conduit.Cli/bin/Release/net10.0"
bench_dir="$repo/benchmarks/Conduit.Runners.Benchmarks/bin/Release/net10.0"
load_test="$repo/benchmarks/Conduit.LoadTest/bin/Release/net10.0/Conduit.LoadTest.dll"

if wants parsers; then
  say "parsers: each provider's stream parser over its real captures (BenchmarkDotNet, MemoryDiagnoser)"
  (cd "$bench_dir" && dotnet Conduit.Runners.Benchmarks.dll --filter '*ParserBenchmarks*' --artifacts "$out/parsers") | tee "$out/parsers.log" | sed -n '/^| Method/,/^$/p'
fi

if wants runner; then
  say "runner overhead: fake agent through IAgentRunner vs started by hand with Process (BenchmarkDotNet)"
  (cd "$bench_dir" && dotnet Conduit.Runners.Benchmarks.dll --filter '*RunnerOverheadBenchmarks*' --artifacts "$out/runner") | tee "$out/runner.log" | sed -n '/^| Method/,/^$/p'
fi

if wants cli-start; then
  need_hyperfine
  say "CLI start: conduit --version (JIT, ReadyToRun, Native AOT) vs a .NET hello-world start (the fake agent, no options)"
  r2r="$out/publish-r2r" aot="$out/publish-aot"
  # CONDUIT_BENCH_REUSE_PUBLISH=1 keeps earlier ReadyToRun / AOT publishes (each takes minutes).
  if [[ "${CONDUIT_BENCH_REUSE_PUBLISH:-0}" != 1 || ! -x "$r2r/conduit" ]]; then
    dotnet publish "$repo/src/Conduit.Cli" -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -o "$r2r" -v q -nologo >/dev/null
  fi
  commands=("$bench_dir/fake-agent" "$cli_dir/conduit --version" "$r2r/conduit --version")
  names=("hello-world" "conduit-jit" "conduit-r2r")
  if [[ "${CONDUIT_BENCH_REUSE_PUBLISH:-0}" != 1 || ! -x "$aot/conduit" ]]; then
    # As the build is configured (warnings are errors), then with the trim/AOT warnings allowed, to see whether the
    # binary works at all; docs/performance.md says why the first fails.
    if dotnet publish "$repo/src/Conduit.Cli" -c Release -r linux-x64 -p:PublishAot=true -o "$aot" -nologo >"$out/publish-aot.log" 2>&1; then
      echo "Native AOT: published with warnings as errors"
    else
      echo "Native AOT as configured fails: $(grep -oE 'error (IL|NETSDK)[0-9]+' "$out/publish-aot.log" | sort | uniq -c | tr -s ' \n' ' ')"
      dotnet publish "$repo/src/Conduit.Cli" -c Release -r linux-x64 -p:PublishAot=true -p:TreatWarningsAsErrors=false -o "$aot" -nologo \
        >"$out/publish-aot-warnings.log" 2>&1 || echo "Native AOT with warnings allowed fails too (see $out/publish-aot-warnings.log)"
      echo "Native AOT with warnings allowed: $(grep -oE 'warning IL[0-9]+' "$out/publish-aot-warnings.log" | sort -u | wc -l) distinct trim/AOT warnings"
    fi
    # Restore the JIT build of the CLI the other parts run (publishing rebuilt its dependencies with other properties).
    dotnet build -c Release "$repo/src/Conduit.Cli" -v q -nologo >/dev/null
  fi
  if [[ -x "$aot/conduit" ]] && "$aot/conduit" --version >/dev/null 2>&1; then
    commands+=("$aot/conduit --version"); names+=("conduit-aot")
  elif [[ -x "$aot/conduit" ]]; then
    echo "Native AOT binary does not run: $("$aot/conduit" --version 2>&1 | head -3)"
  fi
  args=()
  for i in "${!commands[@]}"; do args+=(-n "${names[$i]}" "${commands[$i]}"); done
  hyperfine -N --warmup 3 --runs "$HYPERFINE_RUNS" --export-json "$out/cli-start.json" "${args[@]}" >"$out/cli-start.log"
  base="$(median_of "$out/cli-start.json" hello-world)"
  for name in "${names[@]}"; do
    m="$(median_of "$out/cli-start.json" "$name")"
    echo "$name: median $m ms, ratio to hello-world $(ratio "$m" "$base"), CPU $(python3 -c 'import json,sys
r=[r for r in json.load(open(sys.argv[1]))["results"] if r["command"]==sys.argv[2]][0]; print("%.0f ms user + %.0f ms system" % (r["user"]*1000, r["system"]*1000))' "$out/cli-start.json" "$name")"
  done
fi

if wants end-to-end; then
  need_hyperfine
  say "end to end: conduit chat vs bare claude -p vs the Agent SDK's query(), the real claude CLI against the fake model API"
  bash "$repo/scripts/install-agent-clis.sh" >/dev/null
  sdk="$tools/agent-sdk"
  mkdir -p "$sdk"
  if [[ "$(cat "$sdk/installed.txt" 2>/dev/null)" != "$AGENT_SDK_PACKAGE" ]]; then
    npm install --prefix "$sdk" --no-audit --no-fund --silent "$AGENT_SDK_PACKAGE" >/dev/null
    echo "$AGENT_SDK_PACKAGE" >"$sdk/installed.txt"
  fi
  cp "$repo/benchmarks/agent-sdk/query.mjs" "$sdk/query.mjs"
  claude="$tools/agent-clis/node_modules/.bin/claude"

  # One fake model API for every command; its environment, sourced into the shell hyperfine runs from.
  work="$(mktemp -d)"
  fifo="$work/stop" envfile="$work/fake-model.env"
  mkfifo "$fifo"
  dotnet "$load_test" fake-model-env "$envfile" <"$fifo" >"$work/fake-model.log" 2>&1 &
  server=$!
  exec 9>"$fifo"
  trap 'exec 9>&-; wait '"$server"' 2>/dev/null || true; rm -rf "'"$work"'"' EXIT
  for _ in $(seq 1 200); do [[ -s "$envfile" ]] && break; sleep 0.1; done
  [[ -s "$envfile" ]] || { echo "the fake model API did not start: $(cat "$work/fake-model.log")" >&2; exit 1; }
  mkdir -p "$work/conduit-home" "$work/project"
  printf 'conduit:\n  defaultRunner: claude\n  runners:\n    claude: { executable: "%s" }\n' "$claude" >"$work/conduit-home/config.yaml"
  (
    set -a
    # shellcheck disable=SC1090
    . "$envfile"
    set +a
    mkdir -p "$HOME"
    export CONDUIT_HOME="$work/conduit-home" CLAUDE_EXECUTABLE="$claude"
    cd "$work/project"
    hyperfine -N --warmup 2 --runs "$HYPERFINE_RUNS" --export-json "$out/end-to-end.json" \
      -n claude-p "$claude -p hello --output-format stream-json --verbose" \
      -n conduit-chat "$cli_dir/conduit chat hello --runner claude" \
      -n agent-sdk "node $sdk/query.mjs hello" >"$out/end-to-end.log"
  )
  base="$(median_of "$out/end-to-end.json" claude-p)"
  for name in claude-p conduit-chat agent-sdk; do
    m="$(median_of "$out/end-to-end.json" "$name")"
    echo "$name: median $m ms, ratio to claude -p $(ratio "$m" "$base")"
  done
fi

if wants fan-out; then
  say "fan-out: 100 concurrent 1-second runs through conduit serve vs the same agents started directly"
  dotnet "$load_test" --conduit "$cli_dir/conduit.dll" --runs 100 --agent-ms 1000 --rounds 3 | tee "$out/fan-out.log"
fi

say "done; reports in $out (load average now $(cut -d' ' -f1-3 /proc/loadavg))"
