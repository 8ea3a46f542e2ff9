"""The office identity (kop, reports) set after a plan was made: through the door at the Kanwil,
refused at a unit and for an empty or overlong field (nothing written), printed by the next
report, sent to the units in the Kanwil's package; the `office` command."""
from __future__ import annotations

import io
import json
from contextlib import redirect_stderr, redirect_stdout

import pytest
from package_fixtures import UPT, merge_trusting, sha
from pypdf import PdfReader

from renstra_desktop.cli import main
from renstra_desktop.core.errors import PermissionDenied, ValidationError
from renstra_desktop.core.packages.package_export import export_package
from renstra_desktop.core.plan_profile import DEFAULT_OFFICE, load_profile, office_of
from renstra_desktop.core.reports import build_report
from renstra_desktop.core.reports.base import ReportOptions
from renstra_desktop.core.service import PlanService

NEW = {"name": "KANTOR WILAYAH DITJEN PEMASYARAKATAN UJI COBA", "place": "Sumbawa Besar"}


def test_the_kanwil_sets_it_and_the_next_report_prints_it(kanwil_store):
    PlanService(kanwil_store, "kasubag").save_office(NEW)
    profile = load_profile(kanwil_store.conn)
    assert (profile.name, profile.place, profile.address) == (NEW["name"], "Sumbawa Besar", DEFAULT_OFFICE["address"])
    pdf = build_report(kanwil_store.conn, ReportOptions("pendanaan", unit="KANWIL", year=2026)).pdf
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert NEW["name"] in text.replace("\n", " ")
    entry = kanwil_store.conn.execute("SELECT actor, table_name FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    assert tuple(entry) == ("kasubag", "setting")


@pytest.mark.parametrize("bad, why", [({"name": "  "}, "Nama kantor wajib diisi"),
                                      ({"ministry": []}, "Baris kop kementerian wajib diisi"),
                                      ({"address": "x" * 201}, "Alamat terlalu panjang")])
def test_an_empty_or_overlong_field_is_one_line_and_writes_nothing(kanwil_store, bad, why):
    before = sha(kanwil_store.path)
    with pytest.raises(ValidationError, match=why):
        PlanService(kanwil_store, "kasubag").save_office(bad)
    assert sha(kanwil_store.path) == before


def test_a_unit_receives_it_and_cannot_change_it(upt, kanwil_store, out):
    before = sha(upt.path)
    with pytest.raises(PermissionDenied, match="ditetapkan Kantor Wilayah"):
        PlanService(upt, "admin-upt").save_office(NEW)
    assert sha(upt.path) == before
    PlanService(kanwil_store, "kasubag").save_office(NEW)
    merge_trusting(upt, export_package(kanwil_store, folder=out).path)
    assert office_of(upt.conn)["name"] == NEW["name"] and upt.unit_code == UPT


def run(*argv):
    stdout, stderr = io.StringIO(), io.StringIO()
    with redirect_stdout(stdout), redirect_stderr(stderr):
        code = main(list(argv))
    return code, stdout.getvalue(), stderr.getvalue()


def test_the_office_command_shows_and_sets(kanwil_path):
    code, shown, _ = run("office", str(kanwil_path))
    assert code == 0 and "Nama kantor" in shown and DEFAULT_OFFICE["name"] in shown
    code, said, _ = run("office", str(kanwil_path), "--name", NEW["name"], "--ministry", "KEMENTERIAN UJI",
                        "--ministry", "REPUBLIK INDONESIA")
    assert code == 0 and said.startswith("Identitas kantor disimpan: baris kop kementerian, nama kantor.")
    code, out, _ = run("office", str(kanwil_path), "--json")
    assert json.loads(out)["ministry"] == ["KEMENTERIAN UJI", "REPUBLIK INDONESIA"]
    before = sha(kanwil_path)
    code, _, err = run("office", str(kanwil_path), "--place", " ")
    assert code == 1 and err.strip() == "renstra-desktop: Identitas kantor: Tempat penandatanganan wajib diisi."
    assert sha(kanwil_path) == before
