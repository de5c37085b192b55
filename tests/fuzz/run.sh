#!/usr/bin/env bash
# Runs one libFuzzer target of an asan build (tests/sanitize/build.sh asan SRC DIR) for a bounded
# time, seeded from the files PT Coach ships, and prints how many cases it ran.
#   tests/fuzz/run.sh BUILD_DIR TARGET SECONDS
# e.g. the documented 10-minute run of every target:
#   for t in tflite landmark_csv exercise program assignment import pose_json database; do
#     tests/fuzz/run.sh build/asan fuzz_$t 600; done
# New interesting inputs collect in BUILD_DIR/fuzz-corpus/TARGET, a crash or a hang (over 10 s
# for one input) is saved in BUILD_DIR/fuzz-artifacts/TARGET/ and fails the run.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
dir=$1 target=$2 seconds=$3
bin="$dir/bin/$target"
[ -x "$bin" ] || { echo "run.sh: $bin is not built (tests/sanitize/build.sh asan $src $dir)" >&2; exit 1; }
corpus="$dir/fuzz-corpus/$target" artifacts="$dir/fuzz-artifacts/$target"
mkdir -p "$corpus" "$artifacts"
seeds=()
maxlen=()
case "$target" in
  fuzz_tflite)
    # The detector and the lite landmark model (the full and heavy ones only repeat their layout
    # with more weights). Without the models (./setup.sh fetches them) there is nothing to seed.
    for m in pose_detection pose_landmark_lite; do
      [ -f "$src/models/$m.tflite" ] && seeds+=("$src/models/$m.tflite")
    done
    [ ${#seeds[@]} -gt 0 ] || { echo "SKIPPED: no models in $src/models (run ./setup.sh)"; exit 4; }
    maxlen=(-max_len=3100000) ;;
  fuzz_landmark_csv) seeds=("$here/seeds/landmark_csv") ;;
  fuzz_exercise) seeds=("$src/programs/exercises") ;;
  fuzz_program) seeds=("$src/programs/programs") ;;
  fuzz_assignment) seeds=("$here/seeds/assignment") ;;
  fuzz_import) seeds=("$src/programs/programs" "$here/seeds/assignment") ;;
  fuzz_pose_json) seeds=("$here/seeds/pose_json") ;;
  fuzz_database)
    # A database as PT Coach writes it: made by the target itself, with a patient and a session.
    mkdir -p "$dir/fuzz-seeds/database"
    PTCOACH_FUZZ_MAKE_SEED="$dir/fuzz-seeds/database/ptcoach.db" "$bin" >/dev/null 2>&1 || {
      echo "run.sh: could not make the database seed" >&2; exit 1; }
    seeds=("$dir/fuzz-seeds/database") ;;
  *) echo "run.sh: unknown target $target" >&2; exit 2 ;;
esac
# A seed list of files becomes a folder, since libFuzzer reads folders.
seeddir="$dir/fuzz-seeds/$target"
mkdir -p "$seeddir"
for s in "${seeds[@]}"; do
  if [ -d "$s" ]; then cp -f "$s"/* "$seeddir"/ 2>/dev/null; else cp -f "$s" "$seeddir"/; fi
done
log="$dir/fuzz-$target.log"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
"$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2560 -print_final_stats=1 "${maxlen[@]}" \
  -artifact_prefix="$artifacts/" "$corpus" "$seeddir" >"$log" 2>&1
rc=$?
runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
found=$(ls "$artifacts" | wc -l)
echo "$target: ${runs:-0} cases in ${seconds} s, $found crashes/hangs saved, corpus $(ls "$corpus" | wc -l) inputs (log: $log)"
if [ $rc -ne 0 ] || [ "$found" -ne 0 ]; then
  grep -E 'ERROR|SUMMARY|error without|runtime error|timeout|Test unit written' "$log" | head -20
  exit 1
fi
