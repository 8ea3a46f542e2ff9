"""Package commands: export-package, verify-package, merge, keys, conflicts (docs/packages.md).

Thin wrappers over core.packages: package_export, package, merge, merge_conflicts and keys.
Exit 0 when everything asked for was done or was already done; 1 when a package was rejected or a
key is not pinned.
"""
from __future__ import annotations

import json
import sys
from contextlib import nullcontext
from pathlib import Path

from ..core.store import Store


def register(sub) -> None:
    p = sub.add_parser("export-package", help="buat paket bertanda tangan berisi data satker berkas ini")
    p.add_argument("file", help="berkas rencana (.renstra)")
    p.add_argument("--unit", help="kode satker (harus satker berkas itu; untuk memastikan)")
    p.add_argument("-o", "--output", metavar="PKG", help="berkas paket atau folder (bawaan: folder ini, "
                                                         "nama SATKER_TANGGAL_URUTAN.rpkg)")
    p.add_argument("--passphrase-file", metavar="BERKAS",
                   help="kata sandi kunci (bila dilindungi) dari berkas ini; - = masukan standar")
    p.set_defaults(handler=cmd_export)

    p = sub.add_parser("verify-package", help="periksa paket: struktur, manifest, digest, tanda tangan, kunci")
    p.add_argument("package", metavar="PKG")
    p.add_argument("--plan", metavar="FILE", help="berkas rencana yang kuncinya dibandingkan (bawaan: berkas "
                                                  "rencana instalasi ini bila ada)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_verify)

    p = sub.add_parser("merge", help="gabungkan paket ke berkas rencana (uji coba, lalu terapkan)")
    p.add_argument("file", help="berkas rencana tujuan (.renstra)")
    p.add_argument("packages", metavar="PKG", nargs="+")
    p.add_argument("--dry-run", action="store_true", help="uji coba: tampilkan ringkasan, jangan simpan")
    p.add_argument("--trust-new-keys", action="store_true",
                   help="sematkan kunci satker yang baru pertama kali terlihat (untuk skrip)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_merge)

    p = sub.add_parser("keys", help="kunci tanda tangan instalasi dan kunci satker yang disematkan")
    ks = p.add_subparsers(dest="keys_command", metavar="PERINTAH", required=True)
    k = ks.add_parser("show", help="sidik jari kunci instalasi ini (dibuat bila belum ada)")
    k.add_argument("file")
    k.set_defaults(handler=cmd_keys_show)
    k = ks.add_parser("protect", help="lindungi kunci instalasi ini dengan kata sandi (atau lepaskan)")
    k.add_argument("file")
    k.add_argument("--passphrase-file", metavar="BERKAS", help="kata sandi baru dari berkas ini; - = masukan standar")
    k.add_argument("--current-passphrase-file", metavar="BERKAS",
                   help="kata sandi sekarang (bila kunci sudah dilindungi)")
    k.add_argument("--remove", action="store_true",
                   help="lepaskan kata sandi: kunci hanya dilindungi izin berkas (0600)")
    k.add_argument("--os", action="store_true",
                   help="lindungi dengan penyimpanan kunci sistem operasi (akun Windows, DPAPI) bila ada")
    k.set_defaults(handler=cmd_keys_protect)
    k = ks.add_parser("list", help="kunci satker yang disematkan")
    k.add_argument("file")
    k.add_argument("--json", action="store_true")
    k.set_defaults(handler=cmd_keys_list)
    k = ks.add_parser("pin", help="sematkan (atau sematkan ulang) kunci satker dari sidik jarinya")
    k.add_argument("file")
    k.add_argument("unit", metavar="SATKER")
    k.add_argument("fingerprint", metavar="SIDIK-JARI")
    k.add_argument("--reason", default="", help="alasan (wajib bila mengganti kunci yang sudah disematkan)")
    k.add_argument("--force", action="store_true",
                   help="sematkan juga bila kunci itu sudah disematkan untuk satker lain (setelah diperiksa)")
    k.set_defaults(handler=cmd_keys_pin)

    p = sub.add_parser("conflicts", help="konflik penggabungan: daftar dan keputusan")
    cs = p.add_subparsers(dest="conflicts_command", metavar="PERINTAH", required=True)
    c = cs.add_parser("list", help="konflik yang belum diputuskan")
    c.add_argument("file")
    c.add_argument("--json", action="store_true")
    c.set_defaults(handler=cmd_conflicts_list)
    c = cs.add_parser("resolve", help="putuskan satu konflik")
    c.add_argument("file")
    c.add_argument("id", type=int)
    c.add_argument("--keep", required=True, choices=("package", "consolidated"),
                   help="package = nilai dari paket; consolidated = nilai di berkas ini")
    c.set_defaults(handler=cmd_conflicts_resolve)


def _print_json(data) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=1, default=str))


