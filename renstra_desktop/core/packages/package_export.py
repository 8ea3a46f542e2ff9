"""Export this installation's unit as a signed package (docs/packages.md).

The package holds the rows the installation's unit writes, tombstones included, in a new SQLite
file with a manifest, signed with the installation's key (:mod:`.keys`).  Rows stream from the plan
into the package and through the content digest, so memory stays bounded whatever the size; what a
reader would refuse (more rows per table, or more bytes, than a package may hold) is refused before
anything is written or while the file is still under its temporary name, which is removed: no
partial package is ever left, and no sequence number is taken by a refused export.  Reading one back
is :mod:`.package`.
"""
from __future__ import annotations

import hashlib
import os
import secrets
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from ... import APP_NAME, __version__
from . import package_format as fmt
from ..errors import FileError, ValidationError
from .keys import InstallationKey, installation_key, key_path, next_sequence, peek_sequence
from .merge_conflicts import last_merged_sequences
from ..numbers import format_number
from ..rows import utc_now
from ..safe_write import already_exists, publish, remove_temp, sweep_stale_temps, temp_path
from ..schema import TABLES
from ..value_check import refuse_invalid_numbers
from ..store import Store

@dataclass
class ExportResult:
    """A package written: where, its manifest and digest, and the fingerprint of the key that signed it."""
    path: Path
    manifest: dict
    package_digest: str
    fingerprint: str

    @property
    def total_rows(self) -> int:
        return sum(self.manifest["row_counts"].values())


def export_package(store: Store, target: str | os.PathLike | None = None, *, unit: str | None = None,
                   folder: str | os.PathLike | None = None, passphrase: bytes | None = None) -> ExportResult:
    """Write the package of this installation's unit to ``target`` (or a default name in ``folder``).

    ``unit`` only confirms which unit is meant: a file exports the rows of its own unit, signed by
    its own key (unlocked with ``passphrase`` when it is protected).  Refuses to overwrite a file.
    Reads the plan in one snapshot; writes only the package, the key (at the first export) and the
    key's sequence counter.
    """
    own = store.unit_code
    if unit and unit.strip().upper() != own:
        raise FileError(f"Berkas {store.path.name} milik satker {own}; paket hanya dapat dibuat untuk satker "
                        f"berkas itu sendiri, bukan {unit}. Buka berkas satker {unit} di komputernya.")
    schema = fmt.package_schema(store.schema_version)
    if target is not None and Path(target).is_dir():
        folder, target = target, None
    parent = Path(target).parent if target is not None else Path(folder or ".")
    if not parent.is_dir():
        raise FileError(f"Folder {parent} tidak ada. Pilih folder tujuan yang sudah ada untuk menyimpan paket.")
    if target is not None and Path(target).exists():     # refused before a sequence number is taken
        raise already_exists(Path(target))
    cur = store.conn.cursor()
    cur.row_factory = None
    _check_row_limits(cur, schema, own)       # again in the snapshot; first, before a long check or a key
    refuse_invalid_numbers(store.conn, "paket tidak dibuat (Kanwil akan menolaknya)")   # before a key or a sequence
    refuse_if_changed_outside(store)
    new_key = not key_path(store.path).exists()
    key = installation_key(store.path, passphrase=passphrase)
    try:
        return _export(store, key, schema, own, target, folder, parent)
    except BaseException:
        if new_key:      # made by this export, which signed nothing with it: a refusal leaves no key behind
            key_path(store.path).unlink(missing_ok=True)
        raise


def _export(store: Store, key, schema, own: str, target, folder, parent: Path) -> ExportResult:
    cur = store.conn.cursor()
    cur.row_factory = None
    began = not store.conn.in_transaction
    if began:
        cur.execute("BEGIN")      # one snapshot of every table
    try:
        _check_row_limits(cur, schema, own)
        taken: list[Path] = []

        def sequence() -> int:     # taken only once the rows fit in a package
            number = next_sequence(store.path)
            taken.append(Path(target) if target is not None else _free_name(Path(folder or "."), own, number))
            return number

        builder = PackageBuilder(Path(target) if target is not None else parent / f"{own}{fmt.EXTENSION}", unit=own,
                                 schema_version=store.schema_version)
        try:
            for name, cols in schema.tables.items():
                cur.execute(f"SELECT {', '.join(cols)} FROM {name} WHERE owner_unit = ? ORDER BY id", (own,))
                builder.add_rows(name, iter(lambda: cur.fetchmany(fmt.CHUNK_ROWS), []))
            body = builder.finish(key, sequence, received=last_merged_sequences(store.conn),
                                  target=lambda: taken[0])
        except BaseException:
            builder.abort()
            raise
    finally:
        if began:
            cur.execute("COMMIT")
    manifest = fmt.parse_manifest(body.decode("utf-8"), store.schema_version)
    return ExportResult(taken[0], manifest, fmt.package_digest(body), key.fingerprint)


