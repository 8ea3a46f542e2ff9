"""Reports, start-up, the open check and signing at national scale, each against its baseline.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/national_report.py [--units 530] [--runs 3]
        [--skip window,cli,scaling,startup,check,signing]

On the consolidated file of ``bench/national_file.py`` (cached), every heavy measurement in a child
process of its own, so its peak memory is its own ``ru_maxrss`` (read by the parent with ``wait4``):

- window: the real ``MainWindow`` (offscreen), Laporan tab, "Renstra lengkap" of "Semua satker
  (gabungan)", Buat laporan clicked; until the preview is placed.  Wall time, pages, the longest
  gap of a 5 ms heartbeat on the GUI thread, the time the GUI thread spends placing the pages
  (``ReportTab._show``, timed around the call), full garbage collections (``gc.callbacks``:
  generation-2 count, total and longest), peak RSS;
- cli: ``renstra-desktop report renstra FILE --unit SEMUA -o OUT.pdf`` (the CLI's ``main`` in the
  child, with the same ``gc.callbacks``): wall time, pages, GC, peak RSS;
- scaling: the core's ``build_report`` of the Renstra lengkap for all units against bare reportlab
  with the same figures — (a) the fair build (``bench/report_fair.py``: the same document, its
  tables, charts, absorption table, signature block, contents and page totals, with plain
  reportlab), (b) bench/report.py's bare build (one big table per section) and (c) one table per
  unit (each unit's rows a table of their own; both (b) and (c) only the main tables' figures) — at
  each cached size (12, 101, 531 units by default), alternating, median of ``--runs``; the load
  average at the end;
- startup: process start to the first paint (bench/startup.py's method) of ``renstra-desktop --db``
  on the national file and on the embedded Kanwil plan, against the bare window of four empty tabs,
  alternating, median of ``--runs``; and the peak RSS of each;
- check: what opening costs — ``PRAGMA quick_check`` alone, ``Store.open`` read-only and
  read-write, a bare connection, and ``PRAGMA integrity_check`` for reference, median of 5;
- signing: ``renstra-desktop sign-pdf`` (whole process) against a bare pyHanko script (whole
  process: ``SimpleSigner.load_pkcs12``, ``sign_pdf`` with a new field in the same box, a
  ``TextStampStyle`` with the same text, font file and size), on the province's Renstra lengkap
  and on the national one, alternating, median of ``--runs``.
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:0] = [str(ROOT), str(BENCH)]

from national_file import FULL_REPORT, KANWIL_FILE, national_file  # noqa: E402

MARK = "RESULT "


# -- instruments ------------------------------------------------------------------------------------
class GcPauses:
    """Durations of the garbage collector's generation-2 (full) collections, through gc.callbacks."""

    def __init__(self):
        self.full: list[float] = []
        self.young = 0.0
        self._start = 0.0
        gc.callbacks.append(self._cb)

    def _cb(self, phase, info):
        if phase == "start":
            self._start = time.perf_counter()
        else:
            elapsed = time.perf_counter() - self._start
            if info["generation"] == 2:
                self.full.append(elapsed)
            else:
                self.young += elapsed

    def summary(self) -> dict:
        return dict(gc_full=len(self.full), gc_full_s=round(sum(self.full), 3),
                    gc_full_max_ms=round(max(self.full, default=0) * 1000, 1), gc_young_s=round(self.young, 3))


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_now_mb() -> float:
    """Resident memory now (Linux: /proc/self/status VmRSS)."""
    with open("/proc/self/status") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith("VmRSS:")) / 1024


def child(mode: str, *args: str, env: dict | None = None, timeout: float = 3600) -> dict:
    """Run this script in ``mode`` in a fresh process; its RESULT line plus its peak RSS (wait4)."""
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "--child", mode, *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env or os.environ)
    out, err = proc.communicate(timeout=timeout)
    wall = time.perf_counter() - started
    line = next((ln for ln in out.splitlines() if ln.startswith(MARK)), None)
    if proc.returncode != 0 or line is None:
        raise SystemExit(f"child {mode} failed ({proc.returncode}):\n{out[-2000:]}\n{err[-3000:]}")
    result = json.loads(line[len(MARK):])
    result["process_s"] = round(wall, 2)
    return result


def emit(result: dict) -> None:
    result["peak_rss_mb"] = round(peak_rss_mb(), 1)
    print(MARK + json.dumps(result), flush=True)


