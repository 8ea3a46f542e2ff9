"""Merge unit packages into a plan file: verify → dry run → apply, one transaction per package
(docs/packages.md, DESIGN.md principle 5).

This module decides which packages are merged and in what order: the file must take the unit's
packages, the key must be the pinned one, a package already merged or older than one already
merged from the same unit and key changes nothing.  The rows are classified and applied by
:mod:`.merge_apply`; the summary is a :class:`.merge_report.MergeReport`; conflicts are decided
later (:mod:`.merge_conflicts`).
"""
from __future__ import annotations

import os
import threading
from collections import Counter
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from ..errors import FileError, RenstraError
from .keys import current_pin, key_status, resume_sequence_above, units_sharing
from .merge_apply import PackageApplier
from .merge_report import STATUSES, MergeReport, PackageResult
from .package import PackageReader
from .package_format import PackageError
from ..plan_profile import plan_years
from ..row_writer import Changes
from ..store import Store

TRUSTED_BY_FLAG = "disematkan otomatis (--trust-new-keys)"
# Package bytes held in memory at once: half for packages kept between the key check and their
# merge, half for the (at most two) packages being verified and merged; rows stream in chunks.
BATCH_MEMORY = 256 * 1024 * 1024


class KeysNotPinned(RenstraError):
    """Packages signed by keys not yet pinned; nothing was merged.  ``keys``: [(unit, fingerprint, file)]."""

    def __init__(self, keys: list[tuple[str, str, str]]):
        lines = "\n".join(f"  {unit}: sidik jari {fp} ({name})" for unit, fp, name in keys)
        super().__init__(
            "Paket ditandatangani kunci yang belum disematkan; tidak ada yang digabungkan.\n"
            f"{lines}\nKonfirmasi sidik jari itu melalui telepon dengan satkernya, lalu sematkan "
            "(renstra-desktop keys pin BERKAS SATKER SIDIK-JARI) atau ulangi dengan --trust-new-keys.")
        self.keys = keys


class KeyMismatch(PackageError):
    """The package is signed by another key than the one pinned for its unit."""


class _DryRun(Exception):
    """Raised inside the outer transaction of a dry run to roll everything back."""


# -- the merge ------------------------------------------------------------------------------------
def merge_packages(store: Store, paths: Iterable[str | os.PathLike], *, actor: str, dry_run: bool = False,
                   trust_new_keys: bool = False,
                   progress: Callable[[int, int, str], None] | None = None) -> MergeReport:
    """Merge packages into ``store`` in the order given, through the door
    (:meth:`.service.PlanService.merge_packages`); see :func:`merge_with`."""
    from ..service import PlanService
    return PlanService(store, actor).merge_packages(paths, dry_run=dry_run, trust_new_keys=trust_new_keys,
                                                    progress=progress)


def merge_with(service, paths: Iterable[str | os.PathLike], *, dry_run: bool = False, trust_new_keys: bool = False,
               progress: Callable[[int, int, str], None] | None = None) -> MergeReport:
    """The door's merge.  Unless ``dry_run`` or ``trust_new_keys``, every package is opened and its
    signature checked first, and a key not yet pinned stops the merge before anything is written
    (:class:`KeysNotPinned`).  Each package is then verified completely and applied in its own
    transaction, its rows written by the row-write primitive as the package's unit; the file is
    copied to a timestamped backup before the first one.  A dry run does the same inside one
    transaction that is rolled back, so its summary is exactly what would happen.  Runs in the
    calling thread (the window runs it in a worker with its own Store); a helper thread verifies the
    next package while the current one commits.  ``report.changes`` says what changed."""
    store = service.store
    if store.readonly:
        raise FileError(f"Berkas {store.path.name} dibuka hanya-baca; paket tidak dapat digabungkan ke dalamnya.")
    paths = [Path(p) for p in paths]
    results: list[PackageResult | None] = [None] * len(paths)
    readers: list[PackageReader | None] = [None] * len(paths)
    report = MergeReport(dry_run, results)
    try:
        if not (dry_run or trust_new_keys):
            _check_keys_first(store, service.unit_code, paths, readers, results)
        if dry_run:
            try:
                with store.atomic():
                    _merge_all(service, paths, readers, results, True, trust_new_keys, report, progress)
                    raise _DryRun
            except _DryRun:
                report.changes = Changes()
        else:
            _merge_all(service, paths, readers, results, False, trust_new_keys, report, progress)
    finally:
        for reader in readers:
            if reader is not None:
                reader.close()
    return report


