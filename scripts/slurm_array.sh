#!/usr/bin/env bash
# One shard of an outpace run, comparison or sensitivity analysis, as one task
# of a Slurm array job;
# the merge is a second job (see docs/scale-out.md):
#
#   jobid=$(sbatch --parsable --array=0-99 scripts/slurm_array.sh states/ \
#             run --preset alibaba --paths 10000000 --seed 7)
#   sbatch --dependency=afterok:$jobid --wrap "outpace merge states/ --out report/"
#
# Usage: slurm_array.sh STATE_DIR COMMAND ARGS...  (COMMAND: run, compare or
# sensitivity)
# Task i of the array (from SLURM_ARRAY_TASK_MIN, 0 by default) runs shard
# i - MIN of SLURM_ARRAY_TASK_COUNT and writes its state file into STATE_DIR,
# with one thread per CPU Slurm gave it. OUTPACE names the binary (default:
# `outpace` on the PATH).
#SBATCH --job-name=outpace-shard
#SBATCH --cpus-per-task=8
#SBATCH --output=outpace-shard-%A_%a.log
set -euo pipefail

: "${SLURM_ARRAY_TASK_ID:?not a Slurm array task: submit with sbatch --array=0-N}"
: "${SLURM_ARRAY_TASK_COUNT:?not a Slurm array task: submit with sbatch --array=0-N}"
if [ "$#" -lt 2 ]; then
    echo "usage: $0 STATE_DIR run|compare|sensitivity ARGS..." >&2
    exit 2
fi
state_dir=$1
shift
shard=$((SLURM_ARRAY_TASK_ID - ${SLURM_ARRAY_TASK_MIN:-0}))
threads=()
if [ -n "${SLURM_CPUS_PER_TASK:-}" ]; then
    threads=(--threads "$SLURM_CPUS_PER_TASK")
fi
exec "${OUTPACE:-outpace}" "$@" "${threads[@]}" --quiet \
    --shard "$shard/$SLURM_ARRAY_TASK_COUNT" --out "$state_dir"
