#!/usr/bin/env bash
# A soak run (not a CI test): the app runs guided sessions, one after another, on a looped 720p
# video for MINUTES (default 60) under Xvfb, and records its resident memory and frame times
# every minute (ptcoach --stats). At the end it prints the table and the growth.
#
#   tests/soak/soak.sh [MINUTES] [OUT_DIR]        (from the repository root, after ./setup.sh)
#
# Needs ../shared/data/videos/standing_curl_side.mp4 and xvfb-run. The figures are in
# OUT_DIR/stats.tsv (default build/soak/), the app's log in OUT_DIR/app.log.
set -euo pipefail
cd "$(dirname "$0")/../.."
MINUTES=${1:-60}
OUT=${2:-build/soak}
SHARED=${PTCOACH_SHARED_DIR:-../shared}
VIDEO_IN="$SHARED/data/videos/standing_curl_side.mp4"
[ -f "$VIDEO_IN" ] || { echo "soak: $VIDEO_IN is missing" >&2; exit 1; }
cmake --build build --target ptcoach ptcoach_soak_video -j"$(nproc)" >/dev/null
rm -rf "$OUT/data" "$OUT/stats.tsv"
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
VIDEO="$OUT/curl_720p.mp4"
# The run uses its own copy of the binary, so a rebuild meanwhile does not touch it.
cp build/bin/ptcoach "$OUT/ptcoach"
[ -f "$VIDEO" ] || build/bin/ptcoach_soak_video "$VIDEO_IN" "$VIDEO" 5

# One session after another: the check-in, the set (the video's curls), pain after, the summary.
# Far more cycles than an hour needs; the run is ended after MINUTES.
{
  for i in $(seq 1 2000); do
    cat <<'CYCLE'
wait-for Start the session 120
click 2
click None of these
click Start the session
wait-for See my summary 900
click 2
click See my summary
wait-for Session saved 60
click Another session
CYCLE
  done
  echo quit
} > "$OUT/soak.script"

echo "soak: $MINUTES minutes on $VIDEO; figures every minute in $OUT/stats.tsv"
xvfb-run -a -s '-screen 0 1280x720x24' sh -c 'echo $$ > "$0/app.pid"; exec "$@"' "$OUT" \
  "$OUT/ptcoach" --data-dir "$OUT/data" --mute --window-size 1280x720 --video "$VIDEO" \
  --screen session --exercise standing_curl --stats "$OUT/stats.tsv" --script "$OUT/soak.script" \
  > "$OUT/app.log" 2>&1 &
RUNNER=$!
sleep 2
APP=$(cat "$OUT/app.pid")
END=$(( $(date +%s) + MINUTES * 60 + 5 ))
while [ "$(date +%s)" -lt "$END" ] && kill -0 "$APP" 2>/dev/null; do sleep 5; done
if kill -0 "$APP" 2>/dev/null; then
  kill -TERM "$APP"
else
  echo "soak: the app ended early; see $OUT/app.log" >&2
fi
wait "$RUNNER" || true

cat "$OUT/stats.tsv"
# Growth: resident memory of minute 5 (after warm-up) against the last minute; frame times of
# minutes 2-6 against the last five.
awk -F'\t' '!/^#/ { n++; rss[n]=$3; ui[n]=$5; pose[n]=$8; saved=$10 }
  END {
    if (n < 7) { print "soak: too short to judge (" n " minutes)"; exit }
    base = rss[5]; last = rss[n];
    for (i = 2; i <= 6; i++) { u0 += ui[i]; p0 += pose[i] }
    for (i = n - 4; i <= n; i++) { u1 += ui[i]; p1 += pose[i] }
    printf "soak: %d minutes, %d sessions saved\n", n, saved
    printf "soak: RSS minute 5 %d kB, minute %d %d kB: growth %+.1f%%\n", base, n, last, 100 * (last - base) / base
    printf "soak: UI frame median, minutes 2-6 %.2f ms, last 5 %.2f ms; pose median %.2f ms -> %.2f ms\n", u0/5, u1/5, p0/5, p1/5
  }' "$OUT/stats.tsv"