def read_secret(path: str | None, prompt: str) -> bytes | None:
    """A passphrase from a file (its first line), standard input (``-``), or typed at a terminal
    when no file is given; never from the command line itself."""
    from ..core.errors import FileError
    from ..core.os_errors import os_reason

    if path == "-":
        return sys.stdin.readline().rstrip("\r\n").encode("utf-8")
    if path:
        try:
            text = Path(path).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            why = os_reason(exc) if isinstance(exc, OSError) else "bukan teks UTF-8"
            raise FileError(f"Berkas kata sandi {path} tidak dapat dibaca ({why}).") from None
        return (text.splitlines() or [""])[0].encode("utf-8")
    if sys.stdin.isatty():
        import getpass
        return getpass.getpass(prompt).encode("utf-8")
    return None


def cmd_export(args) -> int:
    from ..core.packages.key_protection import KeyLocked
    from ..core.packages.package_export import export_package

    with Store.open(args.file, readonly=True) as store:
        secret = read_secret(args.passphrase_file, "") if args.passphrase_file else None
        try:
            result = export_package(store, args.output, unit=args.unit, passphrase=secret)
        except KeyLocked as exc:
            if secret is not None or args.passphrase_file or not sys.stdin.isatty():
                raise
            secret = read_secret(None, "Kata sandi kunci tanda tangan: ") or None
            if secret is None:
                raise exc from None
            result = export_package(store, args.output, unit=args.unit, passphrase=secret)
    m = result.manifest
    print(f"Paket dibuat: {result.path}")
    print(f"  satker {m['unit']}, urutan {m['sequence']}, {result.total_rows} baris, skema {m['schema_version']}")
    print(f"  sidik jari kunci: {result.fingerprint}")
    return 0


def cmd_verify(args) -> int:
    from ..core.newplan import default_plan_path
    from ..core.packages.package import verify_package

    plan_path = Path(args.plan) if args.plan else default_plan_path()
    with (Store.open(plan_path, readonly=True) if args.plan or plan_path.exists() else nullcontext()) as plan:
        report = verify_package(args.package, plan)
    refused = report.key_status == "mismatch"
    if args.json:
        _print_json(report.as_dict())
    elif not refused:             # a refusal is one line on stderr (below), as for every command
        _print_verify(report)
    if report.shared_with:
        print(f"renstra-desktop: PERINGATAN: kunci paket ini disematkan untuk satker {', '.join(report.shared_with)}, "
              f"bukan untuk {report.manifest['unit']}: satu kunci untuk dua satker. Periksa sidik jarinya melalui "
              "telepon sebelum menggabungkan.", file=sys.stderr)
    if refused:
        print(f"renstra-desktop: kunci paket {report.path.name} ({report.fingerprint}) BERBEDA dengan kunci yang "
              f"disematkan untuk satker {report.manifest['unit']} ({report.pinned_fingerprint}); paket ini akan "
              "ditolak. Bila satker itu memasang ulang aplikasi, konfirmasi sidik jari barunya melalui telepon lalu "
              "sematkan ulang dengan alasan.", file=sys.stderr)
    return 1 if refused else 0


