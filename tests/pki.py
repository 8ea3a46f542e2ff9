"""A throw-away PKI for signing tests: a root CA, signer PKCS#12 files and an unsigned PDF.

Built with ``cryptography`` in a temporary folder; nothing here is trusted anywhere else.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

PASSWORD = b"rahasia-uji-123"

KONSEPTOR_NAME = "Baiq Nurul Hidayati, S.E."
KONSEPTOR_TITLE = "Analis Perencanaan Ahli Muda"
KEPALA_NAME = "I Made Suardana, S.H., M.H."
KEPALA_TITLE = "Kepala Kantor Wilayah"


@dataclass(frozen=True)
class TestPki:
    directory: Path
    password: bytes
    root_pem: Path
    root_der: bytes
    konseptor_p12: Path
    kepala_p12: Path
    expired_p12: Path
    not_yet_valid_p12: Path
    key_encipherment_p12: Path
    untrusted_p12: Path  # valid signer cert issued by another, untrusted root
    unsigned_pdf: Path  # two A4 pages, uncompressed content streams, a signature spot per role


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _name(common_name: str, title: str | None = None) -> x509.Name:
    attrs = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Kanwil Ditjenpas NTB (uji)"),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ]
    if title:
        attrs.append(x509.NameAttribute(NameOID.TITLE, title))
    return x509.Name(attrs)


def _root(common_name: str, now: dt.datetime):
    key = _key()
    name = _name(common_name)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=365))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True, content_commitment=False, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=True,
                crl_sign=True, encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return key, cert


def _signer(root_key, root_cert, common_name, title, *, not_before, not_after, signing=True):
    key = _key()
    usage = x509.KeyUsage(
        digital_signature=signing, content_commitment=signing, key_encipherment=not signing,
        data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
        encipher_only=False, decipher_only=False,
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name, title))
        .issuer_name(root_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(usage, critical=True)
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()),
            critical=False,
        )
        .sign(root_key, hashes.SHA256())
    )
    return key, cert


def _write_p12(path: Path, key, cert, root_cert, password: bytes) -> Path:
    data = pkcs12.serialize_key_and_certificates(
        name=b"signer", key=key, cert=cert, cas=[root_cert],
        encryption_algorithm=serialization.BestAvailableEncryption(password),
    )
    path.write_bytes(data)
    return path


SPOTS = {"Sig_Konseptor": (42, 42, 262, 122), "Sig_Kepala": (333, 42, 553, 122)}   # last page


def make_unsigned_pdf(path: Path, pages: int = 2) -> Path:
    """A small A4 report with readable text and, like every report, an empty signature field per
    role at the bottom of the last page (konseptor left, kepala right)."""
    from io import BytesIO

    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = BytesIO()
    c = canvas.Canvas(buffer, pagesize=A4, pageCompression=0)
    c.setTitle("Laporan uji")
    for number in range(1, pages + 1):
        c.setFont("Helvetica-Bold", 14)
        c.drawString(72, 770, "Renstra 2025-2029 Kanwil Ditjenpas NTB")
        c.setFont("Helvetica", 11)
        c.drawString(72, 740, f"Halaman {number}: capaian IKK 17.1 sebesar 98,50 %.")
        c.showPage()
    c.save()
    writer = IncrementalPdfFileWriter(BytesIO(buffer.getvalue()))
    for name, box in SPOTS.items():
        fields.append_signature_field(writer, fields.SigFieldSpec(name, on_page=pages - 1, box=box))
    out = BytesIO()
    writer.write(out)
    path.write_bytes(out.getvalue())
    return path


def make_test_pki(directory: Path, password: bytes = PASSWORD) -> TestPki:
    """Write the root certificate, six PKCS#12 files and an unsigned PDF into ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    now = dt.datetime.now(dt.timezone.utc)
    root_key, root_cert = _root("Root CA Uji Renstra", now)
    other_key, other_root = _root("Root CA Lain (tidak dipercaya)", now)
    valid = dict(not_before=now - dt.timedelta(days=30), not_after=now + dt.timedelta(days=730))

    def p12(file_name, key_cert, issuer=root_cert):
        key, cert = key_cert
        return _write_p12(directory / file_name, key, cert, issuer, password)

    root_pem = directory / "root.pem"
    root_pem.write_bytes(root_cert.public_bytes(serialization.Encoding.PEM))
    return TestPki(
        directory=directory,
        password=password,
        root_pem=root_pem,
        root_der=root_cert.public_bytes(serialization.Encoding.DER),
        konseptor_p12=p12(
            "konseptor.p12",
            _signer(root_key, root_cert, KONSEPTOR_NAME, KONSEPTOR_TITLE, **valid),
        ),
        kepala_p12=p12(
            "kepala.p12", _signer(root_key, root_cert, KEPALA_NAME, KEPALA_TITLE, **valid)
        ),
        expired_p12=p12(
            "expired.p12",
            _signer(root_key, root_cert, "Pegawai Kedaluwarsa", None,
                    not_before=now - dt.timedelta(days=800), not_after=now - dt.timedelta(days=1)),
        ),
        not_yet_valid_p12=p12(
            "not_yet_valid.p12",
            _signer(root_key, root_cert, "Pegawai Belum Berlaku", None,
                    not_before=now + dt.timedelta(days=10), not_after=now + dt.timedelta(days=700)),
        ),
        key_encipherment_p12=p12(
            "key_encipherment.p12",
            _signer(root_key, root_cert, "Pegawai Enkripsi", None, signing=False, **valid),
        ),
        untrusted_p12=p12(
            "untrusted.p12",
            _signer(other_key, other_root, "Pegawai Luar", None, **valid),
            issuer=other_root,
        ),
        unsigned_pdf=make_unsigned_pdf(directory / "unsigned.pdf"),
    )
