"""The cycle from the command line: pk, rencana-aksi (the TW IV refusal in Indonesian, nothing
written), pengukuran, evidence add|list|get, narrative set, risk-monitor, and report KIND for the
six new kinds (PDF) and lkjip -o OUT.docx."""
from __future__ import annotations

import hashlib

import pytest
from docx import Document

from cycle_scenario import YEAR, province_copy
from package_fixtures import sha
from renstra_desktop.cli import main


@pytest.fixture
def prov(tmp_path, tmp_path_factory):
    return province_copy(tmp_path, tmp_path_factory)


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_pk_and_rencana_aksi_commands(prov, capsys):
    f = prov["LPS-LOBAR"]
    code, _, err = run(capsys, "pk", "buat", f, "--year", YEAR)
    assert code == 1 and "sudah ada" in err and "Traceback" not in err
    assert run(capsys, "pk", "perubahan", f, "--year", YEAR, "--alasan", "Revisi DIPA")[0] == 0
    assert run(capsys, "pk", "ubah", f, "--year", YEAR, "--target", "IKK 17.1=3,3",
               "--anggaran", "1|Program Dukungan Manajemen|Layanan perkantoran|1.250,5")[0] == 0
    before = sha(f)
    code, _, err = run(capsys, "rencana-aksi", "set", f, "--year", YEAR, "--indikator", "IKK 17.1", "--tw4", "3,1")
    assert code == 1 and "tidak sama dengan target PK" in err and err.count("\n") == 1
    assert sha(f) == before
    assert run(capsys, "rencana-aksi", "set", f, "--year", YEAR, "--indikator", "IKK 17.1", "--tw4", "3,3",
               "--kegiatan", "4=Evaluasi akhir")[0] == 0
    code, out, _ = run(capsys, "pk", "tampil", f, "--year", YEAR, "--revision", "0")
    assert '"revision": 0' in out and '"target": 3.2' in out


def test_measurement_evidence_and_narrative(prov, capsys, tmp_path):
    f = prov["BPS-MATARAM"]
    assert run(capsys, "pengukuran", "catat", f, "--period", f"{YEAR}-TW3", "--indikator", "IKK 19.2",
               "--nilai", "3,7", "--kendala", "Responden sedikit")[0] == 0
    src = tmp_path / "rekap.csv"
    src.write_text("bulan;nilai\nJuli;3,7\n", encoding="utf-8")
    code, out, _ = run(capsys, "evidence", "add", f, "--period", f"{YEAR}-TW3", "--indikator", "IKK 19.2", src)
    assert code == 0
    row_id = out.strip().split()[-1]
    code, out, _ = run(capsys, "evidence", "list", f, "--period", f"{YEAR}-TW3")
    assert hashlib.sha256(src.read_bytes()).hexdigest() in out
    assert run(capsys, "evidence", "get", f, row_id, "-o", tmp_path / "keluar.csv")[0] == 0
    assert (tmp_path / "keluar.csv").read_bytes() == src.read_bytes()
    bad = tmp_path / "palsu.pdf"
    bad.write_bytes(b"bukan pdf")
    code, _, err = run(capsys, "evidence", "add", f, "--period", f"{YEAR}-TW3", "--indikator", "IKK 19.2", bad)
    assert code == 1 and "bukan PDF" in err
    assert run(capsys, "narrative", "set", f, "--period", f"{YEAR}-S2", "--section", "penutup",
               "--text", "Penutup semester II.")[0] == 0
    code, _, err = run(capsys, "narrative", "set", f, "--period", f"{YEAR}-TW2", "--section", "penutup", "--text", "x")
    assert code == 1 and "Periode LKjIP" in err


def test_risk_monitor_commands(prov, capsys):
    import sqlite3
    f = prov["LPS-LOBAR"]
    conn = sqlite3.connect(f)
    risk = conn.execute("SELECT id FROM risk WHERE risk = 'Gangguan keamanan di blok hunian'").fetchone()[0]
    conn.close()
    code, out, _ = run(capsys, "risk-monitor", "rtp", f, "--risk", risk, "--kegiatan", "Pemasangan CCTV",
                       "--waktu", "TW III", "--pj", "KPLP", "--keluaran", "CCTV terpasang")
    assert code == 0
    action = out.strip().split()[-1]
    assert run(capsys, "risk-monitor", "status", f, "--period", f"{YEAR}-TW3", "--rtp", action, "--status", "selesai")[0] == 0
    assert run(capsys, "risk-monitor", "residual", f, "--period", f"{YEAR}-TW3", "--risk", risk, "--k", "1", "--d", "3")[0] == 0
    code, _, err = run(capsys, "risk-monitor", "kejadian", f, "--risk", risk, "--tanggal", "31-02-2026", "--uraian", "x")
    assert code == 1 and "Tanggal" in err


@pytest.mark.parametrize("kind,period", [("pk", None), ("rencana-aksi", None), ("pengukuran", f"{YEAR}-TW3"),
                                         ("lkjip", f"{YEAR}-S1"), ("manual-ikk", None),
                                         ("pemantauan-risiko", f"{YEAR}-TW2")])
def test_report_commands(prov, capsys, tmp_path, kind, period):
    out = tmp_path / f"{kind}.pdf"
    args = ["report", kind, prov["LPS-LOBAR"], "--unit", "LPS-LOBAR", "--paper", "f4", "-o", out]
    args += ["--period", period] if period else ["--year", YEAR]
    code, text, err = run(capsys, *args)
    assert code == 0, err
    assert out.read_bytes().startswith(b"%PDF") and "halaman" in text


def test_lkjip_docx_and_refusals(prov, capsys, tmp_path):
    out = tmp_path / "lkjip.docx"
    code, _, err = run(capsys, "report", "lkjip", prov["kanwil"], "--year", YEAR, "-o", out)
    assert code == 0, err
    cells = {c.text for t in Document(out).tables for row in t.rows for c in row.cells}
    assert "Lapas Kelas IIA Lombok Barat" in cells and "IKK 17.1" in cells
    code, _, err = run(capsys, "report", "pk", prov["kanwil"], "--year", YEAR, "-o", tmp_path / "pk.docx")
    assert code == 1 and "Hanya LKjIP" in err
    code, _, err = run(capsys, "report", "pk", prov["kanwil"], "--unit", "SEMUA", "--year", YEAR, "-o", tmp_path / "x.pdf")
    assert code == 1 and "per satker" in err
    assert not (tmp_path / "x.pdf").exists()
