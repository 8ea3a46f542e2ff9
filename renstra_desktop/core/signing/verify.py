"""Check every signature of a PDF offline: intact, chained to a given root, and what was changed
after it, revision by revision.

pyHanko's difference analysis rates each incremental update (ModificationLevel); it lets some
changes pass as harmless that a signed report must not have, such as rewriting the document
information (/Keywords carries the report's code).  So every revision after a signature is listed:
the one change a signature allows is a later signature of the other role in the spot the report
prepared for it ("tanda tangan Kepala pada tempat yang disiapkan"); anything else (metadata, page
content, annotations, a signature in a new box) makes the signature not OK.
"""
from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from asn1crypto import pem as asn1_pem
from asn1crypto import x509 as asn1_x509
from pyhanko.sign.diff_analysis import DEFAULT_DIFF_POLICY, ModificationLevel, SuspiciousModification
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko_certvalidator import ValidationContext

from ..errors import SigningError
from .files import open_reader, read_file, read_pdf
from .roles import field_label, role_of_field

_SIGNING_USAGE = KeyUsageConstraints(
    key_usage={"digital_signature", "non_repudiation"}, match_all_key_usages=False
)
NOT_CERTIFIED = ("tanda tangan elektronik tidak tersertifikasi (sertifikat lokal, bukan dari PSrE yang"
                 " diakui; PP 71/2019 pasal 60)")
UNKNOWN_KIND = "tanda tangan elektronik; penerbit sertifikatnya perlu diperiksa"


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


# --- what changed after a signature ----------------------------------------------------------


def info_of_revision(resolver) -> dict:
    """The document information entries of one revision (a HistoricalResolver), as text."""
    try:
        ref = resolver.trailer_view.raw_get("/Info")
    except KeyError:
        return {}
    try:
        info = resolver(ref.reference) if hasattr(ref, "reference") else ref
        return {str(k): str(v) for k, v in info.items()}
    except Exception:  # unreadable: compare as empty
        return {}


_INFO_NAMES = {"/Keywords": "Keywords (kode laporan)", "/Title": "judul", "/Subject": "subjek",
               "/Author": "penulis", "/Creator": "pembuat", "/Producer": "producer"}
_SIGNING_UPDATES = ("/ModDate", "/Producer")
_LEVEL_TEXT = {
    ModificationLevel.LTA_UPDATES: "data pendukung ditambahkan (DSS/cap waktu)",
    ModificationLevel.FORM_FILLING: "isian formulir diubah",
    ModificationLevel.ANNOTATIONS: "anotasi ditambahkan atau diubah",
    ModificationLevel.OTHER: "isi dokumen diubah",
}


def _empty_fields(resolver) -> dict[str, tuple]:
    """Empty signature fields of a revision and their rectangles (the spots the report prepared)."""
    from pyhanko.sign import fields

    found = {}
    try:
        for name, value, ref in fields.enumerate_sig_fields(resolver):
            if value is None:
                obj = ref.get_object()
                rect = obj.get("/Rect") or obj.get("/Kids", [{}])[0].get_object().get("/Rect")
                found[name] = tuple(round(float(v), 2) for v in rect) if rect else None
    except Exception:  # no readable form: nothing was prepared
        return {}
    return found


def _field_rect(resolver, field_name: str):
    from pyhanko.sign import fields

    for _name, _value, ref in fields.enumerate_sig_fields(resolver, with_name=field_name):
        obj = ref.get_object()
        rect = obj.get("/Rect") or obj.get("/Kids", [{}])[0].get_object().get("/Rect")
        return tuple(round(float(v), 2) for v in rect) if rect else None
    return None


