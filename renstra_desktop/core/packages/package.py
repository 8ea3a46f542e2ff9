"""Read a unit's package back defensively and verify it (docs/packages.md); export is
:mod:`.package_export`.

:class:`PackageReader` treats the file as hostile: it is read once into memory within a size
limit, its header checked, and that copy deserialized into a private in-memory database with
``trusted_schema=OFF`` and ``query_only``; sqlite_master must equal the expected schema exactly
(no trigger, view, extra table, column or index); ``integrity_check`` must pass; then the manifest,
the whole-file signature, row counts, the content digest and the owner of every row.  A package of
an older schema is migrated in a private in-memory copy; a newer one is refused.  Rows stream out
in chunks, so memory stays bounded by the package's size.  Nothing here writes to a plan file.
"""
from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
from dataclasses import dataclass, field
from pathlib import Path

from . import package_format as fmt
from .keys import current_pin, fingerprint, key_status, units_sharing, verify_signature
from ..os_errors import SPECIAL_FILE, is_special_file, os_reason
from .package_format import PackageError
from .package_rules import invalid_rows
from ..schema import table_spec
from ..store import Store, latest_schema_version, migrations
from ..write_rules import EVENT_TABLE, event_refusal, ownership_refusal


class PackageReader:
    """One package opened defensively: :meth:`open` (header, schema, manifest, signature), then
    :meth:`verify` (integrity, counts, digest, owners), then its rows table by table in chunks
    (:meth:`chunks`), then :meth:`close` (or use it as a context manager).

    The file is read once into memory (within the size limit) and deserialized into a private
    in-memory database; every check runs on that copy: what is verified is exactly what is merged,
    whatever happens to the file meanwhile, and no temporary file is written.  Rows stream out in
    chunks of ``package_format.CHUNK_ROWS``, so a package's rows are never all held as Python objects
    at once (a table that fits in one chunk is kept from verification to the merge).
    """

    def __init__(self, path: Path, nbytes: int, schema_version: int):
        self.path = path
        self.nbytes = nbytes                             # size of the file
        self.schema_version = schema_version
        self._conn: sqlite3.Connection | None = None     # the package, deserialized in memory
        self._bytes: bytes | None = None                 # or its bytes, while suspended
        self._migrated = False
        self._verified = False
        self._cache: dict[str, list[tuple]] = {}         # tables that fit in one chunk
        self._invalid: dict[str, tuple] = {}             # their rule breaches, found ahead (check_values)
        self._texts: dict[str, list[str]] = {}          # their rows' audit texts (verify(texts=True))
        self._ahead: dict[str, tuple] = {}               # their audit digests, built ahead (digest_ahead)
        self._shipped = False                            # verified in another process (from_state)
        self._digests: list = [None, None, None, None]   # body, its digest, public key, its fingerprint
        self.manifest: dict = {}
        self.body = b""
        self.public_key = b""

    # identity --------------------------------------------------------------------------------
    @property
    def unit(self) -> str:
        return self.manifest["unit"]

    @property
    def sequence(self) -> int:
        return self.manifest["sequence"]

    @property
    def package_digest(self) -> str:
        if self._digests[0] is not self.body:           # worked out once a body (a merge asks often)
            self._digests[:2] = [self.body, fmt.package_digest(self.body)]
        return self._digests[1]

    @property
    def fingerprint(self) -> str:
        if self._digests[2] is not self.public_key:
            self._digests[2:] = [self.public_key, fingerprint(self.public_key)]
        return self._digests[3]

    @property
    def size(self) -> int:
        """Bytes of the package this reader holds in memory now (0 once released)."""
        return self.nbytes if self._conn is not None or self._bytes is not None else 0

    @property
    def total(self) -> int:
        return sum(self.manifest["row_counts"].values())

    # opening ---------------------------------------------------------------------------------
    @classmethod
    def open(cls, path: str | os.PathLike) -> "PackageReader":
        """Header, schema, manifest and the whole-file signature (enough to know who signed it).
        Raises PackageError."""
        path = Path(path)
        data = _read_limited(path)
        reader = cls(path, len(data), fmt.check_header(path.name, data[:100], len(data)))
        try:
            reader._connect(data)
            reader._check_structure_and_signature(data)
        except BaseException:
            reader.close()
            raise
        return reader

    def fits_in_memory(self) -> bool:
        """Whether every table of the package fits in one chunk (is kept from verification to the
        merge), by its manifest: a typical unit package."""
        return all(n < fmt.CHUNK_ROWS for n in self.manifest["row_counts"].values())

    def state(self) -> tuple | None:
        """This reader as plain values (for ``marshal``), for :meth:`from_state` in another process:
        identity and, once verified, every table's rows, the rule breaches and audit digests found
        ahead.  None when verified but a table with rows is not kept in memory (:meth:`fits_in_memory`)
        or the package was migrated."""
        if self._verified and (self._migrated or any(
                n and t not in self._cache for t, n in self.manifest["row_counts"].items())):
            return None
        invalid = {t: (tuple(years), tuple(cols), found) for t, (years, cols, _rows, found) in self._invalid.items()}
        ahead = {t: (a.cols, a.origin, a.ids, a.short, a.bucket) for t, (_rows, a) in self._ahead.items()}
        return (self.nbytes, self.schema_version, self.manifest, self.body, self.public_key, self._verified,
                dict(self._cache), invalid, ahead)

    @classmethod
    def from_state(cls, path: str | os.PathLike, state: tuple) -> "PackageReader":
        """The reader :meth:`state` describes (the merge's other process, :mod:`.merge_aside`): verified,
        its rows in memory, or only opened.  Rows asked for again, or of a package only opened, are
        read from the file and verified here (the file must still hold the same package)."""
        from ..audit_chain import Ahead

        nbytes, version, manifest, body, public_key, verified, cache, invalid, ahead = state
        reader = cls(Path(path), nbytes, version)
        reader.manifest, reader.body, reader.public_key = dict(manifest), bytes(body), bytes(public_key)
        if verified:
            reader._cache = dict(cache)
            reader._invalid = {t: (years, cols, reader._cache[t], dict(found))
                               for t, (years, cols, found) in invalid.items()}
            reader._ahead = {t: (reader._cache[t], Ahead(*a)) for t, a in ahead.items()}
            reader._verified = reader._shipped = True
        return reader

    def _connect(self, data: bytes) -> None:
        # One thread at a time, not always the same: the merge verifies the next package in a
        # helper thread while the current one commits.
        conn = sqlite3.connect(":memory:", check_same_thread=False)
        try:
            conn.deserialize(data)           # SQLite's own copy: the bytes are not kept
            conn.execute("PRAGMA trusted_schema = OFF")
            conn.execute("PRAGMA cell_size_check = ON")
            conn.execute("PRAGMA query_only = ON")
        except BaseException:
            conn.close()
            raise
        self._conn = conn

    def _db(self) -> sqlite3.Connection:
        if self._conn is None:
            if self._bytes is None:
                self._reload()
            else:
                data, self._bytes = self._bytes, None
                self._connect(data)
        return self._conn

    def suspend(self, *, release: bool = False) -> None:
        """Close the in-memory database until it is needed again (a batch holds hundreds of
        packages), keeping its bytes; with ``release`` keep nothing: the package is then read and
        checked again from the file, which must still hold the same package."""
        if self._conn is None or self._migrated:
            return
        if not release:
            self._bytes = self._conn.serialize()
        self._cache.clear()
        self._invalid.clear()
        self._texts.clear()
        self._ahead.clear()
        self._verified = False
        self._conn.close()
        self._conn = None

    def _reload(self) -> None:
        again = PackageReader.open(self.path)
        if again.body != self.body:
            again.close()
            raise PackageError(f"Berkas {self.path.name} berubah selama penggabungan. Gabungkan lagi.")
        self._conn, again._conn = again._conn, None

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
            view = memoryview(data)          # hashed in place: no copy of a package of tens of MB
            h = hashlib.sha256(view[:at])
            h.update(bytes(fmt.SIGNATURE_BYTES))
            h.update(view[at + fmt.SIGNATURE_BYTES:])
            valid = verify_signature(self.public_key, signature, fmt.SIGNED_CONTEXT + h.digest())
        if not valid:
            raise PackageError(
                f"Tanda tangan paket {name} tidak sah: isi berkas telah berubah setelah ditandatangani "
                "(rusak dalam pengiriman atau diubah). Minta satker mengirim ulang paketnya.")

    # content ---------------------------------------------------------------------------------
    def verify(self, *, texts: bool = False) -> "PackageReader":
        """Integrity, row counts, content digest and owners, the rows streamed table by table; a
        package of an older schema is then migrated in a private copy.  ``texts``: in the same pass,
        the audit text of each row of a table kept in memory, as the merge will write it
        (:meth:`digest_ahead`).  Raises PackageError."""
        if self._verified:
            return self
        name, unit = self.path.name, self.unit
        schema = fmt.package_schema(self.schema_version)
        counts = self.manifest["row_counts"]
        h = hashlib.sha256()
        try:
            conn = self._db()
            check = conn.execute("PRAGMA integrity_check").fetchall()
            if check != [("ok",)]:
                raise PackageError(f"Berkas {name} rusak (pemeriksaan integritas: {check[0][0]}). "
                                   "Minta satker mengirim ulang paketnya.")
            migrate = fmt.needs_migration(self.schema_version)
            # Every table's count in one statement: a unit's package leaves most tables empty, and
            # an empty table needs no query of its own.
            held = conn.execute("SELECT " + ", ".join(f"(SELECT count(*) FROM {t})" for t in schema.tables)).fetchone()
            for (table, cols), rows in zip(schema.tables.items(), held):
                chunks = self._stream(conn, table, cols, cache=not migrate,
                                      texts=texts and not migrate and rows < fmt.CHUNK_ROWS) if rows else ()
                n = fmt.feed_digest(h, table, cols, (_owned(name, table, cols, c, unit) for c in chunks))
                if n != counts[table]:
                    raise PackageError(
                        f"Paket {name} tidak utuh: tabel {table_spec(table).label} berisi {n} baris, "
                        f"manifest menyebut {counts[table]}. Minta satker mengekspor ulang paketnya.")
        except PackageError:
            self._cache.clear()
            raise
        except (sqlite3.DatabaseError, UnicodeDecodeError, TypeError, ValueError):
            self._cache.clear()
            raise PackageError(f"Paket {name} berisi nilai yang tidak dapat dibaca (bukan teks/angka). "
                               "Minta satker mengekspor ulang paketnya.") from None
        if h.hexdigest() != self.manifest["content_digest"]:
            self._cache.clear()
            raise PackageError(f"Isi paket {name} tidak cocok dengan ringkasan (digest) di manifestnya. "
                               "Paket ditolak; minta satker mengekspor ulang.")
        if migrate:
            self._migrate()
        self._verified = True
        return self

    def _stream(self, conn, table: str, cols, *, cache: bool, texts: bool = False):
        """The rows of ``table`` in id order, chunk by chunk; a table that fits in one chunk is
        kept for :meth:`chunks` (a typical unit package: every table).  ``texts`` (a table of
        fewer than CHUNK_ROWS rows): the audit text of each row too, built by SQLite in the same
        query (none when SQLite refuses a value in it: a BLOB)."""
        if texts:
            from ..audit_chain import written_text_sql
            try:
                rows = conn.execute(f"SELECT {', '.join(cols)}, {written_text_sql(cols)} FROM {table} ORDER BY id",
                                    (self.package_digest,)).fetchall()
            except sqlite3.OperationalError:
                rows = None
            if rows is not None:
                self._texts[table] = [r[-1] for r in rows]
                chunk = [r[:-1] for r in rows]
                if cache:
                    self._cache[table] = chunk
                yield chunk
                return
        cur = conn.execute(f"SELECT {', '.join(cols)} FROM {table} ORDER BY id")
        chunk = cur.fetchmany(fmt.CHUNK_ROWS)
        if cache and len(chunk) < fmt.CHUNK_ROWS:
            self._cache[table] = chunk
        while chunk:
            yield chunk
            chunk = cur.fetchmany(fmt.CHUNK_ROWS)

    def tables(self) -> dict[str, tuple]:
        """Every plan table of the current schema -> its columns (after :meth:`verify`)."""
        return fmt.package_schema(latest_schema_version()).tables

    def chunks(self, table: str):
        """The verified rows of ``table`` in the current schema, in id order, as lists of tuples."""
        if self._shipped and table not in self._cache and self.manifest["row_counts"].get(table, 1):
            self._shipped = self._verified = False        # its rows were taken: the file is read again
        if not self._verified:
            self.verify()
        if table in self._cache:
            yield self._cache.pop(table)
            return
        if self.manifest["row_counts"].get(table, 1) == 0 and not self._migrated:
            return
        yield from self._stream(self._db(), table, self.tables()[table], cache=False)

    def rows(self, table: str) -> list[tuple]:
        """All rows of ``table`` (for small uses and tests; the merge takes them in chunks)."""
        return [r for chunk in self.chunks(table) for r in chunk]

    def _migrate(self) -> None:
        """Put the rows of an older schema into a private database of that schema, run the newer
        migrations on it, and read the rows from there in the current schema."""
        conn = sqlite3.connect(":memory:", check_same_thread=False)
        try:
            for number, script in migrations():
                if number <= self.schema_version:
                    conn.executescript(script.read_text(encoding="utf-8"))
            source = self._db()
            with conn:
                for table, cols in fmt.package_schema(self.schema_version).tables.items():
                    sql = f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
                    for chunk in self._stream(source, table, cols, cache=False):
                        conn.executemany(sql, chunk)
            for number, script in migrations():
                if number > self.schema_version:
                    conn.executescript(script.read_text(encoding="utf-8"))
            conn.commit()
            conn.execute("PRAGMA query_only = ON")
        except BaseException:
            conn.close()
            raise
        self._conn.close()
        self._conn, self._migrated = conn, True
        self._cache.clear()

    def check_values(self, years: tuple) -> None:
        """Find, ahead of the merge, the rows breaking the plan's value rules in the tables kept in
        memory (:func:`.package_rules.invalid_rows` against the plan's span ``years``): the merge
        runs this on its helper thread while the previous package commits."""
        tables = fmt.package_schema(self.schema_version).tables
        self._invalid = {t: (years, tables[t], rows, invalid_rows(t, tables[t], rows, years))
                         for t, rows in self._cache.items()}

    def digest_ahead(self, stop: threading.Event | None = None) -> None:
        """The short audit digests of the rows of each table kept in memory, from the texts
        :meth:`verify` built, and the digest of a bucket holding exactly a table's rows
        (:class:`..audit_chain.Ahead`): the merge runs this ahead of the write (its helper thread while
        the previous package commits, or its other process), and its write takes them instead of
        reading the rows back.  Stops before the next table once ``stop`` is set (the merge is
        waiting for this package)."""
        from ..audit_chain import BUCKET_BITS, ahead_from, written_bucket_sql

        tables = fmt.package_schema(self.schema_version).tables
        self._ahead = {}
        for table, rows in self._cache.items():
            if stop is not None and stop.is_set():
                break
            texts = self._texts.pop(table, None)
            if texts is not None and len(texts) == len(rows):
                bucket = None
                if len(rows) <= 1 << BUCKET_BITS:
                    try:
                        bucket = self._db().execute(written_bucket_sql(table, tables[table]),
                                                    (self.package_digest,)).fetchone()[1]
                    except sqlite3.OperationalError:
                        pass            # a value SQLite's JSON refuses: the write builds the bucket's digest
                self._ahead[table] = (rows, ahead_from(tables[table], self.package_digest, rows, texts, bucket))
        self._texts.clear()           # the texts of the tables left undone are not needed any more

    def ahead_for(self, table: str, chunk: list[tuple]):
        """The digests :meth:`digest_ahead` built for this very chunk, or None."""
        found = self._ahead.pop(table, None)
        return found[1] if found is not None and found[0] is chunk else None

    def invalid_in(self, table: str, cols, chunk: list[tuple], years: tuple) -> dict[str, str]:
        """The rows of ``chunk`` breaking the value rules (id -> reason): found ahead by
        :meth:`check_values` for this very chunk, columns and span, or found now."""
        ahead = self._invalid.pop(table, None)
        if ahead is not None and ahead[0] == years and tuple(ahead[1]) == tuple(cols) and ahead[2] is chunk:
            return ahead[3]
        return invalid_rows(table, cols, chunk, years)

    def invalid_rows(self, table: str) -> dict[str, str]:
        """Rows of ``table`` whose values the plan would refuse: id -> Indonesian reason."""
        cols, found = self.tables()[table], {}
        for chunk in self.chunks(table):
            found.update(invalid_rows(table, cols, chunk))
        return found

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        self._bytes = None
        self._cache.clear()
        self._invalid.clear()
        self._texts.clear()
        self._ahead.clear()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _owned(name: str, table: str, cols, rows: list[tuple], unit: str) -> list[tuple]:
    _check_owners(name, table, cols, rows, unit)
    return rows


