"""The unit package file format, declared once (docs/packages.md).

A package (``*.rpkg``) is a SQLite file: the plan tables of its schema version holding only the rows
its unit writes (tombstones included), a one-row ``manifest`` table (canonical JSON) and a one-row
``signature`` table.  The Ed25519 signature covers the whole file with the 64 signature bytes set
to zero, so a changed byte anywhere (free space of a page included) breaks it; the manifest's
content digest additionally ties the manifest to the rows.
"""
from __future__ import annotations

import datetime as _dt
import functools
import hashlib
import json
import re
import sqlite3
from dataclasses import dataclass

from ... import APP_NAME
from ..errors import FileError
from ..schema import PLAN_TABLES, RETIRED_TABLES
from ..store import latest_schema_version, migrations

EXTENSION = ".rpkg"
PACKAGE_APPLICATION_ID = 0x5253504B          # "RSPK": Renstra Desktop package
FORMAT = "renstra-desktop/package"
FORMAT_VERSION = 2              # 2 adds "received" to the manifest; version 1 packages are still read
MAX_SEQUENCE = 2 ** 53 - 1      # the largest export sequence: exact in every JSON reader
SIGNED_CONTEXT = b"renstra-desktop/package/1\n"
SIGNATURE_BYTES = 64
PAGE_SIZE = 1024                             # small pages: a unit package is ~140 KB instead of ~250 KB

# Limits on untrusted input (a realistic unit package has a few hundred rows and ~150 KB).
MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_ROWS_PER_TABLE = 200_000
MAX_MANIFEST_BYTES = 512 * 1024        # "received" lists up to a few thousand units
MAX_RECEIVED = 10_000

MANIFEST_DDL = ("CREATE TABLE manifest (body TEXT NOT NULL)",
                "CREATE TABLE signature (value BLOB NOT NULL)")

UNIT_CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9-]{1,39}$")
_TIME_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?Z$")
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


class PackageError(FileError):
    """A package was refused (not a package, damaged, altered, wrongly signed, …); nothing was written."""


@dataclass(frozen=True)
class PackageSchema:
    """What a package of one schema version must contain, exactly."""
    version: int
    tables: dict            # plan table -> column names in table order
    ddl: tuple              # statements that create the package's tables, in order
    master: frozenset       # {(type, name, tbl_name, sql)} expected in sqlite_master
    latest: int             # the newest schema this application knows (older packages are migrated)


@functools.lru_cache(maxsize=None)
def package_schema(version: int) -> PackageSchema:
    """The package schema of ``version``: the plan tables as migrations 1..version define them
    (their UNIQUE constraints included, other indexes left out) plus the manifest tables."""
    conn = sqlite3.connect(":memory:")
    try:
        for number, script in migrations():
            if number <= version:
                conn.executescript(script.read_text(encoding="utf-8"))
        ddl, tables = [], {}
        for name in (*PLAN_TABLES, *RETIRED_TABLES):
            row = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)).fetchone()
            if row is None:
                continue
            ddl.append(row[0])
            tables[name] = tuple(r[1] for r in conn.execute(f"PRAGMA table_info({name})"))
    finally:
        conn.close()
    ddl.extend(MANIFEST_DDL)
    probe = sqlite3.connect(":memory:")
    try:
        for statement in ddl:
            probe.execute(statement)
        master = frozenset(probe.execute("SELECT type, name, tbl_name, sql FROM sqlite_master"))
    finally:
        probe.close()
    return PackageSchema(version, tables, tuple(ddl), master, latest_schema_version())


@functools.lru_cache(maxsize=None)
def needs_migration(version: int) -> bool:
    """Whether a package of schema ``version`` must be migrated to be read in the current schema:
    some later migration names a plan table (changes its shape or its rows).  A migration of the
    installation's local tables only (key pins, signature blocks) leaves packages as they are."""
    latest = latest_schema_version()
    if version >= latest:
        return False
    for number, script in migrations():
        if version < number <= latest:
            code = "\n".join(line.split("--", 1)[0] for line in script.read_text(encoding="utf-8").splitlines())
            if set(re.findall(r"\w+", code)) & set(PLAN_TABLES):
                return True
    return package_schema(version).tables != package_schema(latest).tables


