#!/usr/bin/env bash
# deb_check.sh BUILD_DIR WORK_DIR VERSION
# cpack -G DEB from the build folder makes ptcoach_<VERSION>_<arch>.deb (into WORK_DIR): its
# Depends come from dpkg-shlibdeps (the OpenCV, SDL2, libpq, libsodium ... packages), it holds the
# programs, the models, the man pages, the desktop files and the kiosk unit and note, and none of
# its files names the build machine's folders.
# The "clean-root:" test then installs it in a clean debootstrap root.
set -euo pipefail
build=$(realpath "$1") work=$2 version=$3
fail() { echo "deb check FAILED: $*" >&2; exit 1; }
rm -rf "$work"; mkdir -p "$work"
(cd "$build" && cpack -G DEB -B "$work") >"$work/cpack.log" 2>&1 || { cat "$work/cpack.log" >&2; fail "cpack -G DEB"; }
arch=$(dpkg --print-architecture)
deb=$work/ptcoach_${version}_${arch}.deb
[ -f "$deb" ] || fail "no $deb; cpack made: $(ls "$work")"
depends=$(dpkg-deb -f "$deb" Depends)
for lib in libopencv-dnn libopencv-videoio libsdl2-2.0-0 libpq5 libsodium23 libsqlite3-0 libcairo2 libc6 libstdc++6 \
           libgl1-mesa-dri fonts-dejavu-core; do
  [[ "$depends" == *"$lib"* ]] || fail "Depends lacks $lib: $depends"
done
contents=$(dpkg-deb -c "$deb" | awk '{print $6}')
for f in ./usr/bin/ptcoach ./usr/bin/ptcoach-pose ./usr/bin/ptcoach-analyze \
         ./usr/share/ptcoach/models/pose_detection.tflite ./usr/share/ptcoach/models/pose_landmark_lite.tflite \
         ./usr/share/ptcoach/models/pose_landmark_full.tflite ./usr/share/ptcoach/models/pose_landmark_heavy.tflite \
         ./usr/share/ptcoach/programs/programs/ ./usr/share/ptcoach/assets/icons/ptcoach.svg \
         ./usr/share/man/man1/ptcoach.1.gz ./usr/share/applications/ptcoach.desktop \
         ./usr/share/metainfo/ptcoach.metainfo.xml ./usr/share/icons/hicolor/scalable/apps/ptcoach.svg \
         ./usr/lib/systemd/user/ptcoach-kiosk.service ./usr/share/doc/ptcoach/README.kiosk ./usr/share/doc/ptcoach/copyright; do
  grep -qxF "$f" <<<"$contents" || fail "the package lacks $f"
done
mkdir -p "$work/x"; dpkg-deb -x "$deb" "$work/x"
! grep -rqaF "$build" "$work/x" || fail "a packaged file names the build folder $build: $(grep -rlaF "$build" "$work/x" | head -3)"
echo "$(basename "$deb"): $(du -h "$deb" | cut -f1), $(wc -l <<<"$contents") entries; Depends: $depends"