def _print_verify(report) -> None:
    m = report.manifest
    print(f"Paket utuh dan tanda tangannya sah: {report.path}")
    print(f"  satker {m['unit']}, urutan {m['sequence']}, dibuat {m['created_at']} (aplikasi {m['app_version']}, "
          f"skema {m['schema_version']})")
    print(f"  baris: {sum(m['row_counts'].values())}; digest isi {m['content_digest'][:16]}…")
    print(f"  sidik jari kunci: {report.fingerprint}")
    status = {
        "pinned": "sudah disematkan untuk satker ini",
        "new": "BELUM disematkan: konfirmasi sidik jari melalui telepon sebelum menggabungkan",
        "mismatch": f"BERBEDA dengan kunci yang disematkan ({report.pinned_fingerprint}): paket akan ditolak",
        None: "tidak dibandingkan (beri --plan BERKAS)",
    }[report.key_status]
    print(f"  kunci: {status}")
    for table, bad in report.invalid_rows.items():
        print(f"  {len(bad)} baris {table} akan ditolak saat digabung (nilai tidak sah)")


def cmd_merge(args) -> int:
    from ..core.packages.merge import merge_packages
    from ..core.packages.merge_report import STATUS_LABELS, STATUSES
    from ..core.newplan import current_user

    with Store.open(args.file) as store:
        report = merge_packages(store, args.packages, actor=current_user(), dry_run=args.dry_run,
                                trust_new_keys=args.trust_new_keys)
    if args.json:
        _print_json(report.as_dict())
        return 0 if report.ok else 1
    if args.dry_run:
        print("UJI COBA: tidak ada yang disimpan.")
    for r in report.results:
        head = f"{r.path.name}: " + (f"satker {r.unit}, urutan {r.sequence}. " if r.unit else "")
        print(head + r.message)
        if r.key_status == "new":
            done = "belum disematkan (uji coba)" if args.dry_run else "kini disematkan"
            print(f"  kunci baru satker {r.unit}: sidik jari {r.fingerprint}, {done}")
        for table, counts in r.tables.items():
            cells = ", ".join(f"{counts[s]} {STATUS_LABELS[s]}" for s in STATUSES if counts[s])
            print(f"  {table:<20} {cells}")
        for note in r.notes:
            print(f"  - {note.table} {note.label or note.row_id}: {note.reason}")
            for name, (old, new) in note.fields.items():
                print(f"      {name}: berkas ini {old!r} | paket {new!r}")
        if r.notes_omitted:
            print(f"  … dan {r.notes_omitted} baris lain (terhitung di atas, tidak dicantumkan satu per satu)")
    if report.backup:
        print(f"Cadangan sebelum penggabungan: {report.backup}")
    rejected = [r for r in report.results if r.status == "rejected"]
    if len(rejected) == 1:     # the summary above is on stdout; a script (or a user) also sees why on stderr
        print(f"renstra-desktop: 1 paket ditolak, tidak digabungkan: {rejected[0].path.name}: {rejected[0].message}",
              file=sys.stderr)
    elif rejected:
        print(f"renstra-desktop: {len(rejected)} paket ditolak, tidak digabungkan: "
              f"{', '.join(r.path.name for r in rejected)}. Alasan tiap paket tertulis di atas.", file=sys.stderr)
    late = [r for r in report.results if r.needs_attention and r.status != "rejected"]
    if late:
        print(f"renstra-desktop: {len(late)} paket datang tidak berurutan dan membawa data "
              f"({', '.join(r.path.name for r in late)}); barisnya diputuskan menurut versi. Periksa keterangannya "
              "di atas dan tanyakan kepada satkernya.", file=sys.stderr)
    return 0 if report.ok else 1


def cmd_keys_show(args) -> int:
    from ..core.packages.key_protection import PROTECTORS
    from ..core.packages.keys import fingerprint, installation_key, key_path, key_protection_of, public_key_of

    with Store.open(args.file, readonly=True) as store:
        unit = store.unit_code
    path = key_path(args.file)
    existed = path.exists()
    if not existed:
        installation_key(args.file)
    method = key_protection_of(args.file)
    guard = ("izin berkas saja (0600): lindungi dengan kata sandi: renstra-desktop keys protect BERKAS"
             if method == "none" else PROTECTORS[method].label if method in PROTECTORS else method)
    print(f"Kunci instalasi satker {unit}: {path}{'' if existed else ' (baru dibuat)'}")
    print(f"Sidik jari: {fingerprint(public_key_of(args.file))}")
    print(f"Perlindungan: {guard}")
    print("Bacakan sidik jari ini kepada Kantor Wilayah melalui telepon saat paket pertama dikirim.")
    return 0


