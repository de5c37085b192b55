#!/usr/bin/env bash
# Builds a sanitizer build of the tests with clang in its own directory (CTest runs this as the
# set-up of the sanitizer and fuzz tests; see tests/CMakeLists.txt).
#   tests/sanitize/build.sh asan|tsan SOURCE_DIR BUILD_DIR
# asan: AddressSanitizer + UndefinedBehaviorSanitizer, with libFuzzer's instrumentation, the unit
#       and vision test binaries and the fuzz targets (tests/fuzz/).
# tsan: ThreadSanitizer, the vision test binary (capture worker, mailbox) and the speech test.
set -euo pipefail
kind=$1 src=$2 dir=$3
case "$kind" in
  asan) flags=(-DPTCOACH_SANITIZE=address,undefined -DPTCOACH_FUZZ=ON)
        targets=(ptcoach_unit_tests ptcoach_vision_tests fuzz_tflite fuzz_landmark_csv fuzz_exercise fuzz_program
                 fuzz_assignment fuzz_import fuzz_pose_json fuzz_database) ;;
  tsan) flags=(-DPTCOACH_SANITIZE=thread)
        targets=(ptcoach_vision_tests ptcoach_speech_tsan_test) ;;
  *) echo "build.sh: asan or tsan, not '$kind'" >&2; exit 2 ;;
esac
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
start=$(date +%s)
if [ ! -f "$dir/CMakeCache.txt" ]; then
  cmake -S "$src" -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
    "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1" "${launcher[@]}" "${flags[@]}" >"$dir.configure.log" 2>&1 || {
    cat "$dir.configure.log" >&2; exit 1; }
fi
if ! cmake --build "$dir" -j"$(nproc)" --target "${targets[@]}" >"$dir.build.log" 2>&1; then
  grep -E 'error' "$dir.build.log" | head -40 >&2
  echo "build.sh: the $kind build failed; the log is $dir.build.log" >&2
  exit 1
fi
echo "build.sh: $kind build ready in $dir ($(( $(date +%s) - start )) s)"
