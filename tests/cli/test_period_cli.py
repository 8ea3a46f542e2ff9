"""The period workflow as users type it (issue 9 section 2, "Done when"): a UPT -> Kanwil -> UPT
round trip with real signed packages: submit, return with a note, edit, submit again, verify,
approve; the UPT's file then refuses an edit of that period.  Each person is a different login
(the actor is the operating-system user while accounts are off)."""
import json

import pytest

from package_fixtures import sha

from renstra_desktop.cli import main

UPT = "LPS-LOBAR"
PDF = b"%PDF-1.4\n% laporan bulanan\n"


def run(capsys, monkeypatch, who, *argv):
    monkeypatch.setenv("LOGNAME", who)
    monkeypatch.setenv("USER", who)
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def fingerprint(capsys, monkeypatch, path):
    code, out, _ = run(capsys, monkeypatch, "admin", "keys", "show", path)
    assert code == 0
    return out.split("Sidik jari: ")[1].split()[0]


def status(capsys, monkeypatch, path, period="2026-TW1"):
    code, out, err = run(capsys, monkeypatch, "siapa", "period", "status", path, "--unit", UPT, "--period", period,
                         "--json")
    assert code == 0, err
    data = json.loads(out)
    [row] = data["rows"]
    return row, data


def test_round_trip_upt_kanwil_upt(capsys, monkeypatch, tmp_path):
    upt, kanwil = tmp_path / "upt" / "lobar.renstra", tmp_path / "kanwil" / "kanwil.renstra"
    out_dir = tmp_path / "kiriman"
    out_dir.mkdir()
    bukti = tmp_path / "laporan.pdf"
    bukti.write_bytes(PDF)
    r = lambda who, *argv: run(capsys, monkeypatch, who, *argv)   # noqa: E731
    assert r("admin", "init", upt, "--unit", UPT)[0] == 0
    assert r("admin", "init", kanwil)[0] == 0
    assert r("admin", "keys", "pin", kanwil, UPT, fingerprint(capsys, monkeypatch, upt))[0] == 0
    assert r("admin", "keys", "pin", upt, "KANWIL", fingerprint(capsys, monkeypatch, kanwil))[0] == 0

    # The operator enters the quarter's realisation; without data dukung it cannot be submitted.
    assert r("operator", "pengukuran", "catat", upt, "--period", "2026-TW1", "--indikator", "IKK 17.1",
             "--nilai", "3,2")[0] == 0
    before = sha(upt)
    code, _, err = r("operator", "period", "submit", upt, "--period", "2026-TW1")
    assert code == 1 and "tanpa data dukung" in err and "IKK 17.1 2026-TW1" in err and len(err.splitlines()) == 1
    assert sha(upt) == before
    assert r("operator", "evidence", "add", upt, "--period", "2026-TW1", "--indikator", "IKK 17.1", bukti)[0] == 0
    code, out, err = r("operator", "period", "submit", upt, "--period", "2026-TW1", "--note", "TW I lengkap")
    assert code == 0 and "diajukan" in out, err
    # Submitted: the unit's own file refuses an edit of the period until the Kanwil returns it.
    code, _, err = r("operator", "pengukuran", "catat", upt, "--period", "2026-TW1", "--indikator", "IKK 17.1",
                     "--nilai", "3,3")
    assert code == 1 and "sudah diajukan oleh operator" in err and "Kembalikan" in err

    # UPT -> Kanwil
    pkg1 = out_dir / "lobar1.rpkg"
    assert r("admin", "export-package", upt, "-o", pkg1)[0] == 0
    code, out, err = r("admin-kanwil", "merge", kanwil, pkg1)
    assert code == 0, err
    row, data = status(capsys, monkeypatch, kanwil)
    assert row["status"] == "diajukan" and row["by"] == "operator" and row["note"] == "TW I lengkap"
    [cmp] = data["comparison"]
    assert cmp["submitted"]["value"] == 3.2 and cmp["current"]["value"] == 3.2 and not cmp["changed"]
    assert cmp["current"]["evidence_files"] == ["laporan.pdf"]

    # Bad input: one Indonesian line, nothing written.
    before = sha(kanwil)
    for argv, words in [
        (("return", kanwil, "--unit", UPT, "--period", "2026-TW1", "--note", "  "), "wajib diisi"),
        (("verify", kanwil, "--unit", UPT, "--period", "2026-TW9"), "tidak dikenal"),
        (("verify", kanwil, "--unit", "LPS-ENTAH", "--period", "2026-TW1"), "LPS-ENTAH"),
        (("approve", kanwil, "--unit", UPT, "--period", "2026-TW1"), "harus diverifikasi dulu"),
        (("unlock", kanwil, "--unit", UPT, "--period", "2026-TW1", "--reason", "x"), "statusnya diajukan"),
        (("verify", kanwil, "--unit", UPT, "--period", "2026-TW1"), "pemisahan tugas"),   # the enterer himself
    ]:
        who = "operator" if "pemisahan tugas" in words else "verifikator"
        code, out, err = r(who, "period", *argv)
        assert code == 1 and words in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    with pytest.raises(SystemExit) as exit_:                  # argparse: a required note missing
        r("verifikator", "period", "return", kanwil, "--unit", UPT, "--period", "2026-TW1")
    assert exit_.value.code == 2 and "--note" in capsys.readouterr().err
    assert sha(kanwil) == before

    # The Kanwil returns it with a note; Kanwil -> UPT.
    assert r("verifikator", "period", "return", kanwil, "--unit", UPT, "--period", "2026-TW1",
             "--note", "Nilai TW I belum sesuai laporan")[0] == 0
    kpkg1 = out_dir / "kanwil1.rpkg"
    assert r("admin-kanwil", "export-package", kanwil, "-o", kpkg1)[0] == 0
    code, out, err = r("admin", "merge", upt, kpkg1)
    assert code == 0, err
    row, _ = status(capsys, monkeypatch, upt)
    assert row["status"] == "dikembalikan" and row["note"] == "Nilai TW I belum sesuai laporan"

    # The unit edits again and submits again.
    assert r("operator", "pengukuran", "catat", upt, "--period", "2026-TW1", "--indikator", "IKK 17.1",
             "--nilai", "3,4")[0] == 0
    assert r("operator", "period", "submit", upt, "--period", "2026-TW1")[0] == 0
    pkg2 = out_dir / "lobar2.rpkg"
    assert r("admin", "export-package", upt, "-o", pkg2)[0] == 0
    assert r("admin-kanwil", "merge", kanwil, pkg2)[0] == 0
    row, data = status(capsys, monkeypatch, kanwil)
    assert row["status"] == "diajukan"
    [cmp] = data["comparison"]
    assert (cmp["previous"]["value"], cmp["submitted"]["value"], cmp["current"]["value"]) == (3.2, 3.4, 3.4)
    assert cmp["changed_since_previous"] and not cmp["changed"]
    assert [e["event"] for e in data["history"]] == ["diajukan", "dikembalikan", "diajukan"]

    # Verified by the verifier, approved by the head; Kanwil -> UPT.
    assert r("verifikator", "period", "verify", kanwil, "--unit", UPT, "--period", "2026-TW1")[0] == 0
    code, _, err = r("operator", "period", "approve", kanwil, "--unit", UPT, "--period", "2026-TW1")
    assert code == 1 and "pemisahan tugas" in err
    assert r("kepala", "period", "approve", kanwil, "--unit", UPT, "--period", "2026-TW1")[0] == 0
    kpkg2 = out_dir / "kanwil2.rpkg"
    assert r("admin-kanwil", "export-package", kanwil, "-o", kpkg2)[0] == 0
    assert r("admin", "merge", upt, kpkg2)[0] == 0
    row, _ = status(capsys, monkeypatch, upt)
    assert row["status"] == "disahkan" and row["by"] == "kepala"

    # The UPT's file now refuses an edit of that period, saying it is approved, by whom and whom to ask.
    before = sha(upt)
    code, _, err = r("operator", "pengukuran", "catat", upt, "--period", "2026-TW1", "--indikator", "IKK 17.1",
                     "--nilai", "9")
    assert code == 1 and "disahkan dan dikunci oleh kepala" in err and "Minta Kantor Wilayah" in err
    assert "WITA" in err and len(err.strip().splitlines()) == 1
    code, _, err = r("operator", "period", "submit", upt, "--period", "2026-TW1")
    assert code == 1 and "statusnya disahkan" in err
    assert sha(upt) == before
    # A month of that quarter is closed too; another quarter stays open.
    code, _, err = r("operator", "pengukuran", "catat", upt, "--period", "2026-02", "--indikator", "IKK 17.1",
                     "--nilai", "9")
    assert code == 1 and "2026-TW1" in err
    assert r("operator", "pengukuran", "catat", upt, "--period", "2026-TW2", "--indikator", "IKK 17.1",
             "--nilai", "3,5")[0] == 0

    # Only the Kanwil unlocks, with a reason, recorded.
    code, _, err = r("kepala", "period", "unlock", upt, "--unit", UPT, "--period", "2026-TW1", "--reason", "x")
    assert code == 1 and "Kantor Wilayah" in err
    assert r("kepala", "period", "unlock", kanwil, "--unit", UPT, "--period", "2026-TW1",
             "--reason", "Salah ketik, diminta satker")[0] == 0
    row, data = status(capsys, monkeypatch, kanwil)
    assert row["status"] == "dibuka" and data["history"][-1]["note"] == "Salah ketik, diminta satker"
    code, out, _ = r("x", "period", "status", kanwil)
    assert code == 0 and "Dibuka kembali" in out and UPT in out


