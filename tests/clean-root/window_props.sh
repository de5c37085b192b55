#!/usr/bin/env bash
# window_props.sh PTCOACH SCREENSHOT.png DESKTOP_FILE
# On the X display in $DISPLAY (run it under xvfb-run): starts PTCOACH with a fresh data folder,
# finds its window and checks, as a desktop would, that the window's class (WM_CLASS) is the
# StartupWMClass that DESKTOP_FILE names and that the window has an icon (_NET_WM_ICON). Saves a
# screenshot of the window and prints one line with what it found. Needs xwininfo and xprop
# (x11-utils).
set -euo pipefail
app=$1 shot=$2 desktop=$3
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

want=$(sed -n 's/^StartupWMClass=//p' "$desktop")
[ -n "$want" ] || { echo "no StartupWMClass in $desktop" >&2; exit 1; }
printf 'sleep 4\nscreenshot %s\nquit\n' "$shot" >"$dir/script"
"$app" --data-dir "$dir/data" --mute --script "$dir/script" >"$dir/app.log" 2>&1 &
pid=$!

id=""
for _ in $(seq 1 150); do  # up to 30 s for the window to appear
  id=$(xwininfo -root -tree 2>/dev/null | awk '/"PT Coach"/ {print $1; exit}')
  [ -n "$id" ] && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.2
done
if [ -z "$id" ]; then
  wait "$pid" || true
  echo "no window titled 'PT Coach' appeared; the app said:" >&2; cat "$dir/app.log" >&2
  exit 1
fi
class=$(xprop -id "$id" WM_CLASS)
icon=$(xprop -id "$id" _NET_WM_ICON | head -3 | grep -o 'Icon ([0-9]* x [0-9]*)' | head -1 || true)
rc=0
wait "$pid" || rc=$?
[ "$rc" = 0 ] || { echo "the app exited with $rc:" >&2; cat "$dir/app.log" >&2; exit 1; }
# WM_CLASS(STRING) = "instance", "class": a desktop matches StartupWMClass against the class.
got=$(sed -n 's/.*= "\(.*\)", "\(.*\)"/\2/p' <<<"$class")
[ "$got" = "$want" ] || { echo "window class '$got' ($class), but $desktop says StartupWMClass=$want" >&2; exit 1; }
[ -n "$icon" ] || { echo "the window has no _NET_WM_ICON" >&2; exit 1; }
[ -s "$shot" ] || { echo "no screenshot at $shot" >&2; exit 1; }
echo "window $id: class '$got' as $desktop names it, icon ${icon#Icon }, screenshot $shot"
