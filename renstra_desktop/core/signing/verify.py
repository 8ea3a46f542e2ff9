"""Check every signature of a PDF offline: intact, covering the document, chained to a given root."""
from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from asn1crypto import pem as asn1_pem
from asn1crypto import x509 as asn1_x509
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from ..errors import SigningError
from .files import open_reader, read_file, read_pdf

_SIGNING_USAGE = KeyUsageConstraints(
    key_usage={"digital_signature", "non_repudiation"}, match_all_key_usages=False
)


def _load_trust(items: Iterable) -> list[asn1_x509.Certificate]:
    roots = []
    for item in items:
        data = item if isinstance(item, bytes) else read_file(item, "Sertifikat tepercaya")
        try:
            blocks = ([der for _type, _headers, der in asn1_pem.unarmor(data, multiple=True)]
                      if asn1_pem.detect(data) else [data])
            certs = [asn1_x509.Certificate.load(der) for der in blocks]
            for cert in certs:
                cert.native  # noqa: B018 - parse now, not halfway through validation
            roots += certs
        except Exception as exc:
            label = item if not isinstance(item, bytes) else "yang diberikan"
            raise SigningError(
                f"Sertifikat tepercaya {label} bukan sertifikat X.509 (PEM/DER)."
            ) from exc
    return roots


def _coverage(status) -> str:
    if status.coverage == SignatureCoverageLevel.ENTIRE_FILE:
        return "entire_file"
    if status.coverage == SignatureCoverageLevel.ENTIRE_REVISION and status.docmdp_ok:
        return "later_changes_harmless"
    return "altered"


def _check_signature(embedded, context: ValidationContext) -> dict:
    result = {
        "field": embedded.field_name,
        "signer": "",
        "signing_time": None,
        "intact": False,
        "coverage": "altered",
        "trusted": False,
        "ok": False,
        "problem": "",
    }
    moment = embedded.self_reported_timestamp
    if moment is not None:
        result["signing_time"] = moment.isoformat()
    try:
        cert = embedded.signer_cert
        result["signer"] = cert.subject.native.get("common_name", cert.subject.human_friendly)
        status = validate_pdf_signature(embedded, signer_validation_context=context,
                                        key_usage_settings=_SIGNING_USAGE)
    except Exception as exc:  # a broken signature is a finding, not a crash
        result["problem"] = f"tanda tangan tidak dapat diperiksa ({type(exc).__name__})"
        return result
    result["intact"] = bool(status.intact and status.valid)
    result["coverage"] = _coverage(status)
    result["trusted"] = bool(status.trusted)
    result["ok"] = result["intact"] and result["trusted"] and result["coverage"] != "altered"
    if not result["intact"]:
        result["problem"] = "isi dokumen berubah setelah ditandatangani"
    elif result["coverage"] == "altered":
        result["problem"] = "dokumen diubah setelah ditandatangani"
    elif not result["trusted"]:
        result["problem"] = ("sertifikat penanda tangan tidak tepercaya: tidak berantai ke"
                             " sertifikat akar yang diberikan, atau sudah tidak berlaku")
    return result


def verify_pdf(path, trust: Iterable = ()) -> dict:
    """Check every signature of a PDF against ``trust`` (paths or PEM/DER bytes of root certs).

    Returns ``{"path", "signatures": [{"field", "signer", "signing_time" (ISO 8601 or None),
    "intact", "coverage" ("entire_file" | "later_changes_harmless" | "altered"), "trusted",
    "ok", "problem"}], "all_ok"}``; ``all_ok`` needs at least one signature and every one
    intact, trusted and not altered. Certificates are checked at the current time, offline.
    """
    data = read_pdf(path)
    reader = open_reader(data, path)
    context = ValidationContext(trust_roots=_load_trust(trust), allow_fetching=False,
                                revocation_mode="soft-fail")
    try:
        embedded = list(reader.embedded_regular_signatures)
    except Exception as exc:
        raise SigningError(
            f"Tanda tangan di PDF {path} rusak dan tidak dapat dibaca."
        ) from exc
    signatures = [_check_signature(sig, context) for sig in embedded]
    return {
        "path": str(path),
        "signatures": signatures,
        "all_ok": bool(signatures) and all(s["ok"] for s in signatures),
    }


_COVERAGE_TEXT = {
    "entire_file": "seluruh dokumen",
    "later_changes_harmless": "revisi yang ditandatangani; sesudahnya hanya tanda tangan/isian",
    "altered": "TIDAK: dokumen diubah sesudahnya",
}


def describe(report: dict, trust_hint: str | None = None) -> list[str]:
    """The verification report in Indonesian, one line per fact, the verdict last.

    ``trust_hint`` says how to give a trusted root when none was given (None: one was given).
    The command line prints these lines and the window shows them: both say the same.
    """
    from datetime import datetime

    from .stamp import format_signing_time

    if not report["signatures"]:
        raise SigningError(
            f"{Path(report['path']).name} belum ditandatangani secara digital: tidak ada tanda tangan untuk "
            "diperiksa. Tanda tangani dulu (Tandatangani… di tab Laporan, atau renstra-desktop sign-pdf), atau "
            "periksa angka laporannya lewat kode QR (Periksa laporan…, atau renstra-desktop verify-report).")
    lines = []
    for number, sig in enumerate(report["signatures"], start=1):
        when = sig["signing_time"]
        when = format_signing_time(datetime.fromisoformat(when)) if when else "waktu tidak ada"
        yes = {True: "ya", False: "TIDAK"}
        lines.append(f"{number}. {sig['field']}: {sig['signer'] or '?'}, {when}")
        lines.append(f"   utuh: {yes[bool(sig['intact'])]}; mencakup: {_COVERAGE_TEXT[sig['coverage']]};"
                     f" tepercaya: {yes[bool(sig['trusted'])]}")
        if sig["problem"]:
            lines.append(f"   masalah: {sig['problem']}")
    if trust_hint:
        lines.append(f"Belum ada sertifikat tepercaya: {trust_hint}")
    lines.append("Semua tanda tangan utuh dan tepercaya." if report["all_ok"] else
                 "Tidak semua tanda tangan sah dan tepercaya: jangan pakai sebagai dokumen resmi.")
    return lines
