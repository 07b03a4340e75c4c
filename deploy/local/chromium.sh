#!/usr/bin/env bash
# Chromium for the console's browser tests (playwright-core drives it; never `playwright install`):
# Debian's package, installed with apt-get when /usr/bin/chromium is missing. Idempotent.
#   CHROMIUM_PATH   another Chromium binary to use instead (then nothing is installed)
set -euo pipefail

CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [[ -x "$CHROMIUM" ]]; then
  echo "chromium: $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM")"
  exit 0
fi
if [[ -n "${CHROMIUM_PATH:-}" ]]; then
  echo "CHROMIUM_PATH=$CHROMIUM_PATH is not an executable" >&2
  exit 1
fi
SUDO=()
if [[ "$(id -u)" != 0 ]]; then
  command -v sudo >/dev/null || { echo "chromium is missing and installing it needs root: apt-get install chromium" >&2; exit 1; }
  SUDO=(sudo -n)
fi
echo "chromium: installing Debian's package (apt-get; cold: a minute or two)"
"${SUDO[@]}" apt-get update -q
DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -q chromium
echo "chromium: $("$CHROMIUM" --version)"
