#!/usr/bin/env bash
# Renders ptcoach.svg to the PNG sizes of the hicolor icon theme (hicolor/NxN/apps/ptcoach.png).
# The PNGs are committed, so building needs no SVG renderer; run this after changing the SVG
# (apt-get install librsvg2-bin).
set -euo pipefail
cd "$(dirname "$0")"
for s in 16 24 32 48 64 128 256 512; do
  mkdir -p "hicolor/${s}x${s}/apps"
  rsvg-convert -w "$s" -h "$s" ptcoach.svg -o "hicolor/${s}x${s}/apps/ptcoach.png"
done