# -- child modes ------------------------------------------------------------------------------------
def child_window(path: str) -> None:
    """The Laporan tab builds the Renstra lengkap of every unit; until the preview is placed."""
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv[:1])
    settings = tempfile.mkdtemp(prefix="renstra-settings-")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, settings)
    from gui_stalls import Heartbeat, report_done

    from renstra_desktop.core.store import Store
    from renstra_desktop.ui import dialogs
    from renstra_desktop.ui.main_window import MainWindow

    for kind in ("info", "warn", "error"):
        setattr(dialogs, kind, lambda parent, title, message: print(f"[dialog] {title}: {message}", file=sys.stderr))
    window = MainWindow(Store.open(path))
    window.resize(1280, 800)
    window.show()
    app.processEvents()
    window.tabs.setCurrentIndex(window.tabs.indexOf(window.report_tab))
    tab = window.report_tab
    tab.kind.setCurrentIndex(tab.kind.findData(FULL_REPORT))
    tab.unit.setCurrentIndex(tab.unit.findData(""))          # Semua satker (gabungan)
    app.processEvents()
    placing = {}
    show = tab._show

    def timed_show(*a):
        t0 = time.perf_counter()
        show(*a)
        placing["s"] = time.perf_counter() - t0
    tab._show = timed_show                   # instrument only: the same method, timed
    hb = Heartbeat()
    gcp = GcPauses()
    rss_before = peak_rss_mb()
    started = time.perf_counter()
    before = tab.result
    longest = hb.measure(tab.build, lambda: report_done(tab, before), timeout=3000)
    wall = time.perf_counter() - started - 0.15
    rss_placed, peak_build = rss_now_mb(), peak_rss_mb()
    # read the preview as a user would: page by page (40 steps), to the end, then to pages far apart;
    # each step until the pages in view are drawn; the longest gap and the memory afterwards
    preview, bar = tab.preview, tab.preview.verticalScrollBar()
    steps = [lambda: bar.setValue(bar.value() + bar.pageStep())] * 40 + [lambda: bar.setValue(bar.maximum())]
    steps += [lambda f=f: bar.setValue(int(bar.maximum() * f)) for f in (0.5, 0.1, 0.9, 0.3, 0.0)]
    drawn = getattr(preview, "visible_pages", None)
    scroll_gap = max(hb.measure(step, (lambda: all(i in preview.cached_pages() for i in drawn()))
                                if drawn else (lambda: True)) for step in steps)
    emit(dict(pages=tab.page_count(), wall_s=round(wall, 2), longest_gap_ms=round(longest, 1),
              placing_s=round(placing.get("s", 0), 2), rss_before_mb=round(rss_before, 1),
              rss_placed_mb=round(rss_placed, 1), peak_build_mb=round(peak_build, 1),
              scroll_gap_ms=round(scroll_gap, 1), rss_scrolled_mb=round(rss_now_mb(), 1), **gcp.summary()))
    shutil.rmtree(settings, ignore_errors=True)


def child_cli(path: str, out: str) -> None:
    from renstra_desktop.cli import main as cli_main

    gcp = GcPauses()
    started = time.perf_counter()
    code = cli_main(["report", FULL_REPORT, path, "--unit", "SEMUA", "-o", out, "--json"])
    wall = time.perf_counter() - started
    if code:
        raise SystemExit(code)
    emit(dict(wall_s=round(wall, 2), **gcp.summary()))