def _check_keys_first(store: Store, own: str, paths: list[Path], readers: list, results: list) -> None:
    """Open every package (signature checked) and stop before any write if a key is unknown."""
    unknown, kept = [], 0
    for i, path in enumerate(paths):
        try:
            reader = readers[i] = PackageReader.open(path)
            kept += reader.size
            reader.suspend(release=kept > BATCH_MEMORY // 2)
            if _admit(store, reader, own) == "new":
                unknown.append((reader.unit, reader.fingerprint, path.name))
        except RenstraError as exc:
            results[i] = _rejected(path, readers[i], exc)
    if unknown:
        raise KeysNotPinned(list(dict.fromkeys(unknown)))


def _admit(store: Store, reader: PackageReader, own: str) -> str:
    """Refuse a package this file (of unit ``own``) does not take or signed by another key than the
    pinned one; return its key status (pinned or new)."""
    _check_acceptable(store, reader, own)
    status = key_status(store.conn, reader.unit, reader.public_key)
    if status == "mismatch":
        raise KeyMismatch(_mismatch_message(store.conn, reader))
    return status


@dataclass
class _Prepared:
    """A package opened and verified off the store's thread (it touches no plan file)."""
    reader: PackageReader | None
    verified: PackageReader | None = None
    error: RenstraError | None = None


def _prepare(path: Path, reader: PackageReader | None, years: tuple, waited: threading.Event) -> _Prepared:
    """Open and verify a package, find its rows breaking the value rules (``years``: the plan's span
    as the file holds it before this package) and build the audit digests of its rows, unless the
    merge already waits for the package (``waited``): its write then builds them itself."""
    try:
        reader = reader or PackageReader.open(path)
        reader.verify(texts=True).check_values(years)
        reader.digest_ahead(waited)
        return _Prepared(reader, reader)
    except RenstraError as exc:
        return _Prepared(reader, None, exc)


def _merge_all(service, paths, readers, results, dry_run, trust_new_keys, report, progress) -> None:
    """Merge the packages in order, freeing each one's memory as soon as it is done.

    A batch of many packages is opened and verified ahead in another process (:mod:`.merge_aside`).
    Otherwise a helper thread does it for the next package while a package's COMMIT waits for the
    disk (the thread holds no GIL then); it runs only during commits, so the two threads do not
    compete, and each reader is used by one thread at a time.  With the other process, the helper
    thread only takes in the next package from it during the COMMIT.  The helper also closes each
    merged package (SQLite frees it without the GIL)."""
    from . import merge_aside

    store = service.store
    todo = [i for i, r in enumerate(results) if r is None]
    aside, jobs = None, {}
    if merge_aside.worth_it(len(todo)):
        # the first few are verified here (the helper thread) while the other process starts
        jobs = {i: k for k, i in enumerate(todo[merge_aside.OWN_FIRST:])}
        aside = merge_aside.start(store.conn, [paths[i] for i in jobs])
    try:
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="verifikasi-paket") as pool:
            _merge_each(service, paths, readers, results, dry_run, trust_new_keys, report, progress, pool,
                        {i: (lambda k=k: aside.take(k)) for i, k in jobs.items()} if aside is not None else {})
    finally:
        if aside is not None:
            aside.close()


