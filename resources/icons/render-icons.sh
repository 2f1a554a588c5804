#!/usr/bin/env bash
# Renders the application icon's PNGs for the freedesktop hicolor theme from moco-workbench.svg.
# Needs rsvg-convert (Debian package librsvg2-bin). Run again after editing the SVG and commit the PNGs.
set -euo pipefail
cd "$(dirname "$0")"
command -v rsvg-convert >/dev/null || { echo "render-icons: rsvg-convert not found (apt-get install librsvg2-bin)" >&2; exit 1; }
for size in 16 32 48 64 128 256; do
  mkdir -p "hicolor/${size}x${size}/apps"
  rsvg-convert --width "$size" --height "$size" --output "hicolor/${size}x${size}/apps/moco-workbench.png" moco-workbench.svg
done
