"""The consolidated Kanwil file the Ringkasan tests read: the cycle scenario's two UPTs (their
realisations TW I-III 2026, a scored risk with an RTP, merged from their real packages) plus the
Kanwil's own entries written through PlanService: realisations of 2025 and 2026, a high risk with no
treatment, a low one, and realised spending."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from cycle_scenario import UPTS, province

from renstra_desktop.core import queries
from renstra_desktop.core.service import PlanService
from renstra_desktop.core.store import Store

KANWIL_REALISATIONS = {("IKK 17.1", "2025"): 3.0, ("IKK 17.1", "2026-TW3"): 3.5,
                       ("IKK 19.1", "2026-S1"): 45.0, ("IKK 19.2", "2026-05"): 3.3}
KANWIL_SPENT_2026 = {"SK 17": 500.25, "IKK 19.1": 7000.0}
UNTREATED_RISK = "Kebocoran data warga binaan"


def build(folder: Path) -> dict:
    out = province(folder)
    store = Store.open(out["kanwil"])
    svc = PlanService(store, "kanwil-staf")
    for (code, period), value in KANWIL_REALISATIONS.items():
        svc.insert("realisation", {"unit_code": "KANWIL", "indicator_code": code, "period": period, "value": value})
    high, _ = svc.insert("risk", {"unit_code": "KANWIL", "program_code": "DUKMAN", "area": "Tata Usaha", "seq": 99,
                                  "risk": UNTREATED_RISK, "treatments": [], "success_indicators": [],
                                  "inherent_likelihood": 5, "inherent_impact": 5,
                                  "residual_likelihood": 4, "residual_impact": 5})
    low, _ = svc.insert("risk", {"unit_code": "KANWIL", "program_code": "DUKMAN", "area": "Umum", "seq": 98,
                                 "risk": "Listrik padam", "treatments": ["Genset"], "success_indicators": [],
                                 "inherent_likelihood": 2,
                                 "inherent_impact": 2, "residual_likelihood": 1, "residual_impact": 1})
    for line in queries.funding_rows(store.conn, "KANWIL"):
        if line["line_code"] in KANWIL_SPENT_2026:
            svc.update("funding", line["ids"][2026], {"realised": KANWIL_SPENT_2026[line["line_code"]]})
    store.close()
    return {**out, "high_risk": high, "low_risk": low, "upts": out["upts"]}


def copy_of(built: dict, folder: Path) -> Path:
    target = folder / "provinsi.renstra"
    shutil.copy(built["kanwil"], target)
    return target


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The scenario built once per test module."""
    return build(tmp_path_factory.mktemp("ringkasan"))


@pytest.fixture
def store(built, tmp_path):
    """A fresh copy of the consolidated file, open."""
    s = Store.open(copy_of(built, tmp_path))
    yield s
    s.close()


__all__ = ["UPTS", "build", "built", "copy_of", "store"]
