"""LKjIP narrative sections (kata pengantar, ikhtisar eksekutif, BAB I ... BAB IV) as simple rich
text: paragraphs, bold, italic, underline, lists.  Anything else a rich-text editor produces (Qt's
HTML with styles, fonts, tables) is reduced to that subset before it is stored, so the PDF and the
Word document can render every stored section."""
from __future__ import annotations

import html
import re
from html.parser import HTMLParser

from ..errors import ValidationError
from ..schema import NARRATIVE_SECTIONS, PERIOD_RE
from .common import check_unit, upsert

TITLES = {
    "kata_pengantar": "Kata Pengantar", "ikhtisar": "Ikhtisar Eksekutif", "pendahuluan": "BAB I Pendahuluan",
    "perencanaan": "BAB II Perencanaan Kinerja", "analisis": "BAB III Akuntabilitas Kinerja: analisis",
    "anggaran": "BAB III Akuntabilitas Kinerja: efisiensi sumber daya", "penutup": "BAB IV Penutup",
}
MAX_CHARS = 200_000
_INLINE = {"b": "b", "strong": "b", "i": "i", "em": "i", "u": "u"}


class _Reducer(HTMLParser):
    """Keeps p, br, ul/ol/li, b/i/u; text is escaped; Qt's style spans for bold/italic/underline kept."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.stack: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script", "head", "title"):
            self.skip += 1
            return
        if tag in ("p", "ul", "ol", "li"):
            self.out.append(f"<{tag}>")
            self.stack.append(tag)
        elif tag == "br":
            self.out.append("<br/>")
        elif tag in _INLINE:
            self.out.append(f"<{_INLINE[tag]}>")
            self.stack.append(_INLINE[tag])
        elif tag == "span":
            style = dict(attrs).get("style") or ""
            tags = [t for t, rule in (("b", r"font-weight:\s*(bold|[6-9]00)"), ("i", r"font-style:\s*italic"),
                                      ("u", r"text-decoration:\s*underline")) if re.search(rule, style)]
            self.out.extend(f"<{t}>" for t in tags)
            self.stack.append("span:" + ",".join(tags))

    def handle_endtag(self, tag):
        if tag in ("style", "script", "head", "title"):
            self.skip = max(0, self.skip - 1)
            return
        want = _INLINE.get(tag, tag)
        if want == "span":
            for i in range(len(self.stack) - 1, -1, -1):
                if self.stack[i].startswith("span:"):
                    tags = [t for t in self.stack[i][5:].split(",") if t]
                    self._close_to(i)
                    self.stack.pop()
                    self.out.extend(f"</{t}>" for t in reversed(tags))
                    return
            return
        if want in self.stack:
            i = len(self.stack) - 1 - self.stack[::-1].index(want)
            self._close_to(i)
            self.stack.pop()
            self.out.append(f"</{want}>")

    def _close_to(self, i):
        while len(self.stack) > i + 1:
            top = self.stack.pop()
            if top.startswith("span:"):
                self.out.extend(f"</{t}>" for t in reversed([t for t in top[5:].split(",") if t]))
            else:
                self.out.append(f"</{top}>")

    def handle_data(self, data):
        if not self.skip:
            self.out.append(html.escape(data, quote=False))

    def result(self) -> str:
        self._close_to(-1)
        return "".join(self.out)


def clean_html(text: str) -> str:
    """The stored form: the subset above.  Plain text (no tags) becomes paragraphs per blank line."""
    text = text or ""
    if "<" not in text:
        paras = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
        return "".join(f"<p>{html.escape(p, quote=False).replace(chr(10), '<br/>')}</p>" for p in paras)
    reducer = _Reducer()
    reducer.feed(text)
    reducer.close()
    out = reducer.result()
    out = re.sub(r"<p>\s*(<br/>)?\s*</p>", "", out)        # Qt's empty paragraphs
    return re.sub(r"\s+", " ", out).strip()


def set_section(service, unit: str, period: str, section: str, text: str):
    conn = service.store.conn
    unit = check_unit(conn, unit)
    if section not in NARRATIVE_SECTIONS:
        raise ValidationError(f"Bagian “{section}” tidak dikenal. Pilihan: {', '.join(NARRATIVE_SECTIONS)}.")
    period = str(period or "").strip().upper()
    if not PERIOD_RE.match(period) or not (len(period) == 4 or period[5:] in ("S1", "S2")):
        raise ValidationError(f"Periode LKjIP “{period}” tidak sah. Tulis 2026 (tahunan) atau 2026-S1/2026-S2.")
    if len(text or "") > MAX_CHARS:
        raise ValidationError(f"Teks bagian {TITLES[section]} terlalu panjang (lebih dari {MAX_CHARS} karakter).")
    return upsert(service, "report_narrative", {"unit_code": unit, "period": period, "section": section},
                  {"content": clean_html(text)})


def sections(conn, unit: str, period: str) -> dict[str, str]:
    return {r["section"]: r["content"] or "" for r in conn.execute(
        "SELECT section, content FROM report_narrative WHERE unit_code = ? AND period = ? AND deleted = 0",
        (unit, period))}


def blocks(content: str) -> list[tuple[str, str]]:
    """Stored HTML as (kind, inline markup) blocks: ('p', ...) or ('li', ...), for PDF and Word."""
    out = []
    for m in re.finditer(r"<(p|li)>(.*?)</\1>", content or "", re.S):
        inner = re.sub(r"</?(ul|ol|p|li)>", "", m.group(2)).strip()
        if inner:
            out.append((m.group(1), inner))
    if not out and (content or "").strip():
        out.append(("p", re.sub(r"</?(ul|ol|p|li)>", "", content).strip()))
    return out


def runs(inline: str) -> list[tuple[str, set]]:
    """Inline markup as (text, {'b','i','u'}) runs; <br/> becomes a newline."""
    result, active = [], set()
    for token in re.split(r"(<[^>]+>)", inline):
        if not token:
            continue
        if token.startswith("<"):
            name = token.strip("</>").strip()
            if name == "br":
                result.append(("\n", set(active)))
            elif token.startswith("</"):
                active.discard(name)
            else:
                active.add(name)
        else:
            result.append((html.unescape(token), set(active)))
    return result