def revision_change(reader, revision: int, signed_here: str | None) -> dict:
    """What revision ``revision`` changed against the one before: ``{"revision", "allowed", "what"}``.

    ``signed_here`` names the signature field whose signature this revision added (None: none did).
    """
    old, new = reader.get_historical_resolver(revision - 1), reader.get_historical_resolver(revision)
    what: list[str] = []
    try:
        diff = DEFAULT_DIFF_POLICY.apply(old, new)
        level, changed = diff.modification_level, set(diff.changed_form_fields)
    except SuspiciousModification:
        level, changed = ModificationLevel.OTHER, set()
        what.append("perubahan di luar isian dan tanda tangan (isi atau susunan dokumen)")
    except Exception:  # pyHanko cannot compare the two revisions: not a change we can call harmless
        level, changed = ModificationLevel.OTHER, set()
        what.append("perubahan yang tidak dapat diperiksa")
    before, after = info_of_revision(old), info_of_revision(new)
    info_changed = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
    if signed_here is not None:       # signing itself stamps the modification date and producer
        info_changed = [k for k in info_changed if k not in _SIGNING_UPDATES]
    if info_changed:
        what.append("metadata dokumen diubah: " + ", ".join(_INFO_NAMES.get(k, k.lstrip("/")) for k in info_changed))
    prepared = _empty_fields(old)
    if signed_here is not None:
        label = field_label(signed_here)
        in_spot = signed_here in prepared and prepared[signed_here] == _field_rect(new, signed_here)
        if not in_spot:
            what.append(f"tanda tangan {label} dalam kotak baru yang tidak disiapkan laporan")
        changed.discard(signed_here)
        if in_spot and not what and not changed and level <= ModificationLevel.FORM_FILLING:
            return {"revision": revision, "allowed": True,
                    "what": f"tanda tangan {label} pada tempat yang disiapkan"}
    if changed:
        what.append("isian diubah: " + ", ".join(field_label(n) for n in sorted(changed)))
    if not what:
        what.append(_LEVEL_TEXT.get(level, "perubahan tanpa isi (revisi kosong)"))
    return {"revision": revision, "allowed": False, "what": "; ".join(what)}


# --- one signature ---------------------------------------------------------------------------


def _check_signature(embedded, context: ValidationContext, changes: list[dict]) -> dict:
    role = role_of_field(embedded.field_name)
    result = {
        "field": embedded.field_name,
        "role": field_label(embedded.field_name),
        "kind": NOT_CERTIFIED if role is not None else UNKNOWN_KIND,
        "signer": "",
        "signing_time": None,
        "intact": False,
        "coverage": "altered",
        "trusted": False,
        "changes": changes,
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
    result["trusted"] = bool(status.trusted)
    not_allowed = [c for c in changes if not c["allowed"]]
    if not_allowed or not status.docmdp_ok:
        result["coverage"] = "altered"
    else:
        result["coverage"] = "entire_file" if not changes else "later_changes_harmless"
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

    Returns ``{"path", "signatures": [{"field", "role", "kind", "signer", "signing_time" (ISO 8601
    or None), "intact", "coverage" ("entire_file" | "later_changes_harmless" | "altered"),
    "trusted", "changes": [{"revision", "allowed", "what"}], "ok", "problem"}], "all_ok"}``;
    ``all_ok`` needs at least one signature and every one intact, trusted and followed only by
    allowed changes.  Certificates are checked at the current time, offline.
    """
    data = read_pdf(path)
    reader = open_reader(data, path)
    context = ValidationContext(trust_roots=_load_trust(trust), allow_fetching=False,
                                revocation_mode="soft-fail")
    try:
        embedded = list(reader.embedded_regular_signatures)
        revisions = reader.xrefs.total_revisions
        added_by = {e.signed_revision: e.field_name for e in embedded}
        first = min(added_by, default=revisions)
        changes = {revision: revision_change(reader, revision, added_by.get(revision))
                   for revision in range(first + 1, revisions)}
    except Exception as exc:
        raise SigningError(
            f"Tanda tangan di PDF {path} rusak dan tidak dapat dibaca."
        ) from exc
    signatures = [_check_signature(sig, context, [changes[r] for r in range(sig.signed_revision + 1, revisions)])
                  for sig in embedded]
    return {
        "path": str(path),
        "signatures": signatures,
        "all_ok": bool(signatures) and all(s["ok"] for s in signatures),
    }


_COVERAGE_TEXT = {
    "entire_file": "seluruh dokumen",
    "later_changes_harmless": "revisi yang ditandatangani; sesudahnya hanya perubahan yang diizinkan",
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
        lines.append(f"{number}. {sig['role']}: {sig['signer'] or '?'}, {when}")
        lines.append(f"   utuh: {yes[bool(sig['intact'])]}; mencakup: {_COVERAGE_TEXT[sig['coverage']]};"
                     f" tepercaya: {yes[bool(sig['trusted'])]}")
        lines.append(f"   jenis: {sig['kind']}")
        for change in sig["changes"]:
            verdict = "diizinkan" if change["allowed"] else "TIDAK diizinkan"
            lines.append(f"   sesudahnya: {change['what']} ({verdict})")
        if sig["problem"]:
            lines.append(f"   masalah: {sig['problem']}")
    if trust_hint:
        lines.append(f"Belum ada sertifikat tepercaya: {trust_hint}")
    lines.append("Semua tanda tangan utuh dan tepercaya." if report["all_ok"] else
                 "Tidak semua tanda tangan sah dan tepercaya, atau dokumen diubah sesudahnya: jangan pakai sebagai"
                 " dokumen resmi.")
    return lines