def per_unit_bare(figures: dict, font: str) -> tuple[bytes, int]:
    """bench/report.py's bare build, but every unit's rows a table of their own (as ours lays them out)."""
    from reportlab.platypus import PageBreak

    from report import bare_cells, bare_pdf

    p, table = bare_cells(font)
    f = figures["figures"]
    story = [p("Rencana Strategis"), PageBreak()]
    head = ["No", "IKK / Satker", "Satuan", "Target", "Realisasi", "Capaian", "Predikat"]
    cap_cols = [0.07, 0.42, 0.07, 0.1, 0.1, 0.1, 0.11]
    for prog in f["capaian"]["programs"]:
        for obj in prog["objectives"]:
            for ind in obj["indicators"]:
                rows = [head, [ind["code"], p(ind["name"]), ind["measure"], "", "", "", ""]]
                rows += [["", p(u["unit_name"]), "", u["target"], u["actual"], u["achievement"], u["grade"]]
                         for u in ind["units"]]
                story.append(table(rows, cap_cols))
    story.append(PageBreak())
    risk_cols = [0.045, 0.18, 0.23, 0.15, 0.25, 0.145]
    for unit in f["risiko"]["units"]:
        rows = [["No", "Indikasi Risiko", "Perlakuan", "Penanggung Jawab", "Indikator Keberhasilan", "Analisis"],
                ["", p(unit["unit_name"]), "", "", "", ""]]
        for prog in unit["programs"]:
            rows.append(["", p(prog["name"]), "", "", "", ""])
            for area in prog["areas"]:
                rows.append([area["no"], p(area["name"]), "", "", "", ""])
                rows += [["", p(x["risk"]), p("<br/>".join(x["treatments"])), p(x["responsible"]),
                          p("<br/>".join(x["success"])), p(x["inherent"] + " " + x["residual"])] for x in area["risks"]]
        story.append(table(rows, risk_cols))
    story.append(PageBreak())
    fund_cols = [0.065, 0.235] + [0.048] * 5 + [0.058] * 5 + [0.068, 0.09]
    for sec in f["pendanaan"]["sections"]:
        rows = [["SK/IKK", "Uraian"] + ["T"] * 5 + ["A"] * 5 + ["Total", "Pelaksana"], ["", p(sec["unit_name"])] + [""] * 12]
        for prog in sec["programs"]:
            rows += [[r["code"], p(r["name"]), *r["targets"], *r["alloc"], r["total"], p(r["executing"])]
                     for r in prog["rows"]]
        story.append(table(rows, fund_cols))
    story.append(PageBreak())
    for unit in f["roadmap"]["units"]:
        rows = [["No", "Aspek", "2025", "2026", "2027", "2028", "2029"], ["", p(unit["unit_name"])] + [""] * 5]
        rows += [[str(i), p(a["name"])] + [p("<br/>".join(a["years"][y])) for y in sorted(a["years"])]
                 for i, a in enumerate(unit["aspects"], 1)]
        story.append(table(rows, [0.04, 0.13] + [0.166] * 5))
    return bare_pdf(story)


def child_scaling(path: str, runs: str, only: str = "") -> None:
    """Ours and the three bare builds (a table per section, a table per unit, the fair one: the same
    document), alternating; the wrap-cache hits of ours."""
    from report import FONT, bare_build
    from report_fair import fair_build

    from renstra_desktop.core.reports import build_report, collect, payload_for
    from renstra_desktop.core.reports.base import ReportOptions
    from renstra_desktop.core.reports.layout import register_fonts
    from renstra_desktop.core.store import Store

    store = Store.open(path, readonly=True)
    options = ReportOptions(FULL_REPORT, unit=None, year=2026).checked(store.conn)
    register_fonts()
    figures = collect(store.conn, options)
    payload = payload_for(store.conn, options, figures).text()
    builds = {"ours": lambda: build_report(store.conn, options),
              "fair": lambda: fair_build(figures, options.span, "Seluruh Satuan Kerja", payload),
              "bare_section": lambda: bare_build(figures, FONT),
              "bare_unit": lambda: per_unit_bare(figures, FONT)}
    builds = {name: fn for name, fn in builds.items() if name == "ours" or not only or name in only.split(",")}
    times = {name: [] for name in builds}
    cpu = {name: [] for name in builds}
    pages = {}
    for _ in range(int(runs)):
        for name, fn in builds.items():
            t0, c0 = time.perf_counter(), time.process_time()
            out = fn()
            times[name].append(time.perf_counter() - t0)
            cpu[name].append(time.process_time() - c0)      # this process's CPU: less moved by the others' load
            pages[name] = out.page_count if name == "ours" else out[1]
            del out
    emit({name: dict(median_s=round(statistics.median(t), 3), runs=[round(x, 2) for x in t], pages=pages[name],
                     cpu_s=round(statistics.median(cpu[name]), 3))
          for name, t in times.items()} | {"load": os.getloadavg()[0]})


