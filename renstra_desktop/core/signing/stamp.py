"""The visible signature stamp: heading, name, jabatan and signing time in Indonesian
(``22 Desember 2025 10:15 WITA``; WIB/WITA/WIT from the time's UTC offset, UTC otherwise), drawn
with the shipped Liberation Sans and wrapped to the box."""
from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from io import BytesIO

from fontTools.ttLib import TTFont
from pyhanko.pdf_utils import layout
from pyhanko.pdf_utils.font.opentype import GlyphAccumulator, GlyphAccumulatorFactory
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.stamp import TextStampStyle

from ...paths import resource_path

FONT_SIZE = 10
STAMP_MARGIN = 6

_MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
           "September", "Oktober", "November", "Desember")
_ZONES = {7.0: "WIB", 8.0: "WITA", 9.0: "WIT"}

# fontTools warns on stderr about every table it drops while subsetting the stamp font.
logging.getLogger("fontTools.subset").setLevel(logging.ERROR)


def format_signing_time(moment: datetime) -> str:
    """``22 Desember 2025 10:15 WITA``; offsets other than WIB/WITA/WIT are shown in UTC."""
    if moment.tzinfo is None:
        moment = moment.astimezone()
    zone = _ZONES.get(moment.utcoffset() / timedelta(hours=1))
    if zone is None:
        moment, zone = moment.astimezone(timezone.utc), "UTC"
    return f"{moment.day} {_MONTHS[moment.month - 1]} {moment.year} {moment:%H:%M} {zone}"


class _EmScaledGlyphs(GlyphAccumulator):
    """pyHanko writes raw font units into /W, TJ and the font descriptor, but PDF reads them as
    1/1000 em: Liberation Sans (2048 units per em) came out twice as wide. Shape at 1000."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._font_units = self.units_per_em
        self.hb_font.scale = (1000, 1000)
        self.units_per_em = 1000
        descriptor = self.cidfont_obj._font_descriptor
        for key in ("/Ascent", "/Descent", "/CapHeight"):
            descriptor[key] = type(descriptor[key])(self._em(descriptor[key]))
        descriptor["/FontBBox"] = type(descriptor["/FontBBox"])(
            type(v)(self._em(v)) for v in descriptor["/FontBBox"]
        )

    def _em(self, font_units) -> int:
        return round(int(font_units) * 1000 / self._font_units)

    def _get_cid_and_width(self, glyph_id: int) -> tuple[int, int]:
        if glyph_id not in self._glyphs:
            cid, width = super()._get_cid_and_width(glyph_id)
            self._glyphs[glyph_id] = (cid, self._em(width))
        return self._glyphs[glyph_id]


@dataclass(frozen=True)
class _EmScaledFontFactory(GlyphAccumulatorFactory):
    def create_font_engine(self, writer, obj_stream=None) -> GlyphAccumulator:
        if obj_stream is None and writer.stream_xrefs and self.create_objstream_if_needed:
            obj_stream = writer.prepare_object_stream()
        with open(self.font_file, "rb") as handle:
            font_bytes = BytesIO(handle.read())
        return _EmScaledGlyphs(writer=writer, font_handle=font_bytes,
                               font_size=self.font_size, obj_stream=obj_stream)


def _font_path() -> str:
    return str(resource_path("fonts", "LiberationSans-Regular.ttf"))


def stamp_style() -> TextStampStyle:
    """Bordered text box in Liberation Sans, left-aligned and vertically centred."""
    font = _EmScaledFontFactory(_font_path(), font_size=FONT_SIZE)
    return TextStampStyle(
        stamp_text="%(text)s",
        text_box_style=TextBoxStyle(font=font, font_size=FONT_SIZE, leading=FONT_SIZE + 2),
        border_width=1,
        border_color=(0.35, 0.35, 0.35),
        inner_content_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MIN,
            y_align=layout.AxisAlignment.ALIGN_MID,
            margins=layout.Margins.uniform(STAMP_MARGIN),
        ),
    )


@functools.lru_cache(maxsize=1)
def _advances() -> tuple[dict[int, int], int]:
    font = TTFont(_font_path(), lazy=True)
    hmtx = font["hmtx"]
    return ({code: hmtx[glyph][0] for code, glyph in font.getBestCmap().items()},
            font["head"].unitsPerEm)


def _text_width(text: str) -> float:
    """Width in points at FONT_SIZE, from the font's own metrics (units per em 2048)."""
    advances, units_per_em = _advances()
    return sum(advances.get(ord(ch), units_per_em // 2) for ch in text) / units_per_em * FONT_SIZE


def _wrap(text: str, width: float) -> list[str]:
    # TextBox has no word wrap; whatever still does not fit is shrunk by the layout.
    lines: list[str] = []
    for word in text.split():
        if lines and _text_width(f"{lines[-1]} {word}") <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def stamp_text(heading: str, name: str, jabatan: str, moment: datetime, box_width: float) -> str:
    """The stamp's lines: heading, name and jabatan wrapped to ``box_width`` points, signing time."""
    width = box_width - 2 * STAMP_MARGIN - 4  # border and a little air
    lines = [heading, *_wrap(name, width), *_wrap(jabatan or "", width)]
    lines.append(format_signing_time(moment))
    return "\n".join(lines)
