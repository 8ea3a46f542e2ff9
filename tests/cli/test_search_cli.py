"""renstra-desktop search FILE TEXT [--unit CODE] [--json] [--limit N], as a user types it."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from cycle_scenario import province_copy
from search_scenario import enrich
from renstra_desktop.cli import main
from renstra_desktop.core.service import PlanService
from renstra_desktop.core.store import Store


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def province(tmp_path, tmp_path_factory):
    prov = province_copy(tmp_path, tmp_path_factory)
    prov["ids"] = enrich(prov)
    return prov


def test_json_lists_every_hit_with_where_it_is(capsys, province):
    code, out, err = run(capsys, "search", province["kanwil"], "gangguan keamanan blok", "--json")
    assert code == 0 and err == ""
    data = json.loads(out)
    assert data["query"] == "gangguan keamanan blok" and data["more"] is False and data["limit"] == 500
    assert data["count"] == len(data["hits"]) == 2
    lobar = next(h for h in data["hits"] if h["unit_code"] == "LPS-LOBAR")
    assert lobar == {
        "tab": "risiko", "tab_label": "Risiko", "unit_code": "LPS-LOBAR", "unit_name": "Lapas Kelas IIA Lombok Barat",
        "table": "risk", "row_id": province["ids"]["risk"], "row_label": "Risiko no 1 · Pengamanan",
        "column": "risk", "column_label": "Indikasi Risiko", "text": "Gangguan keamanan di blok hunian",
        "matches": [[0, 8], [9, 17], [21, 25]], "place": {"tab": "risiko", "id": province["ids"]["risk"],
                                                          "column": "risk"}}
    assert [lobar["text"][a:b] for a, b in lobar["matches"]] == ["Gangguan", "keamanan", "blok"]


def test_unit_option_limits_the_rows_and_keeps_shared_ones(capsys, province):
    data = json.loads(run(capsys, "search", province["kanwil"], "gangguan keamanan blok", "--unit", "bps-mataram",
                          "--json")[1])
    assert {h["unit_code"] for h in data["hits"]} == {"BPS-MATARAM"}
    data = json.loads(run(capsys, "search", province["kanwil"], "17.1", "--unit", "BPS-MATARAM", "--json")[1])
    assert "indicator" in {h["table"] for h in data["hits"]}          # reference rows belong to every unit
    cycle = json.loads(run(capsys, "search", province["kanwil"], "asesor", "--json")[1])
    assert {(h["table"], h["unit_code"]) for h in cycle["hits"]} == {("measurement_note", "LPS-LOBAR"),
                                                                     ("measurement_note", "BPS-MATARAM")}


def test_text_output_marks_the_matches_and_counts(capsys, province):
    code, out, _ = run(capsys, "search", province["kanwil"], "apel pagi")
    assert code == 0
    assert out.splitlines() == [
        "Risiko · Lapas Kelas IIA Lombok Barat · Risiko no 1 · Pengamanan · Pengendalian yang ada",
        "    Kontrol «apel» «pagi»",
        "1 hasil untuk “apel pagi”."]
    assert run(capsys, "search", province["kanwil"], "tidakadasamasekali")[1] == \
        "Tidak ada hasil untuk “tidakadasamasekali”.\n"


def test_limit_says_there_is_more(capsys, kanwil_path):
    code, out, _ = run(capsys, "search", kanwil_path, "pe", "--limit", "2")
    lines = out.splitlines()
    assert code == 0 and len(lines) == 5 and lines[-1].startswith("Lebih dari 2 hasil untuk “pe”; 2 pertama ditampilkan.")
    data = json.loads(run(capsys, "search", kanwil_path, "pe", "--limit", "2", "--json")[1])
    assert data["more"] is True and data["count"] == 2


def test_tombstoned_rows_are_not_found(capsys, kanwil_path):
    data = json.loads(run(capsys, "search", kanwil_path, "renovasi ruang kerja divisi", "--json")[1])
    [hit] = data["hits"]
    with Store.open(kanwil_path) as store:
        PlanService(store, "penguji").delete("roadmap_item", hit["row_id"])
    assert json.loads(run(capsys, "search", kanwil_path, "renovasi ruang kerja divisi", "--json")[1])["hits"] == []


@pytest.mark.parametrize("args,words", [
    (["   "], "Kata yang dicari kosong"),
    (["x", "--unit", "LAPAS-XYZ"], "Satker “LAPAS-XYZ” tidak ada"),
])
def test_bad_input_is_one_indonesian_line(capsys, kanwil_path, args, words):
    code, out, err = run(capsys, "search", kanwil_path, *args)
    assert code == 1 and out == "" and words in err and err.count("\n") == 1 and "Traceback" not in err


def test_a_file_that_is_not_a_plan_is_refused(capsys, tmp_path):
    bad = tmp_path / "bukan.renstra"
    bad.write_text("halo")
    code, out, err = run(capsys, "search", bad, "x")
    assert code == 1 and out == "" and "bukan berkas Renstra Desktop" in err


def test_output_survives_a_cp1252_console(tmp_path, kanwil_path):
    with Store.open(kanwil_path) as store:
        PlanService(store, "penguji").insert("roadmap_item", {
            "unit_code": "KANWIL", "aspect": "SDM", "year": 2026, "seq": 9, "status": "rencana",
            "text": "Pelatihan bahasa isyarat → 计划 ≥ 2 angkatan – tahap I"})
    env = {**os.environ, "PYTHONIOENCODING": "cp1252", "PYTHONUTF8": "0"}
    for extra in ([], ["--json"]):
        done = subprocess.run([sys.executable, "-m", "renstra_desktop", "search", str(kanwil_path), "isyarat", *extra],
                              capture_output=True, encoding="cp1252", errors="strict", env=env, cwd=tmp_path)
        assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
        if extra:
            assert json.loads(done.stdout)["hits"][0]["text"] == "Pelatihan bahasa isyarat → 计划 ≥ 2 angkatan – tahap I"
        else:
            assert "Pelatihan bahasa «isyarat» -> \\u8ba1\\u5212 >= 2 angkatan – tahap I" in done.stdout
