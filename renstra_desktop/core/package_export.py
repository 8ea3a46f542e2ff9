"""Export this installation's unit as a signed package (docs/packages.md).

The package holds the rows the installation's unit writes, tombstones included, in a new SQLite
file with a manifest, signed with the installation's key (:mod:`.keys`).  The file is built under
a temporary name and renamed when complete.  Reading one back is :mod:`.package`.
"""
from __future__ import annotations

import os
import secrets
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from .. import APP_NAME, __version__
from . import package_format as fmt
from .errors import FileError
from .keys import InstallationKey, installation_key, next_sequence, peek_sequence
from .merge_conflicts import last_merged_sequences
from .rows import utc_now
from .safe_write import already_exists, publish, remove_temp, sweep_stale_temps, temp_path
from .store import Store


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
    tables = _read_own_rows(store.conn, schema, own)
    if target is not None and Path(target).is_dir():
        folder, target = target, None
    parent = Path(target).parent if target is not None else Path(folder or ".")
    if not parent.is_dir():
        raise FileError(f"Folder {parent} tidak ada. Pilih folder tujuan yang sudah ada untuk menyimpan paket.")
    if target is not None and Path(target).exists():     # refused before a sequence number is taken
        raise already_exists(Path(target))
    key = installation_key(store.path, passphrase=passphrase)
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
                         sequence=sequence, received=last_merged_sequences(store.conn))
    manifest = fmt.parse_manifest(body.decode("utf-8"), store.schema_version)
    return ExportResult(path, manifest, fmt.package_digest(body), key.fingerprint)


def suggested_file_name(store: Store) -> str:
    """The default name of this installation's next package (``LPS-LOBAR_2026-11-28_0003.rpkg``)."""
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
                  received: dict[str, int] | None = None, manifest_overrides: dict | None = None) -> bytes:
    """Build a signed package at ``path`` from rows in package column order; return the manifest body.

    ``received`` tells each unit the last sequence this file merged from it (its current key), so a
    unit whose export counter was lost resumes above it when it merges this package.

    ``manifest_overrides`` replaces manifest fields before signing (tests make inconsistent but
    validly signed packages with it).
    """
    schema = fmt.package_schema(schema_version)
    sweep_stale_temps(path)
    tmp = temp_path(path)      # unique: two exports in one folder never share it
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
            "received": dict(sorted((received or {}).items())),
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
        publish(tmp, path, replace=False)
    except BaseException:
        remove_temp(tmp)
        raise
    return body