def canonical_rows(table: str, columns, rows) -> bytes:
    """One table's rows as canonical bytes: JSON of [table, columns, rows sorted by id]."""
    return json.dumps([table, list(columns), rows], ensure_ascii=False, separators=(",", ":"),
                      allow_nan=False).encode("utf-8") + b"\n"


def digest_tables(tables) -> str:
    """The content digest: SHA-256 over the canonical rows of ``(table, columns, rows)`` in order."""
    h = hashlib.sha256()
    for table, columns, rows in tables:
        h.update(canonical_rows(table, columns, rows))
    return h.hexdigest()


CHUNK_ROWS = 5000      # rows per step when a package streams (export, verification, merge)
_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode


def feed_digest(h, table: str, columns, chunks) -> int:
    """Feed ``h`` the bytes of :func:`canonical_rows` for one table whose rows (ordered by id) come
    in ``chunks`` (lists of rows), without holding them all; returns the number of rows."""
    h.update(_table_head(table, tuple(columns)))
    n = 0
    for chunk in chunks:
        if chunk:
            h.update((b"," if n else b"") + _ENCODE(chunk)[1:-1].encode("utf-8"))
            n += len(chunk)
    h.update(b"]]\n")
    return n


@functools.lru_cache(maxsize=256)
def _table_head(table: str, columns: tuple) -> bytes:
    """The bytes :func:`feed_digest` starts a table with (the same for every package of a schema)."""
    return _ENCODE([table, list(columns), []])[:-3].encode("utf-8") + b"["


