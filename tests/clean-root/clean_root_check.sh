#!/usr/bin/env bash
# Runs PT Coach's set-up and its Debian package the way a new user meets them: in a clean Debian
# bookworm root that debootstrap makes (--variant=minbase: no git, no npm, no sudo, no compiler),
# entered with chroot. Needs root, debootstrap, and the Debian mirror (and, for `full`, the npm
# registry). Nothing is installed on this machine itself.
#
#   clean_root_check.sh [options] packages   setup.sh --packages-only in a new root (this tree's
#                                            setup.sh, alone), then every program setup.sh lists
#                                            in TOOLS must be on its PATH
#   clean_root_check.sh [options] full       the README's two commands in a new root, on a copy of
#                                            the committed tree (git archive HEAD) with ../shared:
#                                            ./setup.sh && ctest ... (every test must pass and none
#                                            may skip), then ./setup.sh && build/bin/ptcoach (under
#                                            xvfb-run, with --screenshot and --frames 5)
#   clean_root_check.sh [options] deb FILE   dpkg -i FILE in a new root (then apt-get -f install for
#                                            its dependencies), with no source tree anywhere:
#                                            ptcoach --list-programs, ptcoach-analyze
#                                            --list-exercises, ptcoach-pose on the installed icon
#                                            with the installed models, then (xvfb added) a window
#                                            with the icon and the class the desktop entry names
#
# Options: --work DIR   where the roots go (default /work/scratch-clean-root; a folder of its own,
#                       since a root is 0.2-3 GB); the base root is made once there and copied for
#                       each stage, so every stage starts from the same untouched debootstrap
#          --fresh      debootstrap the base again even when one is there
#          --keep       keep each stage's root afterwards (to look inside)
#          --mirror URL Debian mirror (default http://deb.debian.org/debian)
# Exit status: 0 passed, 1 failed, 4 could not run here (not root, no debootstrap, no mirror, under
# 5 GB of free disk): the reason is printed. Each stage prints how long it took.
set -euo pipefail
{ # (the whole script is read before it runs, so editing it meanwhile cannot change a run)

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
work=/work/scratch-clean-root
fresh=0
keep=0
mirror=http://deb.debian.org/debian
stages=()
deb=""
while [ $# -gt 0 ]; do
  case "$1" in
    --work) work=$2; shift 2 ;;
    --fresh) fresh=1; shift ;;
    --keep) keep=1; shift ;;
    --mirror) mirror=$2; shift 2 ;;
    packages|full) stages+=("$1"); shift ;;
    deb) [ $# -ge 2 ] || { echo "usage: $0 deb FILE.deb" >&2; exit 2; }
         deb=$(realpath "$2"); stages+=(deb); shift 2 ;;
    *) echo "usage: $0 [--work DIR] [--fresh] [--keep] [--mirror URL] packages|full|deb FILE ..." >&2; exit 2 ;;
  esac
