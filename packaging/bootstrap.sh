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
)
# installed without its recommends (hundreds of MB of desktop integration the test does not need)
LEAN_APT_PACKAGES=(
  libreoffice-writer-nogui   # the LKjIP DOCX -> PDF test (soffice --headless); ~16 s to install
  libreoffice-calc-nogui     # the Excel import test of a workbook saved by LibreOffice; docs/excel.md pictures
)

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
updated=""
install_missing() {   # install_missing [apt options] -- packages...
  local opts=() missing=()
  while [ "$1" != "--" ]; do opts+=("$1"); shift; done; shift
  command -v dpkg-query >/dev/null 2>&1 || return 0
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -gt 0 ] || return 0
  echo "Memasang pustaka sistem: ${missing[*]}"
  [ -n "$updated" ] || { $SUDO apt-get update -qq; updated=1; }
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${opts[@]}" "${missing[@]}" >/dev/null
}
install_missing -- "${APT_PACKAGES[@]}"
install_missing --no-install-recommends -- "${LEAN_APT_PACKAGES[@]}"

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[test]'
echo "Siap: .venv/bin/renstra-desktop (aplikasi), .venv/bin/python -m pytest (pengujian)"
