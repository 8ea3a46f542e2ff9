#!/usr/bin/env bash
# Build the one-folder desktop bundle with PyInstaller into dist/.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || bash packaging/bootstrap.sh
.venv/bin/python -m pip install -q '.[packaging]'
.venv/bin/pyinstaller --noconfirm --clean --distpath dist --workpath build packaging/renstra_desktop.spec
echo "Bundle: dist/renstra-desktop-$(.venv/bin/python -c 'import renstra_desktop; print(renstra_desktop.__version__)')/"
