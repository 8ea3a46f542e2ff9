"""Console output that survives a Windows code page (cp1252, cp437 …).

Python writes to a redirected or legacy console in the locale's code page and stops with
UnicodeEncodeError at the first character the page lacks ("→", "≥", a name typed in another script).
The CLI's streams keep their encoding but replace such characters: typographic ones by their ASCII
spelling, anything else by a ``\\uXXXX`` escape, so nothing is silently lost and nothing crashes.
Machine-readable output (``dump``) uses JSON's own escapes instead (see :func:`is_unicode`).
"""
from __future__ import annotations

import codecs
import sys

ERROR_HANDLER = "renstra-console"
_ASCII = {
    "→": "->", "←": "<-", "≥": ">=", "≤": "<=", "−": "-", "–": "-", "—": "-", "×": "x", "÷": ":",
    "…": "...", "“": '"', "”": '"', "‘": "'", "’": "'", "·": ".", "•": "*", "✓": "v", " ": " ",
}


def _replace(error: UnicodeEncodeError):
    text = error.object[error.start:error.end]
    return "".join(_ASCII.get(ch) or (f"\\u{ord(ch):04x}" if ord(ch) <= 0xFFFF else f"\\U{ord(ch):08x}")
                   for ch in text), error.end


codecs.register_error(ERROR_HANDLER, _replace)


def is_unicode(stream) -> bool:
    """True when ``stream`` writes UTF-8/UTF-16 (every character survives)."""
    encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "").replace("_", "")
    return encoding.startswith("utf")


def make_streams_safe() -> None:
    """Reconfigure stdout and stderr so no character can stop the program (idempotent)."""
    for stream in (sys.stdout, sys.stderr):
        if stream is None or is_unicode(stream) or not hasattr(stream, "reconfigure"):
            continue
        try:
            stream.reconfigure(errors=ERROR_HANDLER)
        except (ValueError, OSError):     # a detached or closed stream: leave it
            pass
