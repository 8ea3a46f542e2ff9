"""Export a unit's package and read one back defensively (docs/packages.md).

Export: the rows the installation's unit writes, tombstones included, into a new SQLite file with
a manifest, signed with the installation's key (:mod:`.keys`).  The file is built under a
temporary name and renamed when complete.

Reading (:class:`PackageReader`) treats the file as hostile: it is read once into memory within a
size limit, its header checked, and that copy deserialized into a private in-memory database with
``trusted_schema=OFF`` and ``query_only``; sqlite_master must equal the expected schema exactly
(no trigger, view, extra table, column or index); ``integrity_check`` must pass; then the manifest,
the whole-file signature, row counts, the content digest and the owner of every row.  A package of
an older schema is migrated in a private in-memory copy; a newer one is refused.  Nothing here writes to a
plan file.
"""
from __future__ import annotations

import os
import secrets
import sqlite3
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path

from .. import APP_NAME, __version__
from . import package_format as fmt
from .errors import FileError
from .keys import InstallationKey, fingerprint, installation_key, key_status, next_sequence, verify_signature
from .package_format import PackageError
from .package_rules import invalid_rows
from .rows import utc_now
from .schema import TABLES
from .store import Store, latest_schema_version, migrations


# -- export -------------------------------------------------------------------------------------
@dataclass
class ExportResult:
    path: Path
    manifest: dict
    package_digest: str
    fingerprint: str

    @property
    def total_rows(self) -> int:
        return sum(self.manifest["row_counts"].values())


def export_package(store: Store, target: str | os.PathLike | None = None, *, unit: str | None = None,
                   folder: str | os.PathLike | None = None) -> ExportResult:
    """Write the package of this installation's unit to ``target`` (or a default name in ``folder``).

    ``unit`` only confirms which unit is meant: a file exports the rows of its own unit, signed by
    its own key.  Refuses to overwrite a file.  Reads the plan in one snapshot; writes only the
    package, the key (at the first export) and the key's sequence counter.
    """
    own = store.unit_code
    if unit and unit.strip().upper() != own:
        raise FileError(f"Berkas {store.path.name} milik satker {own}; paket hanya dapat dibuat untuk satker "
                        f"berkas itu sendiri, bukan {unit}. Buka berkas satker {unit} di komputernya.")
    schema = fmt.package_schema(store.schema_version)
    tables = _read_own_rows(store.conn, schema, own)
    if target is not None and Path(target).is_dir():
        folder, target = target, None
    parent = Path(target).parent if target is not None else Path(folder or ".")
    if not parent.is_dir():
        raise FileError(f"Folder {parent} tidak ada. Pilih folder tujuan yang sudah ada untuk menyimpan paket.")
    key = installation_key(store.path)
    sequence = next_sequence(store.path)
    if target is None:
        path = Path(folder or ".") / fmt.default_file_name(own, sequence)
        n = 1
        while path.exists():     # a new key restarts the sequence: never overwrite an older package
            n += 1
            path = path.with_name(f"{fmt.default_file_name(own, sequence)[:-len(fmt.EXTENSION)]}-{n}{fmt.EXTENSION}")
    else:
        path = Path(target)
    if path.exists():
        raise FileError(f"Berkas {path.name} sudah ada. Pilih nama lain agar berkas itu tidak tertimpa.")
    body = write_package(path, unit=own, schema_version=store.schema_version, tables=tables, key=key,
                         sequence=sequence)
    manifest = fmt.parse_manifest(body.decode("utf-8"), store.schema_version)
    return ExportResult(path, manifest, fmt.package_digest(body), key.fingerprint)


def suggested_file_name(store: Store) -> str:
    """The default name of this installation's next package (``LPS-LOBAR_2026-11-28_0003.rpkg``)."""
    from .keys import peek_sequence
    return fmt.default_file_name(store.unit_code, peek_sequence(store.path))


