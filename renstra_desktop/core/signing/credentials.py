"""The signer's PKCS#12 file: key and certificate loaded, and the certificate checked (valid at the
signing time, allowed to sign) before anything is written."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from asn1crypto import keys as asn1_keys
from asn1crypto import pkcs12 as asn1_pkcs12
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from pyhanko.sign import signers
from pyhanko_certvalidator.registry import SimpleCertificateStore

from ..errors import SigningError
from .files import read_file
from .stamp import format_signing_time


@dataclass(frozen=True)
class Credentials:
    """The signer's certificate (for the stamp's defaults) and pyHanko's signer."""
    cert: x509.Certificate
    signer: signers.SimpleSigner


def load_credentials(p12_path, password: bytes, now: datetime) -> Credentials:
    """Key and certificate from ``p12_path``; the certificate must be valid at ``now`` and may sign."""
    data = read_file(p12_path, "Berkas sertifikat", " Periksa nama dan lokasinya.")
    try:
        asn1_pkcs12.Pfx.load(data, strict=True).native  # noqa: B018 - validates the structure
    except Exception as exc:
        raise SigningError(
            f"Berkas {p12_path} bukan sertifikat PKCS#12 (.p12/.pfx)."
            " Pilih berkas sertifikat tanda tangan Anda."
        ) from exc
    key = cert = None
    for candidate in (password, None) if not password else (password,):
        try:  # an empty password may mean "" or no password at all
            key, cert, extra = pkcs12.load_key_and_certificates(data, candidate)
            break
        except ValueError:
            continue
    else:
        raise SigningError(
            f"Kata sandi sertifikat {Path(p12_path).name} salah. Periksa kata sandinya (huruf besar/kecil) lalu coba lagi."
        )
    if key is None or cert is None:
        raise SigningError(
            f"Berkas {Path(p12_path).name} tidak berisi kunci privat dan sertifikat penanda"
            " tangan. Minta berkas PKCS#12 yang lengkap kepada pengelola sertifikat."
        )
    _check_certificate(cert, now)
    der = serialization.Encoding.DER
    signer = signers.SimpleSigner(
        signing_cert=asn1_x509.Certificate.load(cert.public_bytes(der)),
        signing_key=asn1_keys.PrivateKeyInfo.load(key.private_bytes(
            der, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())),
        cert_registry=SimpleCertificateStore.from_certs(
            [asn1_x509.Certificate.load(c.public_bytes(der)) for c in extra]
        ),
    )
    return Credentials(cert, signer)


def common_name(cert: x509.Certificate) -> str:
    """The subject's CN (the stamp's default name), else the whole subject."""
    names = cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    return str(names[0].value) if names else cert.subject.rfc4514_string()


def title(cert: x509.Certificate) -> str:
    """The subject's title attribute (the stamp's default jabatan), or empty."""
    titles = cert.subject.get_attributes_for_oid(x509.NameOID.TITLE)
    return str(titles[0].value) if titles else ""


def _check_certificate(cert: x509.Certificate, now: datetime) -> None:
    who = common_name(cert)
    starts, ends = (t.astimezone(now.tzinfo) for t in
                    (cert.not_valid_before_utc, cert.not_valid_after_utc))
    if now < starts:
        raise SigningError(
            f"Sertifikat {who} baru berlaku mulai {format_signing_time(starts)}."
            " Periksa jam komputer atau tunggu sampai sertifikat berlaku."
        )
    if now > ends:
        raise SigningError(
            f"Sertifikat {who} sudah kedaluwarsa sejak {format_signing_time(ends)}."
            " Perpanjang sertifikatnya dulu."
        )
    try:
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return  # no restriction (RFC 5280)
    if not (usage.digital_signature or usage.content_commitment):
        raise SigningError(
            f"Sertifikat {who} tidak boleh dipakai untuk tanda tangan (key usage tanpa"
            " digitalSignature/nonRepudiation). Gunakan sertifikat tanda tangan elektronik."
        )