def refuse_if_changed_outside(store: Store) -> None:
    """A package is not signed for a file changed outside the application (core/audit_chain.py)."""
    from ..audit_chain import verify

    verdict = verify(store.conn)
    if not verdict.ok:
        first = verdict.findings[0].line()
        more = f" (dan {len(verdict.findings) - 1} lainnya)" if len(verdict.findings) > 1 else ""
        raise ValidationError(
            f"Paket tidak ditandatangani: berkas {store.path.name} diubah di luar aplikasi — {first}{more}. "
            "Pulihkan dari cadangan (Berkas → Pulihkan dari cadangan), atau minta admin memeriksa dan menerimanya "
            "dengan alasan (renstra-desktop audit accept), lalu ekspor lagi.")


def suggested_file_name(store: Store) -> str:
    """The default name of this installation's next package (``LPS-LOBAR_2026-11-28_0003.rpkg``)."""
    return fmt.default_file_name(store.unit_code, peek_sequence(store.path))


def _free_name(folder: Path, unit: str, sequence: int) -> Path:
    """The default name, with -2, -3 … when taken (a new key restarts the sequence)."""
    path = folder / fmt.default_file_name(unit, sequence)
    n = 1
    while path.exists():
        n += 1
        path = path.with_name(f"{fmt.default_file_name(unit, sequence)[:-len(fmt.EXTENSION)]}-{n}{fmt.EXTENSION}")
    return path


def _check_row_limits(cur, schema: fmt.PackageSchema, unit: str) -> None:
    """Refuse, before writing anything, rows a reader would refuse to take in one package."""
    for name in schema.tables:
        n = cur.execute(f"SELECT count(*) FROM {name} WHERE owner_unit = ?", (unit,)).fetchone()[0]
        if n > fmt.MAX_ROWS_PER_TABLE:
            raise FileError(
                f"Data satker {unit} terlalu besar untuk satu paket: tabel {TABLES[name].label} berisi "
                f"{format_number(n)} baris (batas {format_number(fmt.MAX_ROWS_PER_TABLE)} per tabel). Tidak ada "
                "paket yang dibuat. Baris sebanyak itu biasanya masuk dari luar aplikasi: periksa tabel itu "
                "(renstra-desktop info BERKAS).")