def manifest_bytes(manifest: dict) -> bytes:
    return json.dumps(manifest, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def package_digest(body: bytes) -> str:
    """A package's identity: SHA-256 of its manifest body (which holds the content digest)."""
    return hashlib.sha256(body).hexdigest()


def signed_message(file_bytes: bytes) -> bytes:
    """What the key signs: the context string and SHA-256 of the file with the signature zeroed."""
    return SIGNED_CONTEXT + hashlib.sha256(file_bytes).digest()


def default_file_name(unit: str, sequence: int, when: _dt.date | None = None) -> str:
    """``LPS-LOBAR_2026-11-28_0003.rpkg``: unit, local date, export sequence."""
    when = when or _dt.date.today()
    return f"{unit}_{when.isoformat()}_{sequence:04d}{EXTENSION}"


def parse_manifest(body: str, schema_version: int) -> dict:
    """Check every field of a manifest read from an untrusted package; return it as a dict."""
    def bad(what: str):
        return PackageError(f"Manifest paket tidak sah ({what}). Minta satker mengekspor ulang paketnya.")

    try:
        data = json.loads(body)
    except ValueError:
        raise bad("bukan JSON") from None
    expected = {"format", "format_version", "application", "schema_version", "app_version", "unit",
                "sequence", "created_at", "row_counts", "content_digest", "public_key"}
    if not isinstance(data, dict):
        raise bad("kolom manifest tidak lengkap atau berlebih")
    version = data.get("format_version")
    if isinstance(version, bool) or version not in (1, FORMAT_VERSION):
        raise PackageError(f"Format paket versi {version!r} tidak dikenal. "
                           "Perbarui aplikasi Renstra Desktop untuk membacanya.")
    if set(data) != (expected if version == 1 else expected | {"received"}):
        raise bad("kolom manifest tidak lengkap atau berlebih")
    if data["format"] != FORMAT or data["application"] != APP_NAME:
        raise bad("bukan paket Renstra Desktop")
    if data["schema_version"] != schema_version:
        raise bad("versi skema manifest berbeda dengan berkasnya")
    if not isinstance(data["app_version"], str) or len(data["app_version"]) > 40:
        raise bad("versi aplikasi")
    if not isinstance(data["unit"], str) or not UNIT_CODE_RE.match(data["unit"]):
        raise bad("kode satker")
    if not _is_sequence(data["sequence"]):
        raise bad("nomor urut")
    received = data.setdefault("received", {})
    if not isinstance(received, dict) or len(received) > MAX_RECEIVED or not all(
            isinstance(u, str) and UNIT_CODE_RE.match(u) and _is_sequence(n) for u, n in received.items()):
        raise bad("nomor urut paket yang diterima")
    if not isinstance(data["created_at"], str) or not _TIME_RE.match(data["created_at"]):
        raise bad("waktu pembuatan")
    for key in ("content_digest", "public_key"):
        if not isinstance(data[key], str) or not _HEX64.match(data[key]):
            raise bad(key)
    counts = data["row_counts"]
    tables = package_schema(schema_version).tables
    if not isinstance(counts, dict) or set(counts) != set(tables) or not all(
            isinstance(n, int) and not isinstance(n, bool) and 0 <= n <= MAX_ROWS_PER_TABLE
            for n in counts.values()):
        raise bad("jumlah baris per tabel")
    return data


def _is_sequence(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_SEQUENCE


def check_header(name: str, header: bytes, size: int) -> int:
    """Refuse anything that is not a complete package file by its first 100 bytes; return its
    schema version.  The messages say what the file is when it is something else."""
    if size == 0:
        raise PackageError(f"Berkas {name} kosong (0 bita). Minta satker mengirim ulang paketnya.")
    if size > MAX_FILE_BYTES:
        raise PackageError(f"Berkas {name} terlalu besar ({size / 1048576:.1f} MB; batas paket "
                           f"{MAX_FILE_BYTES // 1048576} MB). Ini bukan paket satker yang wajar.")
    if len(header) < 100 or not header.startswith(b"SQLite format 3\x00"):
        raise PackageError(f"Berkas {name} bukan paket Renstra Desktop (bukan basis data SQLite). "
                           f"Pilih berkas {EXTENSION} yang diekspor aplikasi ini.")
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    page_count = int.from_bytes(header[28:32], "big")
    if page_size < 512 or page_size & (page_size - 1) or size != page_size * page_count:
        raise PackageError(f"Berkas {name} terpotong atau rusak (ukuran {size} bita tidak utuh). "
                           "Minta satker mengirim ulang paketnya.")
    if header[18:20] != b"\x01\x01" or int.from_bytes(header[56:60], "big") != 1:
        raise PackageError(f"Berkas {name} tidak dalam bentuk paket yang dikenal (mode jurnal atau "
                           "penyandian teks berbeda). Minta satker mengekspor ulang paketnya.")
    app_id = int.from_bytes(header[68:72], "big")
    if app_id != PACKAGE_APPLICATION_ID:
        from ..store import APPLICATION_ID
        if app_id == APPLICATION_ID:
            raise PackageError(f"Berkas {name} adalah berkas rencana (.renstra), bukan paket. Di satker, "
                               "buat paket dengan Berkas → Ekspor Paket lalu kirim berkas paketnya.")
        raise PackageError(f"Berkas {name} adalah basis data SQLite, tetapi bukan paket Renstra Desktop.")
    version = int.from_bytes(header[60:64], "big", signed=True)
    latest = latest_schema_version()
    if version > latest:
        raise PackageError(f"Paket {name} dibuat oleh versi Renstra Desktop yang lebih baru (skema {version}; "
                           f"aplikasi ini mengenal sampai {latest}). Perbarui aplikasi lalu gabungkan lagi.")
    if version < 1:
        raise PackageError(f"Paket {name} tidak menyebut versi skemanya. Minta satker mengekspor ulang.")
    return version
