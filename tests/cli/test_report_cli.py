"""renstra-desktop report / verify-report / signatory, run through cli.main."""
from __future__ import annotations

import json

import pytest
from pypdf import PdfReader

from renstra_desktop.cli import main
from renstra_desktop.core import queries
from renstra_desktop.core.reports.verify import payload_from_pdf
from renstra_desktop.core.service import PlanService
from renstra_desktop.core.store import Store


@pytest.mark.parametrize("kind", ["capaian", "risiko", "pendanaan", "roadmap", "lampiran"])
def test_report_writes_a_pdf(kanwil_path, tmp_path, capsys, kind):
    out = tmp_path / f"{kind}.pdf"
    assert main(["report", kind, str(kanwil_path), "-o", str(out), "--paper", "f4"]) == 0
    assert f"Laporan {kind} ditulis" in capsys.readouterr().out
    assert round(float(PdfReader(out).pages[0].mediabox.width), 1) == 935.4


def test_lampiran_keeps_the_old_name_and_the_help_says_what_it_is(kanwil_path, tmp_path, capsys):
    out = tmp_path / "lama.pdf"
    assert main(["report", "renstra", str(kanwil_path), "-o", str(out)]) == 0
    assert "Laporan lampiran ditulis" in capsys.readouterr().out
    assert PdfReader(out).metadata.title.startswith("Lampiran Renstra 2025-2029")
    with pytest.raises(SystemExit):
        main(["report", "--help"])
    help_text = capsys.readouterr().out
    assert "lampiran" in help_text and "Lampiran Renstra" in " ".join(main_help(capsys).split())


def main_help(capsys) -> str:
    with pytest.raises(SystemExit):
        main(["--help"])
    return capsys.readouterr().out


def test_the_signature_fields_option_is_gone_and_not_needed(kanwil_path, tmp_path, capsys):
    out = tmp_path / "r.pdf"
    with pytest.raises(SystemExit):
        main(["report", "roadmap", str(kanwil_path), "-o", str(out), "--signature-fields"])
    assert "--signature-fields" in capsys.readouterr().err and not out.exists()
    assert main(["report", "roadmap", str(kanwil_path), "-o", str(out), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    fields = {str(a.get_object()["/T"]) for page in PdfReader(out).pages for a in page.get("/Annots") or []}
    assert fields == {"Sig_Konseptor", "Sig_Kepala"} and set(info["boxes"]) == {"signature_block"}


def test_report_json_gives_spots_and_payload(kanwil_path, tmp_path, capsys):
    out = tmp_path / "r.pdf"
    assert main(["report", "pendanaan", str(kanwil_path), "-o", str(out), "--tte", "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["pages"] >= 1 and set(info["spots"]) == {"kepala", "konseptor"}
    assert info["payload"] == payload_from_pdf(out) and len(info["tte_marks"]) == 1


def test_verify_report_exit_codes(kanwil_path, tmp_path, capsys):
    out = tmp_path / "r.pdf"
    assert main(["report", "pendanaan", str(kanwil_path), "-o", str(out)]) == 0
    code = payload_from_pdf(out)
    capsys.readouterr()
    assert main(["verify-report", str(out), "--db", str(kanwil_path)]) == 0
    assert "COCOK" in capsys.readouterr().out
    assert main(["verify-report", "--code", code, "--db", str(kanwil_path)]) == 0

    store = Store.open(kanwil_path)
    line = next(f for f in queries.funding_rows(store.conn, "KANWIL") if f["line_code"] == "IKK 19.1")
    PlanService(store, "penguji").update("funding", line["ids"][2029], {"allocation": "16.985,16"})
    store.close()
    capsys.readouterr()
    assert main(["verify-report", str(out), "--db", str(kanwil_path)]) == 3
    assert "TIDAK COCOK" in capsys.readouterr().out
    assert main(["verify-report", "--code", code, "--db", str(kanwil_path)]) == 3

    assert main(["verify-report", "--code", "bukan kode", "--db", str(kanwil_path)]) == 1
    assert "bukan kode laporan" in capsys.readouterr().err
    assert main(["verify-report", "--db", str(kanwil_path)]) == 1
    assert main(["verify-report", str(out), "--code", code, "--db", str(kanwil_path)]) == 1
    plain = tmp_path / "lain.pdf"
    plain.write_bytes(b"bukan pdf")
    assert main(["verify-report", str(plain), "--db", str(kanwil_path)]) == 1
    assert "bukan PDF" in capsys.readouterr().err


def test_bad_period_writes_nothing(kanwil_path, tmp_path, capsys):
    out = tmp_path / "x.pdf"
    assert main(["report", "capaian", str(kanwil_path), "-o", str(out), "--period", "2026-TW5"]) == 1
    assert "Periode" in capsys.readouterr().err and not out.exists()
    assert main(["report", "capaian", str(kanwil_path), "-o", str(out), "--unit", "ENTAH"]) == 1
    assert not out.exists()


def test_province_report_with_unit_semua(kanwil_path, tmp_path, capsys):
    out = tmp_path / "p.pdf"
    assert main(["report", "capaian", str(kanwil_path), "-o", str(out), "--unit", "SEMUA", "--year", "2026"]) == 0
    assert "unit=SEMUA" in payload_from_pdf(out)
    assert main(["verify-report", str(out), "--db", str(kanwil_path)]) == 0


def test_signatory_set_and_show(kanwil_path, capsys):
    assert main(["signatory", "set", str(kanwil_path), "--nip", "19661018 199203 1 001", "--name", "Nama Uji",
                 "--paraf", "Konseptor|Budi|Analis", "--paraf", "Pemeriksa|Sari|Kasubbag", "--paraf-on",
                 "--date", "22 Desember 2025"]) == 0
    assert "Blok tanda tangan Kantor Wilayah disimpan" in capsys.readouterr().out   # the unit's name, not its code
    assert main(["signatory", "show", str(kanwil_path)]) == 0
    shown = capsys.readouterr().out
    assert "Satker   : Kantor Wilayah" in shown and "tanggal: 22 Desember 2025" in shown
    assert main(["signatory", "show", str(kanwil_path), "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["nip"] == "19661018 199203 1 001" and shown["date"] == "2025-12-22"
    assert shown["paraf_enabled"] and [p["role"] for p in shown["paraf"]] == ["Konseptor", "Pemeriksa"]
    assert main(["signatory", "set", str(kanwil_path), "--nip", "12"]) == 1
    assert main(["signatory", "set", str(kanwil_path), "--paraf", "|x"]) == 1
