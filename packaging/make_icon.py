"""Draw the application icon (resources/icons/renstra-desktop.png and .ico) with Qt.

A navy rounded square with three rising white bars and a gold target line: "a plan and its
progress", readable at 16 px.  Run once when the design changes; the outputs are committed:
    QT_QPA_PLATFORM=offscreen .venv/bin/python packaging/make_icon.py
"""
from __future__ import annotations

import struct
import sys
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QGuiApplication, QImage, QLinearGradient, QPainter, QPen

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "resources" / "icons"
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)


def draw(size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    s = size / 256.0
    gradient = QLinearGradient(0, 0, 0, size)
    gradient.setColorAt(0, QColor("#27508f"))
    gradient.setColorAt(1, QColor("#16305a"))
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(gradient)
    margin = 8 * s if size > 24 else 0.5
    p.drawRoundedRect(QRectF(margin, margin, size - 2 * margin, size - 2 * margin), 44 * s, 44 * s)
    p.setBrush(QColor("#ffffff"))
    base = 206 * s
    for i, height in enumerate((70, 110, 150)):
        x = (52 + i * 58) * s
        p.drawRoundedRect(QRectF(x, base - height * s, 40 * s, height * s), 6 * s, 6 * s)
    pen = QPen(QColor("#f2b632"), max(1.6, 16 * s))
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    p.setPen(pen)
    p.drawLine(QPointF(44 * s, 112 * s), QPointF(212 * s, 46 * s))
    p.end()
    return image


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def ico_bytes(images: list[tuple[int, bytes]]) -> bytes:
    """An ICO container of PNG-compressed images (Windows Vista and later read these)."""
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = 6 + 16 * len(images)
    entries, blobs = b"", b""
    for size, blob in images:
        edge = 0 if size >= 256 else size
        entries += struct.pack("<BBBBHHII", edge, edge, 0, 0, 1, 32, len(blob), offset + len(blobs))
        blobs += blob
    return header + entries + blobs


def main() -> int:
    QGuiApplication(sys.argv[:1])
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "renstra-desktop.png").write_bytes(png_bytes(draw(256)))
    (OUT / "renstra-desktop.ico").write_bytes(ico_bytes([(n, png_bytes(draw(n))) for n in ICO_SIZES]))
    print(f"{OUT}/renstra-desktop.png, .ico ({', '.join(map(str, ICO_SIZES))} px)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
