"""The visible signature stamp: heading, name, jabatan, the signing time in the office's zone
("29 November 2026 pukul 23.18 WITA", core/localtime.py) and the honest label of a local signature
("tidak tersertifikasi", PP 71/2019 pasal 60), drawn with the shipped Liberation Sans, wrapped to the
box and sized to fit it (a paraf cell gets a small stamp)."""
from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from io import BytesIO

from fontTools.ttLib import TTFont
from pyhanko.pdf_utils import layout
from pyhanko.pdf_utils.font.opentype import GlyphAccumulator, GlyphAccumulatorFactory
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.stamp import TextStampStyle

from ...paths import resource_path
from .. import localtime

FONT_SIZE = 10                 # the largest stamp text; smaller when the box asks for it
MIN_FONT_SIZE = 5              # whole points: pyHanko's box layout computes with fractions
STAMP_MARGIN = 6
NOT_CERTIFIED = "TTE tidak tersertifikasi"      # a local PKCS#12, not a recognised PSrE (DOMAIN.md)

# fontTools warns on stderr about every table it drops while subsetting the stamp font.
logging.getLogger("fontTools.subset").setLevel(logging.ERROR)


def zone_of_moment(moment: datetime):
    """The Indonesian zone a signing time was written in (its UTC offset), else the default zone."""
    if moment.tzinfo is None:
        return localtime.office_zone()
    hours = moment.utcoffset() / timedelta(hours=1)
    for name, offset in localtime.ZONES.items():
        if offset == hours:
            return localtime.office_zone(name)
    return localtime.office_zone()


def format_signing_time(moment: datetime, zone=None) -> str:
    """"29 November 2026 pukul 23.18 WITA": in ``zone``, else in the zone the time was written in."""
    return localtime.format_datetime(moment, zone or zone_of_moment(moment))


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


def _margin(size: float) -> int:
    return STAMP_MARGIN if size >= 8 else 3      # pyHanko's box layout needs whole points


def _leading(size: int) -> int:
    return size + max(1, round(size * 0.2))


def stamp_style(size: int = FONT_SIZE) -> TextStampStyle:
    """Bordered text box in Liberation Sans at ``size`` points, left-aligned and vertically centred."""
    font = _EmScaledFontFactory(_font_path(), font_size=size)
    return TextStampStyle(
        stamp_text="%(text)s",
        text_box_style=TextBoxStyle(   # no margin of its own: the stamp's margin is the only one
            font=font, font_size=size, leading=_leading(size),
            box_layout_rule=layout.SimpleBoxLayoutRule(
                x_align=layout.AxisAlignment.ALIGN_MIN, y_align=layout.AxisAlignment.ALIGN_MID,
                margins=layout.Margins.uniform(0))),
        border_width=1 if size >= 8 else 0.5,
        border_color=(0.35, 0.35, 0.35),
        inner_content_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MIN,
            y_align=layout.AxisAlignment.ALIGN_MID,
            margins=layout.Margins.uniform(_margin(size)),
        ),
    )


@functools.lru_cache(maxsize=1)
def _advances() -> tuple[dict[int, int], int]:
    font = TTFont(_font_path(), lazy=True)
    hmtx = font["hmtx"]
    return ({code: hmtx[glyph][0] for code, glyph in font.getBestCmap().items()},
            font["head"].unitsPerEm)


def _text_width(text: str, size: float = FONT_SIZE) -> float:
    """Width in points at ``size``, from the font's own metrics (units per em 2048)."""
    advances, units_per_em = _advances()
    return sum(advances.get(ord(ch), units_per_em // 2) for ch in text) / units_per_em * size


def _wrap(text: str, width: float, size: float = FONT_SIZE) -> list[str]:
    # TextBox has no word wrap; whatever still does not fit is shrunk by the layout.
    lines: list[str] = []
    for word in text.split():
        if lines and _text_width(f"{lines[-1]} {word}", size) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def stamp_text(heading: str, name: str, jabatan: str, moment: datetime, box: tuple[float, float],
               zone=None, compact: bool = False) -> tuple[str, int]:
    """The stamp's lines and font size for a ``box`` of (width, height) points: heading, name and
    jabatan wrapped to the width, the signing time in the office zone, and the signature's status
    (``compact``: heading and name on one line, no jabatan).  The size is the largest (up to
    FONT_SIZE) at which the lines fit the box's height."""
    box_width, box_height = box
    size = FONT_SIZE
    while True:
        width = box_width - 2 * _margin(size) - 4          # border and a little air
        if compact:      # a paraf cell: the row already names the jabatan
            lines = [*_wrap(f"{heading} {name}", width, size), format_signing_time(moment, zone), NOT_CERTIFIED]
        else:
            lines = [heading, *_wrap(name, width, size), *_wrap(jabatan or "", width, size),
                     format_signing_time(moment, zone), NOT_CERTIFIED]
        if len(lines) * _leading(size) + 2 * _margin(size) <= box_height or size <= MIN_FONT_SIZE:
            return "\n".join(lines), size
        size -= 1
