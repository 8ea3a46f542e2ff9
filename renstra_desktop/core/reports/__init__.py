"""PDF reports in the official layout (reportlab, Qt-free).

``build_report(conn, ReportOptions(kind, unit=..., year=..., period=..., paper=..., tte=...))``
returns a :class:`ReportResult` (PDF bytes, page count, QR payload, signature spots and boxes).
``verify.verify_payload`` / ``verify.payload_from_pdf`` check a printed or saved report against
a plan file.  Kinds (``base.KINDS``/``TITLES``, the registry): capaian, risiko, pendanaan,
roadmap, lampiran ("renstra" is accepted for lampiran).

reportlab is imported on first use of the builders, so the command line parser stays light.
"""
from .base import KIND_ALIASES, KINDS, TITLES, ReportOptions, ReportResult

_LAZY = ("build_report", "collect", "payload_for")


def __getattr__(name):
    if name in _LAZY:
        from . import build
        return getattr(build, name)
    raise AttributeError(name)


__all__ = ["KIND_ALIASES", "KINDS", "TITLES", "ReportOptions", "ReportResult", *_LAZY]