def _merge_each(service, paths, readers, results, dry_run, trust_new_keys, report, progress, pool, shipped) -> None:
    """:func:`_merge_all`'s loop; ``shipped[i]()``: package ``i`` verified by the other process (a
    reader, or None: verify it here), for the packages it verifies."""
    store = service.store
    facts = _FileFacts(store)
    ahead: dict[int, Future] = {}
    waited = threading.Event()       # the merging thread waits for the package being prepared

    def prepare_next(i: int) -> None:
        j = i + 1
        if j >= len(paths) or results[j] is not None or j in ahead:
            return
        if j in shipped:
            ahead[j] = pool.submit(shipped[j])
        elif _nbytes(paths[i], readers[i]) + _nbytes(paths[j], readers[j]) <= BATCH_MEMORY // 2:
            waited.clear()
            ahead[j] = pool.submit(_prepare, paths[j], readers[j], facts.years(), waited)

    for i, path in enumerate(paths):
        if results[i] is None:
            admitted = readers[i] is not None          # went through _check_keys_first
            future = ahead.pop(i, None)
            if i in shipped:
                prepared = None
                if (reader := future.result() if future is not None else shipped[i]()) is not None:
                    if readers[i] is not None:         # opened for the key check: the same package?
                        admitted = readers[i].body == reader.body
                        readers[i].close()
                    prepared = _Prepared(reader, reader)
            else:
                if future is not None and not future.done():
                    waited.set()
                prepared = future.result() if future is not None else None
            try:
                if prepared is not None:
                    readers[i] = prepared.reader
                    if prepared.reader is None:
                        raise prepared.error
                elif readers[i] is None:
                    readers[i] = PackageReader.open(path)
                admit = None if admitted else (lambda r=readers[i]: _admit(store, r, service.unit_code))
                verified = (lambda p=prepared: _unwrap(p)) if prepared else readers[i].verify
                verify_next = (lambda: None) if dry_run else (lambda i=i: prepare_next(i))
                results[i] = _merge_one(service, readers[i], dry_run, trust_new_keys, report, verified,
                                        verify_next, admit, facts)
            except RenstraError as exc:
                results[i] = _rejected(path, readers[i], exc)
        if readers[i] is not None:
            if readers[i].size:          # SQLite frees the package's database without the GIL
                pool.submit(readers[i].close)
            else:
                readers[i].close()
            readers[i] = None
        if progress is not None:
            progress(i + 1, len(paths), path.name)


def _nbytes(path: Path, reader: PackageReader | None) -> int:
    """The size of a package, to keep two large ones from being worked on at once."""
    if reader is not None:
        return reader.nbytes
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _unwrap(prepared: _Prepared):
    if prepared.error is not None:
        raise prepared.error
    return prepared.verified


def _rejected(path: Path, reader: PackageReader | None, exc: RenstraError) -> PackageResult:
    result = PackageResult(path, "rejected", exc.message, key_status="mismatch" if isinstance(exc, KeyMismatch) else None)
    if reader is not None and reader.manifest:
        result.unit, result.sequence = reader.unit, reader.sequence
        result.created_at, result.package_digest = reader.manifest["created_at"], reader.package_digest
        result.fingerprint = reader.fingerprint
    return result


def _check_acceptable(store: Store, reader: PackageReader, own: str) -> None:
    """Which packages this file (of unit ``own``) takes: the Kanwil takes every listed unit's, a
    unit only the Kanwil's."""
    unit = reader.unit
    if unit == own:
        raise PackageError(f"Paket {reader.path.name} berasal dari satker berkas ini sendiri ({own}); "
                           "tidak ada yang perlu digabungkan.")
    if own != "KANWIL" and unit != "KANWIL":
        raise PackageError(f"Berkas satker {own} hanya menerima paket dari Kantor Wilayah, bukan dari {unit}.")
    if not store.conn.execute("SELECT 1 FROM unit WHERE code = ? AND deleted = 0", (unit,)).fetchone():
        raise PackageError(f"Satker {unit} (paket {reader.path.name}) tidak ada di direktori satker berkas ini. "
                           "Tambahkan satker itu di direktori lalu gabungkan lagi.")


def _mismatch_message(conn, reader: PackageReader) -> str:
    pin = current_pin(conn, reader.unit)
    return (f"Paket {reader.path.name} dari satker {reader.unit} ditandatangani kunci lain (sidik jari "
            f"{reader.fingerprint}), bukan kunci yang disematkan ({pin['fingerprint']}). Paket ditolak. Bila "
            "satker itu memang memasang ulang aplikasi, konfirmasi sidik jari barunya melalui telepon lalu "
            "sematkan ulang dengan alasan.")


