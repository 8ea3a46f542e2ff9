"""PDF signature commands: sign-pdf, verify-pdf (thin wrappers over core.signing).

pyHanko loads only inside the handlers, so building the parser stays light."""
from __future__ import annotations

import getpass
import json
import logging
import sys
from pathlib import Path

from ..core.errors import SigningError
from ..core.os_errors import os_reason
from ..core.signing.roles import ORDER as ROLES
from ..core.signing.roles import ROLES as ROLE_SPECS


def register(sub) -> None:
    p = sub.add_parser("sign-pdf", help="tanda tangani PDF (PAdES, luring) dengan berkas PKCS#12")
    p.add_argument("pdf", metavar="IN.pdf")
    p.add_argument("--p12", required=True, metavar="FILE", help="sertifikat .p12/.pfx Anda")
    p.add_argument("--as", dest="role", required=True, choices=ROLES,
                   help="peran: konseptor (disiapkan oleh) lalu kepala (disetujui oleh)")
    p.add_argument("-o", "--output", required=True, metavar="OUT.pdf")
    p.add_argument("--password-file", metavar="F",
                   help="baca kata sandi dari berkas ini (baris pertama); bawaan: ditanyakan")
    p.add_argument("--nama", help="nama pada cap tanda tangan (bawaan: dari sertifikat)")
    p.add_argument("--jabatan", help="jabatan pada cap tanda tangan (bawaan: dari sertifikat)")
    p.set_defaults(handler=cmd_sign_pdf)

    p = sub.add_parser("verify-pdf", help="periksa tanda tangan PDF; keluar 0 bila semua sah")
    p.add_argument("pdf", metavar="FILE")
    p.add_argument("--trust", action="append", default=[], metavar="CERT",
                   help="sertifikat akar tepercaya (PEM/DER); boleh diulang")
    p.add_argument("--json", action="store_true", help="keluaran JSON")
    p.set_defaults(handler=cmd_verify_pdf)


def _password(args) -> bytes:
    if args.password_file is None:
        return getpass.getpass("Kata sandi sertifikat: ").encode("utf-8")
    ask = "atau hilangkan --password-file agar kata sandi ditanyakan."
    try:
        lines = Path(args.password_file).read_bytes().splitlines()
    except FileNotFoundError:
        raise SigningError(f"Berkas kata sandi {args.password_file} tidak ditemukan. Periksa namanya, {ask}") from None
    except OSError as exc:
        raise SigningError(
            f"Berkas kata sandi {args.password_file} tidak dapat dibaca ({os_reason(exc)}). Periksa izinnya, {ask}"
        ) from None
    return lines[0] if lines else b""


def cmd_sign_pdf(args) -> int:
    from ..core.signing.sign import sign_pdf

    result = sign_pdf(args.pdf, args.output, args.p12, _password(args), args.role,
                      signer_name=args.nama, jabatan=args.jabatan)
    for warning in result.warnings:
        print(f"Peringatan: {warning}", file=sys.stderr)
    print(f"PDF ditandatangani sebagai {ROLE_SPECS[args.role].label}: {args.output}")
    return 0


def cmd_verify_pdf(args) -> int:
    from ..core.signing.verify import describe, verify_pdf

    # pyHanko logs a traceback for every untrusted chain; the report already says it.
    logging.getLogger("pyhanko").setLevel(logging.ERROR)
    report = verify_pdf(args.pdf, args.trust)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        hint = None if args.trust else "berikan sertifikat akar dengan --trust AKAR.pem."
        print("\n".join(describe(report, hint)))
    return 0 if report["all_ok"] else 1
