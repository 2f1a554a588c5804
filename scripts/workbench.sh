#!/usr/bin/env bash
# Sets everything up (scripts/setup.sh), then opens the workbench on the default experiment.
# Without a display it runs under a virtual one (xvfb-run), which is only useful for screenshots.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if [ -x build/app/moco-workbench ]; then
  app=(build/app/moco-workbench)
else
  echo "workbench: the GUI was not built (Qt 6 missing?); showing moco-train instead" >&2
  app=(build/app/moco-train --help)
fi
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  exec xvfb-run -a "${app[@]}" "$@"
fi
exec "${app[@]}" "$@"