class PackageBuilder:
    """A package being written under a temporary name: rows streamed in (bounded memory), then
    :meth:`finish` signs it and renames it into place, or :meth:`abort` removes it."""

    def __init__(self, near: Path, *, unit: str, schema_version: int):
        """``near``: the package's name (or a name in its folder): the temporary file is a unique
        name beside it (safe_write), and what a killed export left there is swept first."""
        sweep_stale_temps(near)
        self.tmp, self.unit, self.schema_version = temp_path(near), unit, schema_version
        self.schema = fmt.package_schema(schema_version)
        self.conn = sqlite3.connect(self.tmp, isolation_level=None)
        self.conn.execute(f"PRAGMA page_size = {fmt.PAGE_SIZE}")
        self.conn.execute(f"PRAGMA application_id = {fmt.PACKAGE_APPLICATION_ID}")
        self.conn.execute(f"PRAGMA user_version = {schema_version}")
        self.conn.execute("BEGIN")
        for statement in self.schema.ddl:
            self.conn.execute(statement)

    def add_rows(self, table: str, chunks: Iterable[list[tuple]]) -> None:
        cols = self.schema.tables[table]
        sql = f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
        for chunk in chunks:
            self.conn.executemany(sql, chunk)

    def finish(self, key: InstallationKey, sequence: int | Callable[[], int], *, target: Path | Callable[[], Path],
               received: dict[str, int] | None = None, created_at: str | None = None,
               manifest_overrides: dict | None = None) -> bytes:
        """Digest, manifest and signature; the file renamed to ``target``.  Returns the manifest body.
        ``sequence`` and ``target`` may be callables: taken only when the package is known to fit."""
        conn = self.conn
        h = hashlib.sha256()
        counts = {}
        for name, cols in self.schema.tables.items():
            # what the file holds (after SQLite's type affinity), exactly as a reader recomputes it
            cur = conn.execute(f"SELECT {', '.join(cols)} FROM {name} ORDER BY id")
            counts[name] = fmt.feed_digest(h, name, cols, iter(lambda: cur.fetchmany(fmt.CHUNK_ROWS), []))
        placeholder = secrets.token_bytes(fmt.SIGNATURE_BYTES)
        conn.execute("INSERT INTO signature (value) VALUES (?)", (placeholder,))
        size = conn.execute("PRAGMA page_count").fetchone()[0] * fmt.PAGE_SIZE
        if size + 2 * fmt.MAX_MANIFEST_BYTES > fmt.MAX_FILE_BYTES:
            raise FileError(f"Data satker {self.unit} terlalu besar untuk satu paket (lebih dari "
                            f"{fmt.MAX_FILE_BYTES // 1048576} MB). Tidak ada paket yang dibuat; periksa tabel yang "
                            "barisnya sangat banyak atau teksnya sangat panjang (renstra-desktop info BERKAS).")
        manifest = {
            "format": fmt.FORMAT, "format_version": fmt.FORMAT_VERSION, "application": APP_NAME,
            "schema_version": self.schema_version, "app_version": __version__, "unit": self.unit,
            "sequence": sequence() if callable(sequence) else sequence, "created_at": created_at or utc_now(),
            "row_counts": counts, "content_digest": h.hexdigest(), "public_key": key.public_key.hex(),
            "received": dict(sorted((received or {}).items())),
            **(manifest_overrides or {}),
        }
        body = fmt.manifest_bytes(manifest)
        conn.execute("INSERT INTO manifest (body) VALUES (?)", (body.decode("utf-8"),))
        conn.execute("COMMIT")
        conn.close()
        _sign_in_place(self.tmp, placeholder, key)
        publish(self.tmp, target() if callable(target) else target, replace=False)    # never over a file
        return body

    def abort(self) -> None:
        try:
            self.conn.close()
        finally:
            remove_temp(self.tmp)


def _sign_in_place(path: Path, placeholder: bytes, key: InstallationKey) -> None:
    """Replace the placeholder with the signature over the file with those bytes zeroed, reading the
    file in blocks (a package may be tens of megabytes)."""
    width, block = len(placeholder), 1 << 20
    found, base, tail = set(), 0, b""
    with open(path, "rb") as fh:
        while data := fh.read(block):
            window = tail + data
            i = window.find(placeholder)
            while i >= 0:
                found.add(base + i)
                i = window.find(placeholder, i + 1)
            keep = min(len(window), width - 1)
            base += len(window) - keep
            tail = window[len(window) - keep:]
    if len(found) != 1:
        raise FileError("Paket tidak dapat ditandatangani (tempat tanda tangan tidak ditemukan). Coba lagi.")
    at = found.pop()
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        done = 0
        while data := fh.read(block):
            start, end = done, done + len(data)
            if start < at + width and at < end:
                chunk = bytearray(data)
                lo, hi = max(at, start) - start, min(at + width, end) - start
                chunk[lo:hi] = bytes(hi - lo)
                data = bytes(chunk)
            h.update(data)
            done = end
    signature = key.sign(fmt.SIGNED_CONTEXT + h.digest())
    with open(path, "r+b") as fh:
        fh.seek(at)
        fh.write(signature)
        fh.flush()
        os.fsync(fh.fileno())


def write_package(path: Path, *, unit: str, schema_version: int, tables: dict[str, list[tuple]],
                  key: InstallationKey, sequence: int, created_at: str | None = None,
                  received: dict[str, int] | None = None, manifest_overrides: dict | None = None) -> bytes:
    """Build a signed package at ``path`` from rows in package column order; return the manifest body.

    ``received`` tells each unit the last sequence this file merged from it (its current key), so a
    unit whose export counter was lost resumes above it when it merges this package.
    ``manifest_overrides`` replaces manifest fields before signing (tests make inconsistent but
    validly signed packages with it).
    """
    builder = PackageBuilder(path, unit=unit, schema_version=schema_version)
    try:
        for name in builder.schema.tables:
            builder.add_rows(name, [tables.get(name, [])])
        return builder.finish(key, sequence, target=path, received=received, created_at=created_at,
                              manifest_overrides=manifest_overrides)
    except BaseException:
        builder.abort()
        raise