def _read_limited(path: Path) -> bytes:
    if not path.exists():
        raise PackageError(f"Berkas {path} tidak ditemukan. Periksa nama dan foldernya.")
    if path.is_dir():
        raise PackageError(f"{path} adalah folder, bukan berkas paket.")
    if is_special_file(path):
        raise PackageError(f"{path} {SPECIAL_FILE}. Pilih berkas {fmt.EXTENSION} yang diekspor aplikasi ini.")
    try:
        with path.open("rb") as fh:
            # read(n) allocates n bytes at once: ask for the file's size, not the 64 MB limit
            return fh.read(min(os.fstat(fh.fileno()).st_size, fmt.MAX_FILE_BYTES) + 1)
    except OSError as exc:
        raise PackageError(f"Berkas {path.name} tidak dapat dibaca ({os_reason(exc)}). "
                           "Salin paketnya ke folder lokal lalu coba lagi.") from None


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
    """Every row written by the manifest's unit, and only what that unit may write (the one
    ownership rule, write_rules.ownership_refusal, per distinct owner and unit of the rows)."""
    if not rows:
        return
    spec = table_spec(table)
    if spec.local:
        raise PackageError(f"Paket {name} berisi {spec.label}, yang tidak pernah dikirim; paket ditolak.")
    i_owner = cols.index("owner_unit")
    i_unit = cols.index("unit_code") if "unit_code" in cols else None
    pairs = {(r[i_owner], r[i_unit] if i_unit is not None else None) for r in rows}
    for owner, about in sorted(pairs, key=str):
        if ownership_refusal(spec, unit, owner, about) is None:
            continue
        if owner == unit and spec.reference:
            raise PackageError(f"Paket {name} dari satker {unit} berisi data rujukan ({spec.label}) yang hanya "
                               "ditetapkan Kantor Wilayah; paket ditolak.")
        raise PackageError(
            f"Paket {name} dari satker {unit} berisi baris {spec.label} milik/untuk satker "
            f"{owner if owner != unit else about}. Paket satu satker hanya boleh berisi baris yang ditulis satker "
            "itu; paket ditolak.")
    if table == EVENT_TABLE:      # a unit's package never carries the Kanwil's steps (an approval...)
        i_event = cols.index("event")
        for about, event in sorted({(r[i_unit], r[i_event]) for r in rows}, key=str):
            if (why := event_refusal(unit, about, event)) is not None:
                raise PackageError(f"Paket {name} dari satker {unit} berisi status periode yang tidak boleh "
                                   f"dicatatnya: {why} Paket ditolak.")


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
    shared_with: list = field(default_factory=list)    # other units pinned to this key

    def as_dict(self) -> dict:
        return {
            "file": str(self.path), "valid": True, "unit": self.manifest["unit"],
            "sequence": self.manifest["sequence"], "created_at": self.manifest["created_at"],
            "schema_version": self.manifest["schema_version"], "app_version": self.manifest["app_version"],
            "row_counts": self.manifest["row_counts"], "content_digest": self.manifest["content_digest"],
            "package_digest": self.package_digest, "fingerprint": self.fingerprint,
            "key_status": self.key_status, "pinned_fingerprint": self.pinned_fingerprint,
            "invalid_rows": self.invalid_rows, "key_shared_with": self.shared_with,
        }


def verify_package(path: str | os.PathLike, plan: Store | None = None) -> VerifyReport:
    """Check a package completely; compare its key with the pin in ``plan`` when given."""
    with PackageReader.open(path) as reader:
        reader.verify()
        invalid = {t: bad for t in reader.tables() if (bad := reader.invalid_rows(t))}
        status = pinned = None
        shared = []
        if plan is not None:
            status = key_status(plan.conn, reader.unit, reader.public_key)
            pin = current_pin(plan.conn, reader.unit)
            pinned = pin["fingerprint"] if pin else None
            shared = units_sharing(plan.conn, reader.fingerprint, reader.unit)
        return VerifyReport(reader.path, reader.manifest, reader.package_digest, reader.fingerprint,
                            status, pinned, invalid, shared)
