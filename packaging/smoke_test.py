"""Smoke test of the frozen bundle (both executables), on Linux (packaging/build.sh) and on the
Windows runner (.github/workflows/windows.yml):

    python packaging/smoke_test.py dist/renstra-desktop-VERSION

Everything runs in a folder whose name has spaces and non-ASCII letters, with the user's data
folders pointed at an empty temporary home (nothing of the build machine's user is read or
written).  Checks: version; init, info, export-package, merge, report, sign-pdf twice, verify-pdf,
verify-report through the console executable; the window painted offscreen; a second launch on
the same plan handed to the running window; portable mode (plan, settings and log beside the
program, nothing in the home).  Prints one line per check; exit 0 only when all passed.
Needs the development venv's Python for the throw-away certificates (tests/pki.py).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))
EXE = ".exe" if os.name == "nt" else ""
TIMEOUT = 180


class Failed(Exception):
    pass


def run(exe: Path, *args, env, cwd, expect=0, timeout=TIMEOUT) -> subprocess.CompletedProcess:
    done = subprocess.run([str(exe), *map(str, args)], cwd=cwd, env=env, capture_output=True, text=True,
                          encoding="utf-8", errors="replace", timeout=timeout)
    if expect is not None and done.returncode != expect:
        raise Failed(f"{exe.name} {' '.join(map(str, args))}: exit {done.returncode}\n{done.stdout[-1500:]}"
                     f"\n{done.stderr[-3000:]}")
    if "Traceback" in done.stderr:
        raise Failed(f"{exe.name} {' '.join(map(str, args))}: traceback\n{done.stderr[-3000:]}")
    return done


def isolated_env(home: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "XDG_", "RENSTRA_"))}
    env.update(HOME=str(home), USERPROFILE=str(home), APPDATA=str(home / "AppData" / "Roaming"),
               LOCALAPPDATA=str(home / "AppData" / "Local"), XDG_DATA_HOME=str(home / ".local" / "share"),
               XDG_CONFIG_HOME=str(home / ".config"), QT_QPA_PLATFORM="offscreen", TMPDIR=str(home / "tmp"))
    (home / "tmp").mkdir(parents=True, exist_ok=True)
    return env


def files_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def copy_bundle(bundle: Path, target: Path) -> Path:
    """A copy of the bundle for portable mode (hard links where the file system allows)."""
    def link_or_copy(src, dst):
        try:
            os.link(src, dst)
        except OSError:
            shutil.copy2(src, dst)
    shutil.copytree(bundle, target, copy_function=link_or_copy, symlinks=True)
    return target


def main(bundle: Path) -> int:
    from renstra_desktop import __version__
    from pki import PASSWORD, make_test_pki

    cli, gui = bundle / f"renstra-desktop{EXE}", bundle / f"RenstraDesktop{EXE}"
    checks: list[str] = []

    def ok(what: str) -> None:
        checks.append(what)
        print(f"  ok  {what}", flush=True)

    with tempfile.TemporaryDirectory(prefix="renstra smoke ") as tmp:
        work = Path(tmp) / "Data Satker – Sumbawa ñ"
        home = Path(tmp) / "home"
        work.mkdir()
        env = isolated_env(home)
        for exe in (cli, gui):
            if not exe.is_file():
                raise Failed(f"{exe} is missing from the bundle")
        ok("both executables present: " + ", ".join(p.name for p in (gui, cli)))

        out = run(cli, "--version", env=env, cwd=work).stdout.strip()
        if out != f"renstra-desktop {__version__}":
            raise Failed(f"--version printed {out!r}")
        ok(f"--version: {out}")

        kanwil, upt = work / "kanwil plan.renstra", work / "lapas sumbawa.renstra"
        run(cli, "init", kanwil, env=env, cwd=work)
        run(cli, "init", upt, "--unit", "LPS-SUMBAWA", env=env, cwd=work)
        info = run(cli, "info", kanwil, env=env, cwd=work).stdout
        if "KANWIL" not in info:
            raise Failed("info does not name the unit")
        ok("init (Kanwil and a UPT) and info in a folder with spaces and non-ASCII letters")

        package = work / "paket sumbawa.rpkg"
        run(cli, "export-package", upt, "-o", package, env=env, cwd=work)
        merged = run(cli, "merge", kanwil, package, "--trust-new-keys", env=env, cwd=work).stdout
        ok(f"export-package and merge: {merged.strip().splitlines()[-1] if merged.strip() else ''}")

        pdf = work / "renstra lengkap.pdf"
        run(cli, "report", "renstra", kanwil, "-o", pdf, env=env, cwd=work)
        if not pdf.read_bytes().startswith(b"%PDF"):
            raise Failed("report did not write a PDF")
        ok(f"report renstra: {pdf.stat().st_size} bytes")

        pki = make_test_pki(work / "pki")
        password = work / "sandi.txt"
        password.write_bytes(PASSWORD)
        once, twice = work / "ditandatangani 1.pdf", work / "ditandatangani 2.pdf"
        run(cli, "sign-pdf", pdf, "--p12", pki.konseptor_p12, "--as", "konseptor", "-o", once,
            "--password-file", password, env=env, cwd=work)
        run(cli, "sign-pdf", once, "--p12", pki.kepala_p12, "--as", "kepala", "-o", twice,
            "--password-file", password, env=env, cwd=work)
        run(cli, "verify-pdf", twice, "--trust", pki.root_pem, env=env, cwd=work)
        run(cli, "verify-report", twice, "--db", kanwil, env=env, cwd=work)
        ok("sign-pdf twice, verify-pdf, verify-report")

        paint_env = {**env, "RENSTRA_BENCH_EXIT_ON_PAINT": "1"}
        painted = run(cli, "--db", kanwil, env=paint_env, cwd=work)
        if "RENSTRA_FIRST_PAINT" not in painted.stdout:
            raise Failed("the window did not paint")
        run(gui, "--db", kanwil, env=paint_env, cwd=work)      # the windowed executable starts and quits
        ok("the window paints offscreen (console and windowed executables)")

        log = home_log(home)
        listened = log.read_text("utf-8", "replace").count("listening as")
        first = subprocess.Popen([str(cli), "--db", str(kanwil)], cwd=work, env=env,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            wait_for(lambda: log.read_text("utf-8", "replace").count("listening as") > listened, first)
            started = time.monotonic()
            run(gui, kanwil, env=env, cwd=work, timeout=30)
            if "launch request: raise" not in log.read_text("utf-8", "replace"):
                raise Failed("the running window did not receive the second launch")
            ok(f"a second launch on the same plan handed over and exited in {time.monotonic() - started:.1f} s")
        finally:
            first.terminate()
            first.wait(30)

        home_before = files_under(home)
        portable = copy_bundle(bundle, Path(tmp) / "Renstra portabel")
        (portable / "portable").write_text("", encoding="utf-8")
        data = portable / "data"
        run(portable / f"renstra-desktop{EXE}", "init", data / "rencana.renstra", "--unit", "RTN-BIMA",
            env=env, cwd=work)
        run(portable / f"RenstraDesktop{EXE}", env=paint_env, cwd=work)     # no --db: the portable plan
        made = [p.relative_to(data).as_posix() for p in files_under(data)]
        if "rencana.renstra" not in made or not any(p.startswith("log/") for p in made):
            raise Failed(f"portable data folder holds {made}")
        report = work / "laporan masalah.zip"
        run(portable / f"renstra-desktop{EXE}", "problem-report", "-o", report, env=env, cwd=work)
        if files_under(home) != home_before:
            raise Failed(f"portable mode wrote into the home: {set(files_under(home)) - set(home_before)}")
        ok(f"portable: {', '.join(made)}; problem-report {report.stat().st_size} bytes; nothing in the home")

    print(f"smoke test passed: {len(checks)} checks")
    return 0


def home_log(home: Path) -> Path:
    """Where the installed (not portable) program logs, for this isolated home."""
    if os.name == "nt":
        return home / "AppData" / "Local" / "RenstraDesktop" / "log" / "renstra-desktop.log"
    return home / ".local" / "share" / "RenstraDesktop" / "log" / "renstra-desktop.log"


def wait_for(condition, process, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if process.poll() is not None:
            raise Failed(f"the first window exited early ({process.returncode}): "
                         f"{process.stderr.read().decode('utf-8', 'replace')[-2000:]}")
        if time.monotonic() > deadline:
            raise Failed("the first window did not start listening")
        time.sleep(0.2)


if __name__ == "__main__":
    try:
        sys.exit(main(Path(sys.argv[1]).resolve()))
    except Failed as exc:
        print(f"SMOKE TEST FAILED: {exc}", file=sys.stderr)
        sys.exit(1)