def child_check(path: str) -> None:
    import sqlite3

    from renstra_desktop.core.store import Store

    def med(fn, n=5):
        out = []
        for _ in range(n):
            t0 = time.perf_counter()
            fn()
            out.append(time.perf_counter() - t0)
        return round(statistics.median(out) * 1000, 1)

    def pragma(name):
        def run():
            conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            conn.execute(f"PRAGMA {name}").fetchall()
            conn.close()
        return run

    def open_close():
        Store.open(path).close()
    def open_readonly():
        Store.open(path, readonly=True).close()
    emit(dict(quick_check_ms=med(pragma("quick_check")), integrity_check_ms=med(pragma("integrity_check"), 3),
              readonly_open_ms=med(open_readonly), store_open_ms=med(open_close),
              connect_only_ms=med(pragma("user_version"))))


def child_bare_sign(src: str, out: str, p12: str, password: str, names: str, text: str) -> None:
    """Bare pyHanko: load the PKCS#12 and sign into the report's first empty field of ``names``
    (comma-separated; as the app does with the fields a report prepares), else a new field at the
    bottom left of the last page; the same stamp text, font file and a 9 pt size."""
    from io import BytesIO

    from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.text import TextBoxStyle
    from pyhanko.sign import fields, signers
    from pyhanko.stamp import TextStampStyle

    font = str(ROOT / "resources" / "fonts" / "LiberationSans-Regular.ttf")
    signer = signers.SimpleSigner.load_pkcs12(p12, passphrase=password.encode())
    style = TextStampStyle(stamp_text="%(text)s", text_box_style=TextBoxStyle(
        font=GlyphAccumulatorFactory(font, font_size=9), font_size=9), border_width=1)
    with open(src, "rb") as fh:
        writer = IncrementalPdfFileWriter(BytesIO(fh.read()))
    empty = {name for name, value, _ref in fields.enumerate_sig_fields(writer.prev) if value is None}
    field = next((n for n in names.split(",") if n in empty), None)
    new_field = None
    if field is None:
        field = names.split(",")[-1]
        new_field = fields.SigFieldSpec(field, on_page=-1, box=(42.0, 42.0, 262.0, 114.0))
    output = BytesIO()
    meta = signers.PdfSignatureMetadata(field_name=field, subfilter=fields.SigSeedSubFilter.PADES,
                                        md_algorithm="sha256")
    signers.PdfSigner(meta, signer, stamp_style=style, new_field_spec=new_field).sign_pdf(
        writer, output=output, appearance_text_params={"text": text.replace("|", "\n")})
    Path(out).write_bytes(output.getvalue())
    emit({"field": field})


# -- the parent ------------------------------------------------------------------------------------
def first_paint(command: list[str], env: dict) -> tuple[float, float, float]:
    """bench/startup.py's measure, the child's peak RSS (MB) up to its first paint (its own
    ru_maxrss, printed then) and of the whole process (wait4: also what runs after the paint until
    it quits)."""
    start = time.perf_counter()
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    line = next((ln for ln in out.splitlines() if ln.startswith("RENSTRA_FIRST_PAINT")), None)
    if status != 0 or line is None:
        raise SystemExit(f"start-up run failed: {' '.join(command)}")
    _, painted, peak_kib = line.split()
    return float(painted) - start, int(peak_kib) / 1024, usage.ru_maxrss / 1024


def startup(national: Path, runs: int, work: Path) -> None:
    from renstra_desktop.core.newplan import create_plan_file

    embedded = work / "kanwil-embedded.renstra"
    create_plan_file(embedded).close()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "RENSTRA_BENCH_EXIT_ON_PAINT": "1",
           "XDG_CONFIG_HOME": str(work / "config"), "XDG_DATA_HOME": str(work / "data")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")       # cached bytecode, as installed (startup.py --bytecode)
    commands = {"app, national file": [sys.executable, "-m", "renstra_desktop", "--db", str(national)],
                "app, embedded Kanwil plan": [sys.executable, "-m", "renstra_desktop", "--db", str(embedded)],
                "bare window, 4 empty tabs": [sys.executable, str(BENCH / "startup.py"), "--bare"]}
    for command in commands.values():
        first_paint(command, env)                             # warm-up
    times = {k: [] for k in commands}
    rss = {k: [] for k in commands}
    whole = {k: [] for k in commands}
    for _ in range(runs):
        for name, command in commands.items():
            t, m, w = first_paint(command, env)
            times[name].append(t * 1000)
            rss[name].append(m)
            whole[name].append(w)
    bare = "bare window, 4 empty tabs"
    print(f"\nstart-up to first paint (median of {runs}, alternating, cached bytecode), peak RSS up to the "
          f"first paint, and of the whole process (until it quits right after the paint):")
    for name in commands:
        t, m, w = statistics.median(times[name]), statistics.median(rss[name]), statistics.median(whole[name])
        print(f"  {name:<28}{t:8.0f} ms {t / statistics.median(times[bare]):6.2f}x   {m:7.1f} MB "
              f"{m / statistics.median(rss[bare]):6.2f}x   whole {w:7.1f} MB {w / statistics.median(whole[bare]):5.2f}x"
              f"   [{', '.join(f'{x:.0f}' for x in times[name])}]")


