"""PDF reports in the official layout (reportlab, Qt-free).

``build_report(conn, ReportOptions(kind, unit=..., year=..., period=..., paper=..., tte=...))``
returns a :class:`ReportResult` (PDF bytes, page count, QR payload, signature spots).
``verify.verify_payload`` / ``verify.verify_pdf_report`` check a printed or saved report against
a plan file.  Kinds: capaian, risiko, pendanaan, roadmap, renstra.
"""
from .base import KINDS, TITLES, ReportOptions, ReportResult
from .build import build_report, collect, payload_for

__all__ = ["KINDS", "TITLES", "ReportOptions", "ReportResult", "build_report", "collect", "payload_for"]
