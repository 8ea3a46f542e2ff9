"""Build one report: collect its figures, make the QR payload from their digest, lay out the
pages once, and return the PDF bytes with the signature spots.

Qt-free; runs in any thread that owns its connection.  Same plan and options -> byte-identical
PDF (reportlab invariant mode, creation date = the plan's latest change or ``generated_at``).
Full garbage collections wait until the layout is done (:mod:`..gc_pause`): a national report makes
millions of objects, and each full collection over them paused every thread, the window's too.
"""
from __future__ import annotations

import datetime as _dt
import importlib
import os
import tempfile
from io import BytesIO
from pathlib import Path

from reportlab.platypus import Paragraph
from reportlab.platypus.doctemplate import LayoutError

from .. import localtime
from ..errors import FileError, NotFound
from ..gc_pause import full_collections_paused
from ..os_errors import os_reason
from ..plan_profile import load_profile
from ..safe_write import refuse_replacing_data
from ..value_check import refuse_invalid_numbers
from . import layout
from .base import Context, ReportOptions, ReportResult, data_time, period_label
from .keep import KeepWithSignature
from .qr import Payload, digest
from .signature_area import SignatureArea
from .signature_block import load_signatory
from .tables import SPLIT_IN_ROW, wrap_cache

SIGNATORY_FOR_PROVINCE = "KANWIL"


def module(kind: str):
    return importlib.import_module(f"{__package__}.{kind.replace('-', '_')}")


def unit_label(conn, unit: str | None) -> str:
    if unit is None:
        return "Seluruh Satuan Kerja"
    row = conn.execute("SELECT name FROM unit WHERE code = ? AND deleted = 0", (unit,)).fetchone()
    if row is None:
        codes = [r[0] for r in conn.execute("SELECT code FROM unit WHERE deleted = 0 ORDER BY seq")]
        raise NotFound(f"Satker “{unit}” tidak ada di berkas rencana ini. Pilihan: {', '.join(codes)}.")
    return row["name"]


def zone_name(conn, options: ReportOptions) -> str:
    """The office zone the report's dates are in: the request's, else the plan's setting."""
    if options.time_zone in localtime.ZONES:
        return options.time_zone
    return localtime.zone_of(conn).tzname(None)


def created_at(conn, options: ReportOptions) -> _dt.datetime:
    """When the report counts as made, in the office zone: ``generated_at`` or the latest change."""
    zone = localtime.office_zone(zone_name(conn, options))
    return (options.generated_at or data_time(conn)).astimezone(zone)


def collect(conn, options: ReportOptions) -> dict:
    """The canonical figures of the report (strings as printed) and its signature block; the digest
    is taken over this, so a changed name, NIP, jabatan, place or date no longer matches."""
    options = options.checked(conn)
    unit_label(conn, options.unit)          # refuses an unknown unit
    refuse_invalid_numbers(conn, "laporan tidak dibuat")     # a file changed outside the app
    signatory = load_signatory(conn, options.unit or SIGNATORY_FOR_PROVINCE)
    return {"kind": options.kind, "unit": options.unit, "period": options.report_period,
            "options": options.option_flags, "figures": module(options.kind).collect(conn, options),
            "signatory": signatory.canonical(created_at(conn, options).date())}


def payload_for(conn, options: ReportOptions, figures: dict | None = None) -> Payload:
    options = options.checked(conn)
    figures = figures if figures is not None else collect(conn, options)
    at = created_at(conn, options).astimezone(_dt.timezone.utc)
    return Payload(options.unit, options.kind, options.report_period, options.option_flags,
                   at.strftime("%Y-%m-%dT%H:%M:%SZ"), zone_name(conn, options), digest(figures))


def build_report(conn, options: ReportOptions, target=None, *, progress=None) -> ReportResult:
    """Lay out the report; write it to ``target`` (path, atomically) when given.

    ``progress(done, total)`` is called after each top-level part (from this thread).
    """
    with full_collections_paused(), wrap_cache():
        result = _build(conn, options.checked(conn), progress)
    if target is not None:
        write_pdf(target, result.pdf)
    return result


