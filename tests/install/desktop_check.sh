#!/usr/bin/env bash
# desktop_check.sh SOURCE_DIR VERSION
# The desktop files in assets/ validate (desktop-file-validate, appstream-util validate-relax)
# and agree with each other: the metainfo launches ptcoach.desktop, whose Icon has an SVG and
# every PNG size (each the size its folder says), whose Exec is one of the installed programs,
# and the metainfo's newest release is the project's version.
set -euo pipefail
src=$1 version=$2
a=$src/assets
fail() { echo "desktop check FAILED: $*" >&2; exit 1; }

desktop-file-validate "$a/ptcoach.desktop" "$a/kiosk/ptcoach-kiosk.desktop" || fail "desktop-file-validate"
appstream-util validate-relax --nonet "$a/ptcoach.metainfo.xml" || fail "appstream-util validate-relax"

launchable=$(sed -n 's:.*<launchable type="desktop-id">\(.*\)</launchable>.*:\1:p' "$a/ptcoach.metainfo.xml")
[ "$launchable" = ptcoach.desktop ] || fail "the metainfo launches '$launchable', not ptcoach.desktop"
release=$(grep -o '<release version="[^"]*"' "$a/ptcoach.metainfo.xml" | head -1 | cut -d'"' -f2)
[ "$release" = "$version" ] || fail "the metainfo's newest release is '$release', the project's version $version"
exec_cmd=$(sed -n 's/^Exec=\([^ ]*\).*/\1/p' "$a/ptcoach.desktop")
[ "$exec_cmd" = ptcoach ] || fail "Exec runs '$exec_cmd'"
icon=$(sed -n 's/^Icon=//p' "$a/ptcoach.desktop")
[ -f "$a/icons/$icon.svg" ] || fail "no assets/icons/$icon.svg for Icon=$icon"
grep -q '<svg' "$a/icons/$icon.svg" || fail "$icon.svg is not an SVG"
for s in 16 24 32 48 64 128 256 512; do
  png=$a/icons/hicolor/${s}x${s}/apps/$icon.png
  [ -f "$png" ] || fail "no $png"
  # PNG: 8-byte signature, then the IHDR chunk's width and height (big-endian) at bytes 16-23.
  wh=$(od -An -tu1 -j16 -N8 "$png" | awk '{print $1*16777216+$2*65536+$3*256+$4 "x" $5*16777216+$6*65536+$7*256+$8}')
  [ "$wh" = "${s}x${s}" ] || fail "$png is $wh"
done
echo "ptcoach.desktop, ptcoach-kiosk.desktop and ptcoach.metainfo.xml validate; icon '$icon' in SVG and 8 PNG sizes"