def _read_own_rows(conn, schema: fmt.PackageSchema, unit: str) -> dict[str, list[tuple]]:
    cur = conn.cursor()
    cur.row_factory = None
    began = not conn.in_transaction
    if began:
        cur.execute("BEGIN")      # one snapshot of every table
    try:
        return {name: cur.execute(f"SELECT {', '.join(cols)} FROM {name} WHERE owner_unit = ? ORDER BY id",
                                  (unit,)).fetchall()
                for name, cols in schema.tables.items()}
    finally:
        if began:
            cur.execute("COMMIT")


def write_package(path: Path, *, unit: str, schema_version: int, tables: dict[str, list[tuple]],
                  key: InstallationKey, sequence: int, created_at: str | None = None,
                  manifest_overrides: dict | None = None) -> bytes:
    """Build a signed package at ``path`` from rows in package column order; return the manifest body.

    ``manifest_overrides`` replaces manifest fields before signing (tests make inconsistent but
    validly signed packages with it).
    """
    schema = fmt.package_schema(schema_version)
    tmp = path.with_name(path.name + ".baru")
    tmp.unlink(missing_ok=True)
    placeholder = secrets.token_bytes(fmt.SIGNATURE_BYTES)
    conn = sqlite3.connect(tmp, isolation_level=None)
    try:
        conn.execute(f"PRAGMA page_size = {fmt.PAGE_SIZE}")
        conn.execute(f"PRAGMA application_id = {fmt.PACKAGE_APPLICATION_ID}")
        conn.execute(f"PRAGMA user_version = {schema_version}")
        conn.execute("BEGIN")
        for statement in schema.ddl:
            conn.execute(statement)
        for name, cols in schema.tables.items():
            conn.executemany(f"INSERT INTO {name} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                             tables.get(name, ()))
        # The digest is computed from what the file holds (after SQLite's type affinity), exactly
        # as a reader will recompute it.
        stored = [(name, cols, conn.execute(f"SELECT {', '.join(cols)} FROM {name} ORDER BY id").fetchall())
                  for name, cols in schema.tables.items()]
        manifest = {
            "format": fmt.FORMAT, "format_version": fmt.FORMAT_VERSION, "application": APP_NAME,
            "schema_version": schema_version, "app_version": __version__, "unit": unit,
            "sequence": sequence, "created_at": created_at or utc_now(),
            "row_counts": {name: len(rows) for name, _, rows in stored},
            "content_digest": fmt.digest_tables(stored), "public_key": key.public_key.hex(),
            **(manifest_overrides or {}),
        }
        body = fmt.manifest_bytes(manifest)
        conn.execute("INSERT INTO manifest (body) VALUES (?)", (body.decode("utf-8"),))
        conn.execute("INSERT INTO signature (value) VALUES (?)", (placeholder,))
        conn.execute("COMMIT")
    finally:
        conn.close()
    try:
        data = bytearray(tmp.read_bytes())
        at = data.find(placeholder)
        if at < 0 or data.find(placeholder, at + 1) >= 0:
            raise FileError("Paket tidak dapat ditandatangani (tempat tanda tangan tidak ditemukan). Coba lagi.")
        data[at:at + fmt.SIGNATURE_BYTES] = bytes(fmt.SIGNATURE_BYTES)
        data[at:at + fmt.SIGNATURE_BYTES] = key.sign(fmt.signed_message(bytes(data)))
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return body


# -- reading --------------------------------------------------------------------------------------
@dataclass
class PackageContent:
    """The verified rows of a package in the current schema: table -> (columns, rows sorted by id)."""
    tables: dict[str, tuple[tuple, list[tuple]]]

    @property
    def total(self) -> int:
        return sum(len(rows) for _, rows in self.tables.values())


class PackageReader:
    """One package opened defensively.  Use :meth:`open`; then :meth:`read_content`; then :meth:`close`
    (or use it as a context manager).

    The file is read once into memory (within the size limit) and every check runs on that copy,
    deserialized into a private in-memory database: what is verified is exactly what is merged,
    whatever happens to the file meanwhile, and no temporary file is written.
    """

    def __init__(self, path: Path, data: bytes, schema_version: int):
        self.path = path
        self._bytes: bytes | None = data
        self.schema_version = schema_version
        self._conn: sqlite3.Connection | None = None   # opened on demand, closed by suspend()/close()
        self._migrated = False
        self.manifest: dict = {}
        self.body = b""
        self.public_key = b""
        self._content: PackageContent | None = None

    # identity --------------------------------------------------------------------------------
    @property
    def unit(self) -> str:
        return self.manifest["unit"]

    @property
    def sequence(self) -> int:
        return self.manifest["sequence"]

    @property
    def package_digest(self) -> str:
        return fmt.package_digest(self.body)

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public_key)

    @property
    def size(self) -> int:
        return len(self._bytes or b"")

    # opening ---------------------------------------------------------------------------------
    @classmethod
    def open(cls, path: str | os.PathLike) -> "PackageReader":
        """Header, schema, manifest and the whole-file signature (enough to know who signed it).
        Raises PackageError."""
        path = Path(path)
        data = _read_limited(path)
        reader = cls(path, data, fmt.check_header(path.name, data[:100], len(data)))
        try:
            reader._check_structure_and_signature(data)
        except BaseException:
            reader.close()
            raise
        return reader

    def _db(self) -> sqlite3.Connection:
        if self._conn is None:
            if self._bytes is None:
                self._reload()
            # One thread at a time, not always the same: the merge verifies the next package in a
            # helper thread while the current one commits.
            conn = sqlite3.connect(":memory:", check_same_thread=False)
            try:
                conn.deserialize(self._bytes)
                conn.execute("PRAGMA trusted_schema = OFF")
                conn.execute("PRAGMA cell_size_check = ON")
                conn.execute("PRAGMA query_only = ON")
            except BaseException:
                conn.close()
                raise
            self._conn = conn
        return self._conn

    def _disconnect(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def suspend(self, *, release: bool = False) -> None:
        """Close the in-memory database until it is needed again (a batch holds hundreds of
        packages); with ``release`` free the bytes too: they are then read and checked again from
        the file, which must still hold the same package."""
        if self._content is None and not self._migrated:
            self._disconnect()
            if release:
                self._bytes = None

    def _reload(self) -> None:
        again = PackageReader.open(self.path)
        if again.body != self.body:
            raise PackageError(f"Berkas {self.path.name} berubah selama penggabungan. Gabungkan lagi.")
        self._bytes = again._bytes

    def _check_structure_and_signature(self, data: bytes) -> None:
        name = self.path.name
        try:
            conn = self._db()
            found = set(conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master"))
            _compare_schema(name, found, fmt.package_schema(self.schema_version).master)
            bodies = conn.execute("SELECT body, typeof(body) FROM manifest LIMIT 2").fetchall()
            sigs = conn.execute("SELECT value, typeof(value) FROM signature LIMIT 2").fetchall()
        except PackageError:
            raise
        except (sqlite3.DatabaseError, UnicodeDecodeError):
            raise PackageError(f"Berkas {name} rusak dan tidak dapat dibaca sebagai paket. "
                               "Minta satker mengirim ulang paketnya.") from None
        if len(bodies) != 1 or bodies[0][1] != "text" or len(bodies[0][0]) > fmt.MAX_MANIFEST_BYTES:
            raise PackageError(f"Paket {name} tidak memiliki satu manifest yang sah. Minta satker mengekspor ulang.")
        if len(sigs) != 1 or sigs[0][1] != "blob" or len(sigs[0][0]) != fmt.SIGNATURE_BYTES:
            raise PackageError(f"Paket {name} tidak bertanda tangan. Minta satker mengekspor ulang paketnya.")
        self.manifest = fmt.parse_manifest(bodies[0][0], self.schema_version)
        self.body = bodies[0][0].encode("utf-8")
        self.public_key = bytes.fromhex(self.manifest["public_key"])
        signature = bytes(sigs[0][0])
        at = data.find(signature)
        valid = at >= 0 and data.find(signature, at + 1) < 0
        if valid:
            zeroed = data[:at] + bytes(fmt.SIGNATURE_BYTES) + data[at + fmt.SIGNATURE_BYTES:]
            valid = verify_signature(self.public_key, signature, fmt.signed_message(zeroed))
        if not valid:
            raise PackageError(
                f"Tanda tangan paket {name} tidak sah: isi berkas telah berubah setelah ditandatangani "
                "(rusak dalam pengiriman atau diubah). Minta satker mengirim ulang paketnya.")

    # content ---------------------------------------------------------------------------------
    def read_content(self) -> PackageContent:
        """Integrity, row counts, content digest and owners checked; rows in the current schema."""
        if self._content is not None:
            return self._content
        name, unit = self.path.name, self.unit
        schema = fmt.package_schema(self.schema_version)
        counts = self.manifest["row_counts"]
        try:
            conn = self._db()
            check = conn.execute("PRAGMA integrity_check").fetchall()
            if check != [("ok",)]:
                raise PackageError(f"Berkas {name} rusak (pemeriksaan integritas: {check[0][0]}). "
                                   "Minta satker mengirim ulang paketnya.")
            tables = []
            for table, cols in schema.tables.items():
                rows = conn.execute(f"SELECT {', '.join(cols)} FROM {table} ORDER BY id").fetchall()
                if len(rows) != counts[table]:
                    raise PackageError(
                        f"Paket {name} tidak utuh: tabel {TABLES[table].label} berisi {len(rows)} baris, "
                        f"manifest menyebut {counts[table]}. Minta satker mengekspor ulang paketnya.")
                _check_owners(name, table, cols, rows, unit)
                tables.append((table, cols, rows))
            digest = fmt.digest_tables(tables)
        except PackageError:
            raise
        except (sqlite3.DatabaseError, UnicodeDecodeError, TypeError, ValueError):
            raise PackageError(f"Paket {name} berisi nilai yang tidak dapat dibaca (bukan teks/angka). "
                               "Minta satker mengekspor ulang paketnya.") from None
        if digest != self.manifest["content_digest"]:
            raise PackageError(f"Isi paket {name} tidak cocok dengan ringkasan (digest) di manifestnya. "
                               "Paket ditolak; minta satker mengekspor ulang.")
        if self.schema_version < schema.latest:
            tables = self._migrate(tables)
        self._content = PackageContent({t: (tuple(c), rows) for t, c, rows in tables})
        return self._content

    def _migrate(self, tables) -> list:
        """Put the rows of an older schema into a private database of that schema, run the newer
        migrations on it, and read the rows back in the current schema."""
        conn = sqlite3.connect(":memory:", check_same_thread=False)
        try:
            for number, script in migrations():
                if number <= self.schema_version:
                    conn.executescript(script.read_text(encoding="utf-8"))
            with conn:
                for table, cols, rows in tables:
                    conn.executemany(f"INSERT INTO {table} ({', '.join(cols)}) VALUES "
                                     f"({', '.join('?' * len(cols))})", rows)
            for number, script in migrations():
                if number > self.schema_version:
                    conn.executescript(script.read_text(encoding="utf-8"))
            conn.commit()
            conn.execute("PRAGMA query_only = ON")
        except BaseException:
            conn.close()
            raise
        self._disconnect()
        self._conn, self._migrated = conn, True
        current = fmt.package_schema(latest_schema_version())
        return [(t, cols, conn.execute(f"SELECT {', '.join(cols)} FROM {t} ORDER BY id").fetchall())
                for t, cols in current.tables.items()]

    def invalid_rows(self, table: str) -> dict[str, str]:
        """Rows of ``table`` whose values the plan would refuse: id -> Indonesian reason."""
        cols, rows = self.read_content().tables[table]
        return invalid_rows(table, cols, rows)

    def close(self) -> None:
        self._disconnect()
        self._bytes = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _read_limited(path: Path) -> bytes:
    if not path.exists():
        raise PackageError(f"Berkas {path} tidak ditemukan. Periksa nama dan foldernya.")
    if path.is_dir():
        raise PackageError(f"{path} adalah folder, bukan berkas paket.")
    try:
        with path.open("rb") as fh:
            return fh.read(fmt.MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise PackageError(f"Berkas {path.name} tidak dapat dibaca ({exc.strerror}).") from None


def _compare_schema(name: str, found: set, expected: frozenset) -> None:
    if found == expected:
        return
    known = {name for _, name, _, _ in expected}
    extra = sorted((r for r in found if r[1] not in known), key=lambda r: (r[0], r[1]))
    kinds = {"trigger": "trigger", "view": "view", "table": "tabel", "index": "indeks"}
    if extra:
        listed = ", ".join(f"{kinds.get(t, t)} “{n}”" for t, n, _, _ in extra[:5])
        raise PackageError(f"Paket {name} berisi objek di luar skema paket ({listed}). "
                           "Paket seperti ini tidak diterima; minta satker mengekspor ulang dari aplikasi.")
    changed = sorted({n for _, n, _, _ in (found ^ expected)})
    raise PackageError(f"Struktur tabel paket {name} tidak sesuai skema paket ({', '.join(changed[:5])}). "
                       "Minta satker mengekspor ulang dari aplikasi.")


def _check_owners(name: str, table: str, cols, rows: list[tuple], unit: str) -> None:
    """Every row written by the manifest's unit; a unit's rows only about itself; reference data
    only from the Kanwil (the service's rules, checked on the fetched rows)."""
    if not rows:
        return
    spec = TABLES[table]
    if spec.reference and unit != "KANWIL":
        raise PackageError(f"Paket {name} dari satker {unit} berisi data rujukan ({spec.label}) yang hanya "
                           "ditetapkan Kantor Wilayah; paket ditolak.")
    others = set(map(itemgetter(cols.index("owner_unit")), rows)) - {unit}
    sets_for_units = unit == "KANWIL" and (spec.reference or table == "indicator_target")
    if not others and "unit_code" in cols and not sets_for_units:
        others = set(map(itemgetter(cols.index("unit_code")), rows)) - {unit}
    if others:
        raise PackageError(
            f"Paket {name} dari satker {unit} berisi baris {spec.label} milik/untuk satker {sorted(map(str, others))[0]}. "
            f"Paket satu satker hanya boleh berisi baris yang ditulis satker itu; paket ditolak.")


# -- verify (the CLI's verify-package and the merge's first step) --------------------------------
@dataclass
class VerifyReport:
    path: Path
    manifest: dict
    package_digest: str
    fingerprint: str
    key_status: str | None           # pinned | new | mismatch | None (no plan file to compare)
    pinned_fingerprint: str | None = None
    invalid_rows: dict = field(default_factory=dict)   # table -> {id: reason}

    def as_dict(self) -> dict:
        return {
            "file": str(self.path), "valid": True, "unit": self.manifest["unit"],
            "sequence": self.manifest["sequence"], "created_at": self.manifest["created_at"],
            "schema_version": self.manifest["schema_version"], "app_version": self.manifest["app_version"],
            "row_counts": self.manifest["row_counts"], "content_digest": self.manifest["content_digest"],
            "package_digest": self.package_digest, "fingerprint": self.fingerprint,
            "key_status": self.key_status, "pinned_fingerprint": self.pinned_fingerprint,
            "invalid_rows": self.invalid_rows,
        }


def verify_package(path: str | os.PathLike, plan: Store | None = None) -> VerifyReport:
    """Check a package completely; compare its key with the pin in ``plan`` when given."""
    from .keys import current_pin

    with PackageReader.open(path) as reader:
        content = reader.read_content()
        invalid = {t: bad for t in content.tables if (bad := reader.invalid_rows(t))}
        status = pinned = None
        if plan is not None:
            status = key_status(plan.conn, reader.unit, reader.public_key)
            pin = current_pin(plan.conn, reader.unit)
            pinned = pin["fingerprint"] if pin else None
        return VerifyReport(reader.path, reader.manifest, reader.package_digest, reader.fingerprint,
                            status, pinned, invalid)