def _backup(store: Store) -> Path:
    """A copy of the file before the first package is applied; only the newest few are kept."""
    from ..backups import MERGE, backup_before_step

    return backup_before_step(store, MERGE)


def _merge_one(service, reader: PackageReader, dry_run: bool, trust_new_keys: bool, report: MergeReport,
               verified: Callable, verify_next: Callable, admit: Callable | None,
               facts: "_FileFacts") -> PackageResult:
    """Merge one package in its own transaction (the dry run's savepoint).  ``admit``: checks the file
    takes it (:func:`_admit`), when they were not made already; ``facts``: what the merge read of the
    file once."""
    store = service.store
    m = reader.manifest
    result = PackageResult(reader.path, "rejected", "", reader.unit, reader.sequence, m["created_at"],
                           reader.package_digest, reader.fingerprint)
    try:
        if not dry_run and report.backup is None:
            # The first package applied is decided before the file's backup, outside a transaction.
            if _settled(service, reader, result, admit, verified)[0]:
                return _resumed(service, reader, result, dry_run)
            admit = None
            # The copy runs inside SQLite without the GIL, like a COMMIT: the helper verifies the
            # next package meanwhile (it reads only that package; nothing here depends on it).
            verify_next()
            report.backup = _backup(store)
        with store.atomic():
            # Every check in the transaction (again for the first: another package of the same unit
            # may have come first), so that one lock is taken a package.
            settled, admitted = _settled(service, reader, result, admit, verified)
            if not settled:
                result.key_status = admitted or key_status(store.conn, reader.unit, reader.public_key)
                if result.key_status == "mismatch":
                    raise KeyMismatch(_mismatch_message(store.conn, reader))
                if result.key_status == "new":
                    result.key_shared_with = units_sharing(store.conn, reader.fingerprint, reader.unit)
                    if trust_new_keys or dry_run:    # a key of another unit is never trusted by a flag alone
                        report.changes.merge(service.pin_key(
                            reader.unit, reader.fingerprint, public_key=reader.public_key,
                            reason=TRUSTED_BY_FLAG if trust_new_keys else "uji coba", allow_shared=dry_run))
                    else:   # pinned by nobody since the first check: refuse rather than trust silently
                        raise PackageError(f"Kunci satker {reader.unit} belum disematkan (sidik jari "
                                           f"{reader.fingerprint}).")
                applier = PackageApplier(service, reader, report.changes.wholes(), *facts.span())
                applier.run(result)
                verify_next()
        if settled:
            return _resumed(service, reader, result, dry_run)
        facts.merged(reader.unit)
        report.changes.merge(applier.writer.changes)
        result.status = "would_merge" if dry_run else "merged"
        t = result.totals()
        result.message = (f"{'Akan digabung' if dry_run else 'Digabung'}: {t['new']} baru, {t['updated']} diubah, "
                          f"{t['unchanged']} tetap, {t['conflicts']} konflik, {t['ignored_locked']} diabaikan "
                          f"(periode terkunci), {t['rejected']} ditolak.")
        _resumed(service, reader, result, dry_run)
        if result.out_of_order_after is not None:
            result.message = (
                f"PERIKSA: paket urutan {reader.sequence} datang sesudah urutan {result.out_of_order_after} yang sudah "
                f"digabungkan dari satker {reader.unit} (penghitung ekspor satker itu hilang atau dipulihkan dari "
                "cadangan?). Barisnya diputuskan menurut versi: " + result.message[0].lower() + result.message[1:]
                + " Tanyakan kepada satker itu apakah berkasnya dipulihkan; paket berikutnya dari berkas ini "
                  "memberi tahu satker itu nomor urut terakhir yang diterima.")
    except RenstraError as exc:
        result.status, result.message = "rejected", exc.message
        result.tables, result.notes = {}, []
        result.key_status = "mismatch" if isinstance(exc, KeyMismatch) else result.key_status
    return result


class _FileFacts:
    """What a merge reads of the file once: its schema version and its plan span (which only the
    Kantor Wilayah's package can change: the plan profile is its reference data)."""

    def __init__(self, store: Store):
        self.store = store
        self.schema_version = store.schema_version
        self._years: tuple | None = None

    def years(self) -> tuple:
        if self._years is None:
            self._years = plan_years(self.store.conn)
        return self._years

    def span(self) -> tuple[tuple, int]:
        return self.years(), self.schema_version

    def merged(self, unit: str) -> None:
        if unit == "KANWIL":
            self._years = None