done
[ ${#stages[@]} -gt 0 ] || { echo "usage: $0 [--work DIR] [--fresh] [--keep] [--mirror URL] packages|full|deb FILE ..." >&2; exit 2; }

say() { printf '[clean-root] %s\n' "$*"; }
cannot() { echo "clean-root check skipped: $*" >&2; exit 4; }

[ "$(id -u)" -eq 0 ] || cannot "needs root (debootstrap and chroot)"
command -v debootstrap >/dev/null || cannot "debootstrap is not installed (apt-get install debootstrap)"
host=${mirror#*://}; host=${host%%/*}
timeout 15 bash -c "exec 3<>/dev/tcp/$host/80" 2>/dev/null || cannot "the Debian mirror $host is not reachable"
[ -n "$deb" ] && { [ -f "$deb" ] || { echo "clean-root: no such package: $deb" >&2; exit 1; }; }

mkdir -p "$work"
free_kb=$(df -Pk "$work" | awk 'NR == 2 {print $4}')
[ "$free_kb" -ge $((5 * 1024 * 1024)) ] || cannot "under 5 GB free in $work (a root with the build packages is 2.4 GB)"
exec 9>"$work/.lock"
flock -w 600 9 || { echo "clean-root: another check has been using $work for 10 minutes" >&2; exit 1; }

# --- the base root: debootstrap once, then copied ------------------------------------------------
base=$work/base
if [ "$fresh" = 1 ] || [ ! -f "$base/.complete" ]; then
  rm -rf "$base"
  say "debootstrap bookworm (minbase) into $base"
  t0=$SECONDS
  debootstrap --variant=minbase bookworm "$base" "$mirror" >"$work/debootstrap.log" 2>&1 || {
    tail -20 "$work/debootstrap.log" >&2; echo "clean-root: debootstrap failed (log: $work/debootstrap.log)" >&2; exit 1; }
  # An installed bookworm's sources: the release, its updates and the security archive.
  security=${mirror%/debian}/debian-security
  printf 'deb %s bookworm main\ndeb %s bookworm-updates main\ndeb %s bookworm-security main\n' \
    "$mirror" "$mirror" "$security" >"$base/etc/apt/sources.list"
  # A chroot starts no services (postgresql's package would otherwise start a server).
  printf '#!/bin/sh\nexit 101\n' >"$base/usr/sbin/policy-rc.d"; chmod +x "$base/usr/sbin/policy-rc.d"
  touch "$base/.complete"
  say "debootstrap took $((SECONDS - t0)) s"
fi

root=""
mounts=()
cleanup() {
  local i
  for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do umount -l "${mounts[$i]}" 2>/dev/null || true; done
  mounts=()
  if [ -n "$root" ] && [ "$keep" = 0 ]; then rm -rf --one-file-system "$root"; fi
  root=""
}
trap cleanup EXIT

new_root() {  # new_root NAME: a copy of the base with /proc, /sys, /dev and name resolution
  root=$work/$1
  rm -rf --one-file-system "$root"
  cp -a "$base" "$root"
  # The root is a mount point of its own, as a real machine's / is: unshare --mount (the install
  # test's mount namespace) needs that to make its mounts private.
  mount --bind "$root" "$root"; mounts+=("$root")
  cp /etc/resolv.conf "$root/etc/resolv.conf"
  # This machine's network: a certificate authority added here for HTTPS (a proxy's, say) is
  # trusted in the root too once setup.sh installs ca-certificates, whose set-up takes in
  # /usr/local/share/ca-certificates. Nothing is installed by it.
  if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
    mkdir -p "$root/usr/local/share/ca-certificates"
    cp /usr/local/share/ca-certificates/*.crt "$root/usr/local/share/ca-certificates/"
  fi
  mount -t proc proc "$root/proc"; mounts+=("$root/proc")
  mount -t sysfs sys "$root/sys"; mounts+=("$root/sys")
  mount --bind /dev "$root/dev"; mounts+=("$root/dev")
  mount --bind /dev/pts "$root/dev/pts"; mounts+=("$root/dev/pts")
  mkdir -p "$root/dev/shm"
}

# A login-like environment: nothing of this machine's comes in.
in_root() {  # (without the lock's descriptor: a server the root leaves running must not hold it)
  chroot "$root" 9>&- /usr/bin/env -i HOME=/root USER=root LOGNAME=root TERM=dumb LANG=C.UTF-8 \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin /bin/bash -c "$1"
}

copy_tree() {  # the committed tree, as a fresh clone has it, at /root/ptcoach; ../shared beside it
  mkdir -p "$root/root/ptcoach"
  git -C "$src" archive HEAD | tar -x -C "$root/root/ptcoach"
  if [ -d "$src/../shared" ]; then
    mkdir -p "$root/root/shared"
    mount --bind "$src/../shared" "$root/root/shared"; mounts+=("$root/root/shared")
    mount -o remount,bind,ro "$root/root/shared"
  fi
}

failed=0
fail() { echo "clean-root: FAILED: $*" >&2; failed=1; }

stage_packages() {
  new_root packages
  mkdir -p "$root/root/ptcoach"
  cp "$src/setup.sh" "$root/root/ptcoach/setup.sh"  # the package step needs nothing else
  local t0=$SECONDS
  say "packages: ./setup.sh --packages-only in a clean root"
  in_root 'cd /root/ptcoach && ./setup.sh --packages-only' || { fail "setup.sh --packages-only"; cleanup; return; }
  say "packages: the package step took $((SECONDS - t0)) s"
  local tools t missing=()
  tools=$(in_root 'cd /root/ptcoach && ./setup.sh --list-tools')
  for t in $tools; do in_root "command -v $t >/dev/null" || missing+=("$t"); done
  if [ ${#missing[@]} -gt 0 ]; then fail "not installed by setup.sh: ${missing[*]}"
  else say "packages: all $(echo "$tools" | wc -w) tools setup.sh lists are installed: $(echo $tools)"; fi
  say "packages: root size $(du -sh --one-file-system "$root" | cut -f1)"
  cleanup
}

stage_full() {
  new_root full
  copy_tree
  local t0=$SECONDS log=$work/full-ctest.log
  say "full: ./setup.sh && ctest --test-dir build --output-on-failure -j2 (log: $log)"
  if ! in_root 'cd /root/ptcoach && ./setup.sh && ctest --test-dir build --output-on-failure -j2' >"$log" 2>&1; then
    tail -40 "$log" >&2; fail "the README's test command"
  fi
  say "full: the test command took $((SECONDS - t0)) s"
  grep -E 'tests passed|tests failed' "$log" | tail -1 || true
  # (the clean-root test itself skips in there: no root inside a root)
  if grep '\*\*\*Skipped\|Not Run' "$log" | grep -qv ' clean-root: '; then
    grep '\*\*\*Skipped\|Not Run' "$log" | head -20 >&2
    fail "tests skipped or not run in the clean root (a tool or a package setup.sh does not install?)"
  fi
  t0=$SECONDS
  say "full: ./setup.sh && build/bin/ptcoach (with xvfb-run -a, --screenshot, --frames 5)"
  if in_root 'cd /root/ptcoach && ./setup.sh && xvfb-run -a build/bin/ptcoach --screenshot /root/home.png --frames 5' \
       >"$work/full-app.log" 2>&1 && [ -s "$root/root/home.png" ]; then
    cp "$root/root/home.png" "$work/full-home.png"
    say "full: the app ran and saved $work/full-home.png ($((SECONDS - t0)) s)"
  else
    tail -20 "$work/full-app.log" >&2; fail "the README's first command"
  fi
  say "full: root size $(du -sh --one-file-system "$root" | cut -f1)"
  cleanup
}

stage_deb() {
  new_root deb
  local name t0=$SECONDS
  name=$(basename "$deb")
  cp "$deb" "$root/tmp/$name"
  say "deb: dpkg -i $name in a clean root"
  # dpkg -i alone cannot fetch dependencies: it leaves the package unconfigured, and
  # apt-get -f install brings them and finishes (the Debian way for a downloaded .deb).
  in_root "dpkg -i /tmp/$name >/tmp/dpkg.log 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get -f install -y -qq >/tmp/apt.log 2>&1; }" ||
    { cat "$root/tmp/dpkg.log" "$root/tmp/apt.log" >&2 2>/dev/null; fail "dpkg -i / apt-get -f install"; cleanup; return; }
  in_root "dpkg-query -W -f='\${Status}' ptcoach | grep -q 'install ok installed'" || { fail "ptcoach is not installed after apt-get -f install"; cleanup; return; }
  say "deb: installed with its dependencies in $((SECONDS - t0)) s; root size $(du -sh --one-file-system "$root" | cut -f1)"
  [ ! -e "$root$src" ] || fail "the source tree is inside the root"
  local out
  out=$(in_root 'cd /tmp && ptcoach --list-programs' 2>&1) || fail "ptcoach --list-programs: $out"
  [ -n "$out" ] && ! grep -qi 'error\|not found' <<<"$out" || fail "ptcoach --list-programs printed: $out"
  say "deb: ptcoach --list-programs: $(echo $out)"
  out=$(in_root 'cd /tmp && ptcoach-analyze --list-exercises' 2>&1) || fail "ptcoach-analyze --list-exercises: $out"
  say "deb: ptcoach-analyze --list-exercises: $(echo "$out" | wc -l) exercises"
  out=$(in_root 'cd /tmp && ptcoach-pose --model lite --input /usr/share/icons/hicolor/256x256/apps/ptcoach.png --json /tmp/pose.json && head -c 300 /tmp/pose.json' 2>&1) ||
    fail "ptcoach-pose with the installed models: $out"
  say "deb: ptcoach-pose ran with the installed models"
  in_root 'man -w ptcoach ptcoach-pose ptcoach-analyze >/dev/null 2>&1 || ls /usr/share/man/man1/ptcoach.1.gz /usr/share/man/man1/ptcoach-pose.1.gz /usr/share/man/man1/ptcoach-analyze.1.gz >/dev/null' ||
    fail "man pages missing"
  in_root 'test -f /usr/share/applications/ptcoach.desktop && test -f /usr/share/metainfo/ptcoach.metainfo.xml && test -f /usr/share/icons/hicolor/scalable/apps/ptcoach.svg && test -f /usr/lib/systemd/user/ptcoach-kiosk.service && test -f /usr/share/doc/ptcoach/README.kiosk' ||
    fail "desktop, metainfo, icon, kiosk unit or kiosk note missing"
  # The window: a display is not a dependency of the package, so Xvfb and xprop come now.
  t0=$SECONDS
  in_root 'DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends xvfb xauth x11-utils >/tmp/apt-x.log 2>&1' ||
    { fail "installing xvfb in the root"; cleanup; return; }
  cp "$here/window_props.sh" "$root/tmp/window_props.sh"
  if out=$(in_root 'cd /tmp && xvfb-run -a -s "-screen 0 1280x720x24" bash /tmp/window_props.sh ptcoach /tmp/deb-home.png /usr/share/applications/ptcoach.desktop' 2>&1); then
    say "deb: $out"
    cp "$root/tmp/deb-home.png" "$work/deb-home.png" 2>/dev/null && say "deb: screenshot $work/deb-home.png"
  else
    fail "the installed app's window: $out"
  fi
  cleanup
}

for stage in "${stages[@]}"; do
  stage_start=$SECONDS
  "stage_$stage"
  say "stage $stage: $((SECONDS - stage_start)) s"
done
[ "$failed" = 0 ] && say "passed" || say "failed"
exit "$failed"
}