def test_two_approvals_at_once_record_one(tmp_path):
    """Two heads press Sahkan on the same period at the same moment, in two processes: one step is
    recorded, the other is refused with the status it found (the step reads the status inside the
    write transaction)."""
    import os
    import subprocess
    import sys

    from renstra_desktop.core.newplan import create_plan_file
    from renstra_desktop.core.service import PlanService

    path = tmp_path / "kanwil.renstra"
    store = create_plan_file(path, "KANWIL")
    PlanService(store, "ani").insert("realisation", {"unit_code": "KANWIL", "indicator_code": "IKK 19.1",
                                                     "period": "2026-TW1", "value": "80", "evidence": "LHE"})
    PlanService(store, "ani").submit("KANWIL", "2026-TW1")
    PlanService(store, "budi").verify("KANWIL", "2026-TW1")
    store.close()
    code = "import sys; from renstra_desktop.cli import main; sys.exit(main(sys.argv[1:]))"
    procs = [subprocess.Popen([sys.executable, "-c", code, "period", "approve", str(path), "--unit", "KANWIL",
                               "--period", "2026-TW1"], env={**os.environ, "LOGNAME": who, "USER": who},
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for who in ("kepala1", "kepala2")]
    results = [(p.wait(timeout=120), p.stdout.read(), p.stderr.read()) for p in procs]
    assert sorted(r[0] for r in results) == [0, 1], results
    [refused] = [r[2] for r in results if r[0] == 1]
    assert "statusnya disahkan" in refused and "Traceback" not in refused
    events = read_events(path)
    assert [e[0] for e in events] == ["diajukan", "diverifikasi", "disahkan"]


def read_events(path):
    import sqlite3
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT event, updated_by FROM period_event ORDER BY seq").fetchall()
    finally:
        conn.close()