def _settled(service, reader: PackageReader, result: PackageResult, admit: Callable | None,
             verified: Callable) -> tuple[bool, str | None]:
    """Whether the package is settled without being applied, ``result`` filled: merged already, or
    older than one merged and bringing nothing the file lacks; and its key status when ``admit``
    found it.  Raises when the file does not take it (``admit``) or it does not verify."""
    store = service.store
    status = admit() if admit is not None else None
    if (skipped := _skip_reason(store.conn, reader)) is not None:
        result.status, result.message = skipped
        result.tables = {t: Counter({s: 0 for s in STATUSES} | {"unchanged": n})
                         for t, n in reader.manifest["row_counts"].items() if n}
        return True, status
    verified()
    last = _last_sequence(store.conn, reader)
    if last is not None and reader.sequence <= last:
        # Out of order (a lost or restored export counter, or a package that arrived late):
        # its rows are decided by their versions like any other.  One that brings nothing the
        # file lacks changes nothing; one that does is merged and marked to be acted on.
        result.out_of_order_after = last
        probe = PackageResult(reader.path, "older", "")
        _probe(service, reader, probe)
        if not _brings_anything(probe):
            result.status, result.tables, result.notes = "older", probe.tables, probe.notes
            result.message = (f"Paket urutan {reader.sequence} dari satker {reader.unit} lebih lama daripada paket "
                              f"urutan {last} yang sudah digabungkan dan tidak membawa data baru; tidak ada yang "
                              "diubah.")
            return True, status
    return False, status


def _resumed(service, reader: PackageReader, result: PackageResult, dry_run: bool) -> PackageResult:
    """``result``, this file's export sequence resumed above what the package says its unit merged
    (outside the transaction: the counter is a file of its own), unless a dry run or skipped."""
    if not dry_run and result.status != "already_merged":
        _resume_own_sequence(service, reader, result)
    return result


def _skip_reason(conn, reader: PackageReader) -> tuple[str, str] | None:
    """Only a package already merged (the same digest) is skipped: any other is decided row by row."""
    done = conn.execute("SELECT merged_at, merged_by FROM package_batch WHERE package_digest = ?",
                        (reader.package_digest,)).fetchone()
    if done:
        return ("already_merged", f"Paket ini sudah digabungkan pada {done['merged_at'][:19].replace('T', ' ')} UTC "
                                  f"oleh {done['merged_by']}; tidak ada yang diubah.")
    return None


def _resume_own_sequence(service, reader: PackageReader, result: PackageResult) -> None:
    """The package says the last sequence its unit merged from this file's unit: resume above it."""
    store = service.store
    merged = reader.manifest["received"].get(service.unit_code)
    if merged is not None and resume_sequence_above(store.path, merged):
        result.message += (f" Nomor urut ekspor berkas ini dilanjutkan sesudah {merged}, nomor terakhir yang "
                           f"diterima satker {reader.unit}.")


def _last_sequence(conn, reader: PackageReader) -> int | None:
    """The highest sequence merged from the package's unit and key."""
    return conn.execute("SELECT max(sequence) FROM package_batch WHERE unit_code = ? AND key_fingerprint = ?",
                        (reader.unit, reader.fingerprint)).fetchone()[0]


class _Probe(Exception):
    """Rolls back a classification made only to see what an out-of-order package brings."""


def _probe(service, reader: PackageReader, result: PackageResult) -> None:
    """Classify the package's rows into ``result`` inside a savepoint that is rolled back."""
    try:
        with service.store.atomic():
            PackageApplier(service, reader).run(result)
            raise _Probe
    except _Probe:
        pass


def _brings_anything(probe: PackageResult) -> bool:
    """Whether a classified package holds a row the file lacks, a newer version, a conflict or a
    row refused (rows equal to the file's or older than them bring nothing)."""
    t = probe.totals()
    return any(t[s] for s in ("new", "updated", "conflicts", "ignored_locked", "rejected"))
