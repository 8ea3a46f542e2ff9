#!/usr/bin/env bash
# Build the one-folder desktop bundle (both executables) with PyInstaller into dist/, then run its
# smoke test (packaging/smoke_test.py) against the frozen executables.
#   bash packaging/build.sh            build + smoke test
#   SKIP_SMOKE=1 bash packaging/build.sh   build only
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || bash packaging/bootstrap.sh
# PyInstaller only: the app itself stays the editable install bootstrap.sh made
.venv/bin/python -m pip install -q -e '.[packaging]'
.venv/bin/pyinstaller --noconfirm --clean --log-level WARN --distpath dist --workpath build \
  packaging/renstra_desktop.spec
VERSION=$(.venv/bin/python -c 'import renstra_desktop; print(renstra_desktop.__version__)')
BUNDLE="dist/renstra-desktop-$VERSION"
echo "Bundle: $BUNDLE/ ($(du -sh "$BUNDLE" | cut -f1)): RenstraDesktop (jendela), renstra-desktop (baris perintah)"
if [ "${SKIP_SMOKE:-0}" != "1" ]; then
  QT_QPA_PLATFORM=offscreen .venv/bin/python packaging/smoke_test.py "$BUNDLE"
fi
