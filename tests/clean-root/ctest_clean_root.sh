#!/usr/bin/env bash
# ctest_clean_root.sh WORK_DIR DEB
# The CTest face of clean_root_check.sh: setup.sh's package step, then the .deb that the
# "install: cpack" test made, each in a clean debootstrap root. It takes several minutes and
# downloads about a gigabyte from the Debian mirror, so it runs in CI (CI=true) or when asked
# (PTCOACH_CLEAN_ROOT=1), and skips, saying so, otherwise.
set -euo pipefail
work=$1 deb=$2
if [ "${CI:-}" != true ] && [ "${PTCOACH_CLEAN_ROOT:-0}" != 1 ]; then
  echo "clean-root check skipped: it runs in CI (CI=true) or with PTCOACH_CLEAN_ROOT=1 (several minutes, about 1 GB from the Debian mirror); or run tests/clean-root/clean_root_check.sh"
  exit 4
fi
[ -f "$deb" ] || { echo "clean-root: no package at $deb (the 'install: cpack -G DEB' test makes it)" >&2; exit 1; }
exec bash "$(dirname "$0")/clean_root_check.sh" --work "$work" packages deb "$deb"
