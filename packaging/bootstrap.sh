#!/usr/bin/env bash
# Set up a fresh Debian/Ubuntu machine for Renstra Desktop: the system libraries Qt needs,
# poppler (pdftoppm, pdfsig) and NSS tools for the signature tests, then .venv with the app
# and its test dependencies.  Safe to run again; it only adds what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3 libglib2.0-0
  libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-render-util0 libxcb-image0
  poppler-utils libnss3-tools
  libreoffice-writer-nogui   # the LKjIP DOCX -> PDF test (soffice --headless); ~16 s to install
)

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
fi
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "Memasang pustaka sistem: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[test]'
echo "Siap: .venv/bin/renstra-desktop (aplikasi), .venv/bin/python -m pytest (pengujian)"
