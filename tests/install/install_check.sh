#!/usr/bin/env bash
# install_check.sh SOURCE_DIR BUILD_DIR RESULTS_DIR
# `cmake --install BUILD --prefix /tmp/ptcoach-install-check.*/prefix`, then the installed programs run with the source
# tree gone: in a mount namespace of their own, the source folder (and the models folder it links
# to) are covered by empty ones. Checks that they list the shipped programs and exercises, load
# the installed models, have a man page naming every option their --help names (and no other),
# and open a window with the icon and the class the installed desktop entry names.
# Exit 4 (skipped, with the reason) where it cannot hide the source tree (needs root and unshare).
set -euo pipefail
src=$(realpath "$1") build=$(realpath "$2") results=$3
# The prefix goes outside the source tree (a build folder inside it is hidden with it); the
# screenshot is copied to RESULTS_DIR.
work=$(mktemp -d /tmp/ptcoach-install-check.XXXXXX)
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix
mkdir -p "$results"
fail() { echo "install check FAILED: $*" >&2; exit 1; }

cmake --install "$build" --prefix "$prefix" >"$work/install.log" 2>&1 || { cat "$work/install.log" >&2; fail "cmake --install"; }
for f in bin/ptcoach bin/ptcoach-pose bin/ptcoach-analyze bin/ptcoach-eval \
         share/ptcoach/models/pose_detection.tflite share/ptcoach/models/pose_landmark_full.tflite \
         share/ptcoach/programs/programs share/ptcoach/programs/exercises share/ptcoach/assets/ptcoach.desktop \
         share/man/man1/ptcoach.1.gz share/man/man1/ptcoach-pose.1.gz share/man/man1/ptcoach-analyze.1.gz share/man/man1/ptcoach-eval.1.gz \
         share/applications/ptcoach.desktop share/metainfo/ptcoach.metainfo.xml \
         share/icons/hicolor/scalable/apps/ptcoach.svg share/icons/hicolor/48x48/apps/ptcoach.png \
         lib/systemd/user/ptcoach-kiosk.service share/doc/ptcoach/README.kiosk; do
  [ -e "$prefix/$f" ] || fail "not installed: $f"
done
# No data folder of the source or build tree is compiled in. (A build without ccache's base_dir
# keeps the source files' absolute names in OpenCV's assertion messages: names, not paths it reads.)
for b in ptcoach ptcoach-pose ptcoach-analyze ptcoach-eval; do
  for d in "$src/programs" "$src/assets" "$src/models" "$build/share/ptcoach"; do
    ! grep -qaF "$d" "$prefix/bin/$b" || fail "$b has $d compiled in"
  done
done

[ "$(id -u)" -eq 0 ] && command -v unshare >/dev/null ||
  { echo "install check skipped: hiding the source tree needs root and unshare (util-linux)"; exit 4; }
unshare --mount true 2>/dev/null || { echo "install check skipped: unshare --mount is not allowed here"; exit 4; }

# What the installed programs must list, read while the source is still there.
programs=$(cd "$src/programs/programs" && ls *.json | sed 's/\.json$//' | sort | tr '\n' ' ')
exercises=$(cd "$src/programs/exercises" && ls *.json | sed 's/\.json$//' | sort | tr '\n' ' ')
hide=("$src")
models=$(realpath "$src/models" 2>/dev/null || true)
[ -n "$models" ] && [ "${models#"$src"/}" = "$models" ] && hide+=("$models")

cat >"$work/hidden.sh" <<'INNER'
set -euo pipefail
prefix=$1 work=$2 programs=$3 exercises=$4 window_props=$5; shift 5
for d in "$@"; do mount -t tmpfs -o size=1m,mode=0755 none "$d"; done
for d in "$@"; do [ -z "$(ls -A "$d")" ] || { echo "could not hide $d"; exit 1; }; done
unset PTCOACH_MODEL_DIR PTCOACH_PROGRAMS_DIR PTCOACH_ASSETS_DIR
export TMPDIR=$work
cd "$work"
got=$("$prefix/bin/ptcoach" --list-programs | sort | tr '\n' ' ')
[ "$got" = "$programs" ] || { echo "ptcoach --list-programs printed '$got', the source has '$programs'"; exit 1; }
got=$("$prefix/bin/ptcoach-analyze" --list-exercises | sort | tr '\n' ' ')
for e in $exercises; do [[ " $got " == *" $e "* ]] || { echo "ptcoach-analyze --list-exercises lacks $e: '$got'"; exit 1; }; done
"$prefix/bin/ptcoach-pose" --model lite --input "$prefix/share/icons/hicolor/256x256/apps/ptcoach.png" \
    --json "$work/pose.json" >"$work/pose.log" 2>&1 || { cat "$work/pose.log"; echo "ptcoach-pose with the installed models failed"; exit 1; }
grep -q '"person": false' "$work/pose.json" || { echo "ptcoach-pose wrote no frame: $(head -c 300 "$work/pose.json")"; exit 1; }
for b in ptcoach ptcoach-pose ptcoach-analyze ptcoach-eval; do
  # (--help itself: every man page has it, not every --help lists it)
  from_help=$("$prefix/bin/$b" --help | grep -o -- '--[a-z][a-z-]*' | grep -vx -- --help | sort -u | tr '\n' ' ')
  from_man=$(zcat "$prefix/share/man/man1/$b.1.gz" | sed 's/\\-/-/g' | grep -o -- '--[a-z][a-z-]*' | grep -vx -- --help | sort -u | tr '\n' ' ')
  [ "$from_help" = "$from_man" ] || { echo "$b: --help names '$from_help' but its man page '$from_man'"; exit 1; }
done
xvfb-run -a -s "-screen 0 1280x720x24" bash "$window_props" "$prefix/bin/ptcoach" "$work/installed-home.png" \
    "$prefix/share/applications/ptcoach.desktop"
INNER
cp "$src/tests/clean-root/window_props.sh" "$work/window_props.sh"
out=$(unshare --mount bash "$work/hidden.sh" "$prefix" "$work" "$programs" "$exercises" \
        "$work/window_props.sh" "${hide[@]}" 2>&1) || fail "with the source tree hidden: $out"
cp "$work/installed-home.png" "$results/installed-home.png"
echo "installed to a prefix in /tmp; with ${hide[*]} hidden: $(echo $programs | wc -w) programs, $(echo $exercises | wc -w) exercises, models loaded, man pages match --help; $out"