def _build(conn, options: ReportOptions, progress) -> ReportResult:
    layout.register_fonts()
    figures = collect(conn, options)
    payload = payload_for(conn, options, figures)
    created = created_at(conn, options)
    label = unit_label(conn, options.unit)
    profile = load_profile(conn)
    info = layout.PageInfo(options.title, label, period_label(options.report_period),
                           payload.short_code, created.date(), options.tte, profile.name)
    state = layout.BuildState(info=info, progress=progress)
    portrait = getattr(module(options.kind), "PORTRAIT", False)
    size = layout.page_size(options.paper, portrait=portrait)
    ctx = Context(size[0] - 2 * layout.MARGIN_X, options, label, profile)

    signatory = load_signatory(conn, options.unit or SIGNATORY_FOR_PROVINCE)
    buffer = BytesIO()
    try:
        _layout(buffer, conn, options, figures, payload, signatory, created, label, ctx, state)
    except LayoutError:
        # a single row taller than a page (a very long text): lay out again letting rows split
        token = SPLIT_IN_ROW.set(True)
        try:
            buffer, state = BytesIO(), layout.BuildState(info=info, progress=progress)
            _layout(buffer, conn, options, figures, payload, signatory, created, label, ctx, state)
        finally:
            SPLIT_IN_ROW.reset(token)
    return ReportResult(buffer.getvalue(), state.page_count, payload.text(), payload.sha256,
                        dict(state.spots), list(state.tte_marks), size, dict(state.boxes))


def _layout(buffer, conn, options, figures, payload, signatory, created, label, ctx, state) -> None:
    mod = module(options.kind)
    story = mod.story(figures["figures"], ctx)
    if options.kind != "lampiran" and not getattr(mod, "OWN_HEADING", False):
        story = _heading(conn, options, label, ctx.profile) + story
    area = SignatureArea(signatory, created.date(), payload.text(), payload.short_code, options.tte)
    # a report may print its own block (the PK's two parties); the others keep it with their last rows
    if hasattr(mod, "signature"):
        story += mod.signature(figures["figures"], ctx, area, payload, created, story)
    else:
        story = _with_signature(story, area)
    for flowable in story:
        flowable._top_level = True
    doc = layout.ReportDoc(buffer, paper=options.paper, portrait=getattr(mod, "PORTRAIT", False), state=state,
                           title=f"{options.title} - {label}", subject=state.info.period_label,
                           keywords=payload.text(), total_flowables=len(story))
    doc.build(story, canvasmaker=lambda *a, **kw: layout.ReportCanvas(*a, state=state, created=created, **kw))


def _with_signature(story: list, area) -> list:
    """The signature block closes the report on the page of the last table's last rows (or of the
    text after it), never alone on a page: from the last official table on, kept with it."""
    tables = [i for i, f in enumerate(story) if getattr(f, "_body_table", False)]
    cut = tables[-1] if tables else max(len(story) - 1, 0)
    return story[:cut] + [KeepWithSignature(story[cut:], area)]


def _heading(conn, options: ReportOptions, label: str, profile) -> list:
    unit = conn.execute("SELECT name, address, unit_type FROM unit WHERE code = ?",
                        (options.unit or SIGNATORY_FOR_PROVINCE,)).fetchone()
    upt = unit is not None and unit["unit_type"] != "kanwil" and options.unit is not None
    parts = layout.kop(profile, unit["name"] if upt else None, unit["address"] if unit else None)
    parts.append(Paragraph(options.title.upper(), layout.STYLES["title"]))
    parts.append(Paragraph(layout.escape(f"{label} · {period_label(options.report_period)}"),
                           layout.STYLES["subtitle"]))
    return parts


def write_pdf(target, data: bytes) -> Path:
    """Write next to the target and rename: an interrupted save never leaves half a PDF."""
    target = Path(target)
    if target.is_dir():
        raise FileError(f"{target} adalah folder. Beri nama berkas, misalnya {target / 'laporan.pdf'}.")
    refuse_replacing_data(target)
    try:
        handle, tmp = tempfile.mkstemp(prefix=".~", suffix=".pdf", dir=target.parent if str(target.parent) else ".")
    except OSError as exc:
        raise FileError(f"Folder {target.parent} tidak dapat ditulisi ({os_reason(exc)}). Pilih folder lain.") from exc
    try:
        with os.fdopen(handle, "wb") as fh:
            fh.write(data)
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise FileError(f"Laporan tidak dapat disimpan ke {target} ({os_reason(exc)}). "
                        "Tutup berkas itu bila sedang terbuka, atau pilih nama lain.") from exc
    return target


__all__ = ["build_report", "collect", "payload_for", "write_pdf"]
