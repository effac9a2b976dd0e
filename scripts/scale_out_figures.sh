#!/usr/bin/env bash
# The figures of docs/performance.md, "Scale-out": times of one process, of
# mpirun -np 1, 2 and 3 and of -np 1 unbound (if the binary has the `mpi` feature and mpirun exists),
# of three shards run one after the other and of their merge, and the size of a
# shard's state file against the number of paths, split into the per-path
# outputs and the rest. Ratios are to the single process of the same run.
#
# Usage: scripts/scale_out_figures.sh [BINARY]   (default target/release/outpace)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-target/release/outpace}
paths=${PATHS:-100000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
args=(run --preset alibaba --paths "$paths" --seed 7 -q)

seconds() { # seconds COMMAND...: wall time of the command, in seconds
  local start end
  start=$(date +%s.%N)
  "$@" >/dev/null
  end=$(date +%s.%N)
  echo "$end - $start" | bc -l
}
ratio() { echo "scale=2; $1 / $2" | bc -l; }

single=$(seconds "$bin" "${args[@]}" --out "$work/single")
printf 'one process, %d paths: %.2f s (1.00)\n' "$paths" "$single"
if command -v mpirun >/dev/null && strings "$bin" | grep OUTPACE_MPI_FAULT >/dev/null; then
  for np in 1 2 3; do
    t=$(seconds mpirun --allow-run-as-root --oversubscribe -np "$np" "$bin" "${args[@]}" --out "$work/np$np")
    diff -r "$work/single" "$work/np$np" >/dev/null || { echo "np $np differs" >&2; exit 1; }
    printf 'mpirun -np %d: %.2f s (%s)\n' "$np" "$t" "$(ratio "$t" "$single")"
  done
  # Open MPI binds a rank to one core when there are at most two: unbound, a
  # lone rank's threads get every core.
  t=$(seconds mpirun --allow-run-as-root --oversubscribe --bind-to none -np 1 "$bin" "${args[@]}" --out "$work/np1-unbound")
  diff -r "$work/single" "$work/np1-unbound" >/dev/null || { echo "np 1 unbound differs" >&2; exit 1; }
  printf 'mpirun -np 1 --bind-to none: %.2f s (%s)\n' "$t" "$(ratio "$t" "$single")"
fi
shards=0
for i in 0 1 2; do
  t=$(seconds "$bin" "${args[@]}" --shard "$i/3" --out "$work/states")
  shards=$(echo "$shards + $t" | bc -l)
done
printf '3 shards one after the other: %.2f s (%s)\n' "$shards" "$(ratio "$shards" "$single")"
merge=$(seconds "$bin" merge "$work/states" --out "$work/merged" -q)
diff -r "$work/single" "$work/merged" >/dev/null || { echo "merge differs" >&2; exit 1; }
printf 'merge of the 3 state files: %.3f s (%s)\n' "$merge" "$(ratio "$merge" "$single")"

echo "state file of one shard (0/1) against paths: total, per-path outputs, rest (bytes)"
for n in 2000 20000 200000; do
  "$bin" run --preset alibaba --paths "$n" --seed 7 -q --shard 0/1 --out "$work/size-$n"
  python3 - "$work/size-$n/outpace-shard-0-of-1.json" "$n" <<'PY'
import json, os, sys
path, n = sys.argv[1], int(sys.argv[2])
state = json.load(open(path))
outcome = state["scenarios"][0]["outcome"]
per_path = sum(len(json.dumps(p["times"], separators=(",", ":"))) for p in outcome["passages"])
per_path += sum(len(json.dumps(s["values"], separators=(",", ":"))) for s in outcome["scalars"] if s["values"])
total = os.path.getsize(path)
print(f"  {n:>7} paths: {total:>10}  {per_path:>10}  {total - per_path:>8}")
PY
done