def signing(pdfs: list[tuple[str, Path]], runs: int, work: Path) -> None:
    sys.path.insert(0, str(ROOT / "tests"))
    import pki

    from renstra_desktop.core.signing.credentials import common_name, load_credentials, title
    from renstra_desktop.core.signing.roles import ROLES
    from renstra_desktop.core.signing.stamp import stamp_text

    keys = pki.make_test_pki(work / "pki")
    pw_file = work / "pw.txt"
    pw_file.write_bytes(keys.password + b"\n")
    import datetime as dt
    cred = load_credentials(keys.konseptor_p12, keys.password, dt.datetime.now().astimezone())
    names = ",".join(ROLES["konseptor"].field_names)
    text = stamp_text("Disiapkan oleh:", common_name(cred.cert), title(cred.cert), dt.datetime.now().astimezone(),
                      (220.0, 72.0))[0].replace("\n", "|")
    print(f"\nsigning, whole process (median of {runs}, alternating): renstra-desktop sign-pdf vs bare pyHanko")
    for label, pdf in pdfs:
        from pypdf import PdfReader
        pages = len(PdfReader(str(pdf)).pages)
        ours, bare = [], []
        for i in range(runs):
            for who in ("ours", "bare"):
                out = work / f"signed-{who}-{i}.pdf"
                t0 = time.perf_counter()
                if who == "ours":
                    done = subprocess.run([sys.executable, "-m", "renstra_desktop", "sign-pdf", str(pdf), "--p12",
                                           str(keys.konseptor_p12), "--as", "konseptor", "-o", str(out),
                                           "--password-file", str(pw_file)], capture_output=True, text=True)
                    if done.returncode:
                        raise SystemExit(done.stderr)
                else:
                    child("bare-sign", str(pdf), str(out), str(keys.konseptor_p12), keys.password.decode(),
                          names, text)
                (ours if who == "ours" else bare).append(time.perf_counter() - t0)
                out.unlink()
        o, b = statistics.median(ours), statistics.median(bare)
        print(f"  {label:<34}{pdf.stat().st_size / 1e6:6.1f} MB {pages:5d} pages   ours {o:6.2f} s   bare {b:6.2f} s"
              f"   {o / b:.2f}x   [{', '.join(f'{x:.2f}' for x in ours)} | {', '.join(f'{x:.2f}' for x in bare)}]")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--units", type=int, default=530)
    parser.add_argument("--scaling", default="11,100,530", help="unit counts for the scaling runs")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--baselines", default="", help="scaling: only these of fair,bare_section,bare_unit "
                        "(the one-big-table build is quadratic: minutes at 531 units)")
    # the scaling rows print wall time (what a user waits) and the child's CPU time (what the build
    # costs; on a shared machine the wall time also holds the time the others' processes ran)
    parser.add_argument("--skip", default="", help="comma-separated parts to skip")
    parser.add_argument("--cache", metavar="DIR")
    parser.add_argument("--national-pdf", metavar="PDF", help="sign this national Renstra lengkap (made by an "
                        "earlier run's CLI part) instead of building it; with --skip cli")
    parser.add_argument("--child", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        mode, *rest = args.child
        {"window": child_window, "cli": child_cli, "scaling": child_scaling, "check": child_check,
         "bare-sign": child_bare_sign}[mode](*rest)
        return 0
    skip = set(filter(None, args.skip.split(",")))
    folder = national_file(args.units, args.cache)
    path = folder / KANWIL_FILE
    work = Path(tempfile.mkdtemp(prefix="renstra-national-report-"))
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    print(f"file: {path} ({path.stat().st_size / 1e6:.1f} MB); machine: {os.cpu_count()} cores, shared and noisy")
    try:
        national_pdf = work / "renstra-semua.pdf"
        if "cli" not in skip:
            r = child("cli", str(path), str(national_pdf), env=env)
            print(f"\nCLI, Renstra lengkap of every unit: {r['wall_s']} s build+write, process {r['process_s']} s, "
                  f"peak RSS {r['peak_rss_mb']} MB; full GC {r['gc_full']}× = {r['gc_full_s']} s "
                  f"(longest {r['gc_full_max_ms']} ms), young GC {r['gc_young_s']} s")
        if "window" not in skip:
            r = child("window", str(path), env=env)
            print(f"\nwindow, Laporan tab, same report: {r['pages']} pages, {r['wall_s']} s click to preview placed, "
                  f"RSS before the build {r['rss_before_mb']} MB, peak while building {r['peak_build_mb']} MB, "
                  f"{r['rss_placed_mb']} MB with the preview placed, {r['rss_scrolled_mb']} MB after scrolling "
                  f"through it (peak of the process {r['peak_rss_mb']} MB); longest GUI gap {r['longest_gap_ms']} ms "
                  f"building, {r['scroll_gap_ms']} ms scrolling; placing the pages {r['placing_s']} s on the GUI "
                  f"thread; full GC {r['gc_full']}× = {r['gc_full_s']} s (longest {r['gc_full_max_ms']} ms), "
                  f"young GC {r['gc_young_s']} s")
        if "scaling" not in skip:
            print(f"\nRenstra lengkap, all units, core build vs bare reportlab (median of {args.runs}, alternating; "
                  "fair = the same document, bench/report_fair.py):")
            print(f"  {'units':>5}{'ours s':>9}{'pages':>7}{'fair s':>9}{'pages':>7}{'ratio':>7}"
                  f"{'bare/section s':>16}{'pages':>7}{'ratio':>7}{'bare/unit s':>13}{'pages':>7}{'ratio':>7}"
                  f"{'ours s/unit':>12}{'load':>6}")
            for n in (int(x) for x in args.scaling.split(",")):
                p = national_file(n, args.cache) / KANWIL_FILE
                r = child("scaling", str(p), str(args.runs), args.baselines, env=env)
                none = dict(median_s=float("nan"), pages=0, runs=[])
                o, f, s, u = (r.get(k, none) for k in ("ours", "fair", "bare_section", "bare_unit"))
                print(f"  {n + 1:>5}{o['median_s']:>9.2f}{o['pages']:>7}{f['median_s']:>9.2f}{f['pages']:>7}"
                      f"{o['median_s'] / f['median_s']:>6.2f}x{s['median_s']:>16.2f}{s['pages']:>7}"
                      f"{o['median_s'] / s['median_s']:>6.2f}x{u['median_s']:>13.2f}{u['pages']:>7}"
                      f"{o['median_s'] / u['median_s']:>6.2f}x{o['median_s'] / (n + 1):>12.4f}{r['load']:>6.1f}"
                      f"   runs {o['runs']} {f['runs']} {s['runs']} {u['runs']}", flush=True)
                cpu = {k: v["cpu_s"] for k, v in r.items() if isinstance(v, dict)}
                print(f"  {'':>5} CPU s (median): " + ", ".join(
                    f"{k} {c:.2f}" + (f" = ours/{k} {cpu['ours'] / c:.2f}x" if k != "ours" else f" ({c / (n + 1):.4f} a unit)")
                    for k, c in cpu.items()), flush=True)
        if "startup" not in skip:
            startup(path, max(args.runs, 5), work)
        if "check" not in skip:
            r = child("check", str(path), env=env)
            print(f"\nopening the national file (median of 5): quick_check {r['quick_check_ms']} ms, Store.open "
                  f"{r['readonly_open_ms']} ms read-only, Store.open {r['store_open_ms']} ms, a bare connect + PRAGMA "
                  f"{r['connect_only_ms']} ms; integrity_check {r['integrity_check_ms']} ms")
        if "signing" not in skip:
            province_pdf = work / "renstra-provinsi.pdf"
            subprocess.run([sys.executable, "-m", "renstra_desktop", "report", FULL_REPORT,
                            str(national_file(11, args.cache) / KANWIL_FILE), "--unit", "SEMUA", "-o",
                            str(province_pdf)], check=True, capture_output=True)
            pdfs = [("province Renstra lengkap (12 units)", province_pdf)]
            if args.national_pdf:
                national_pdf = Path(args.national_pdf)
            if national_pdf.exists():
                pdfs.append((f"national Renstra lengkap ({args.units + 1} units)", national_pdf))
            signing(pdfs, args.runs, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