def cmd_keys_protect(args) -> int:
    from ..core.errors import FileError
    from ..core.packages.key_protection import os_store
    from ..core.packages.keys import installation_key, key_path, key_protection_of, protect_key

    with Store.open(args.file, readonly=True):
        pass                                   # a plan file, not any path
    if not key_path(args.file).exists():
        installation_key(args.file)
    current = None
    if key_protection_of(args.file) != "none":
        current = read_secret(args.current_passphrase_file, "Kata sandi kunci sekarang: ")
    if args.remove:
        protect_key(args.file, "none", current=current)
        print("Kata sandi kunci dilepas: kunci kini hanya dilindungi izin berkas (0600).")
        return 0
    if args.os:
        store = os_store()
        if store is None:
            raise FileError("Komputer ini tidak memiliki penyimpanan kunci sistem operasi yang dikenal aplikasi "
                            "(di Windows: akun Windows/DPAPI). Lindungi kunci dengan kata sandi; kunci tidak diubah.")
        protect_key(args.file, store.name, current=current)
        print(f"Kunci {key_path(args.file).name} kini dilindungi oleh {store.label}. Sidik jari tidak berubah.")
        return 0
    secret = read_secret(args.passphrase_file, "Kata sandi baru: ")
    if args.passphrase_file is None and secret is not None:
        if read_secret(None, "Ulangi kata sandi baru: ") != secret:
            raise FileError("Kedua kata sandi tidak sama; kunci tidak diubah.")
    if secret is None:
        raise FileError("Berikan kata sandi baru dengan --passphrase-file BERKAS (atau - untuk masukan standar); "
                        "kunci tidak diubah.")
    protect_key(args.file, "passphrase", secret=secret, current=current)
    print(f"Kunci {key_path(args.file).name} kini dilindungi kata sandi; ketik kata sandinya setiap mengekspor "
          "paket. Sidik jari tidak berubah.")
    return 0


def cmd_keys_list(args) -> int:
    from ..core.packages.keys import pins

    with Store.open(args.file, readonly=True) as store:
        found = pins(store.conn)
    if args.json:
        _print_json(found)
        return 0
    if not found:
        print("Belum ada kunci satker yang disematkan.")
    for p in found:
        print(f"{p['unit_code']:<14} {p['fingerprint']}  {p['pinned_at'][:10]} oleh {p['pinned_by']}: {p['reason']}")
    return 0


def cmd_keys_pin(args) -> int:
    from ..core.packages.keys import pin_key, units_sharing
    from ..core.newplan import current_user

    with Store.open(args.file) as store:
        pin = pin_key(store, args.unit, args.fingerprint, actor=current_user(), reason=args.reason,
                      allow_shared=args.force)
        shared = units_sharing(store.conn, pin["fingerprint"], pin["unit_code"])
    print(f"Kunci satker {pin['unit_code']} disematkan: {pin['fingerprint']}")
    if shared:
        print(f"renstra-desktop: PERINGATAN: kunci yang sama disematkan juga untuk satker {', '.join(shared)}.",
              file=sys.stderr)
    return 0


def cmd_conflicts_list(args) -> int:
    from ..core.packages.merge_conflicts import open_conflicts

    with Store.open(args.file, readonly=True) as store:
        found = open_conflicts(store.conn)
    if args.json:
        _print_json(found)
        return 0
    if not found:
        print("Tidak ada konflik yang menunggu keputusan.")
    for c in found:
        print(f"#{c['id']} {c['table_name']} {c['label']}: {c['reason']}")
        for name, (old, new) in c["fields"].items():
            print(f"    {name}: berkas ini {old!r} | paket {new!r}")
    return 0


def cmd_conflicts_resolve(args) -> int:
    from ..core.packages.merge_conflicts import resolve_conflict
    from ..core.newplan import current_user

    with Store.open(args.file) as store:
        resolve_conflict(store, args.id, args.keep, actor=current_user())
    kept = "nilai paket" if args.keep == "package" else "nilai berkas ini"
    print(f"Konflik #{args.id} diputuskan: {kept} dipertahankan.")
    return 0
