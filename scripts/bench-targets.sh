#!/usr/bin/env bash
# Every benchmark behind issue 19's table of targets, at full scale, one after another in one run,
# so that each row of docs/benchmarks.md's "One run of every target" comes from the same machine
# state. Run it on an otherwise idle machine: it records the load average before and after each
# benchmark, so a reader can tell how idle it was.
#
#   bash scripts/bench-targets.sh            (about an hour on 2 cores)
#   BENCH_TARGETS="import cascade" bash scripts/bench-targets.sh   (some of them)
#
# Each benchmark's output goes to bench/out/targets/<name>.log and its raw figures to bench/out/ as
# usual; the run's summary (commands, durations, load) to bench/out/targets/run.tsv.
set -uo pipefail
cd "$(dirname "$0")/.."

out=bench/out/targets
mkdir -p "$out"
summary=$out/run.tsv

# name | environment | npm script (with its arguments)
plan=(
  "start||bench:start"
  "import||bench:import"
  "cascade||bench:cascade"
  "decide||bench:decide"
  "ledger||bench:ledger"
  "evidence||bench:evidence"
  "console||bench:console"
  "revoke-sqlite||bench:revoke"
  "revoke-postgres|BENCH_STORE=postgres BENCH_IDENTITIES=20000 BENCH_AFFECTED=4000 BENCH_TOKENS=100000|bench:revoke"
)

load() { cut -d' ' -f1-3 /proc/loadavg; }

printf 'bench\tstart (UTC)\tseconds\texit\tload before\tload after\tcommand\n' >"$summary"
echo "commit $(git rev-parse --short HEAD)$(git diff --quiet || echo ' (with uncommitted changes)'), $(nproc) CPUs, node $(node --version)" >"$out/machine.txt"
failed=0
for row in "${plan[@]}"; do
  IFS='|' read -r name env script <<<"$row"
  if [ -n "${BENCH_TARGETS:-}" ] && ! [[ " $BENCH_TARGETS " == *" $name "* ]]; then continue; fi
  started=$(date -u +%H:%M:%S)
  before=$(load)
  t0=$SECONDS
  echo "[bench-targets] $name: ${env:+$env }npm run $script" >&2
  # shellcheck disable=SC2086 # the environment assignments are meant to split
  env $env npm run -s "$script" >"$out/$name.log" 2>&1
  rc=$?
  [ $rc = 0 ] || failed=1
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$started" "$((SECONDS - t0))" "$rc" "$before" "$(load)" "${env:+$env }npm run $script" >>"$summary"
  echo "[bench-targets] $name: exit $rc after $((SECONDS - t0)) s (load $(load))" >&2
  # Two quiet seconds between benchmarks: the load they leave behind is read before the next starts.
  sleep 2
done
column -t -s $'\t' "$summary" >&2
exit $failed
