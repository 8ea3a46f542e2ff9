"""The yearly-cycle scenario of the tests: the embedded NTB plan, two UPTs with their own
indicators defined by the Kanwil, their PK, Rencana Aksi, quarterly realisations, notes, evidence,
LKjIP narrative and risk monitoring; real files and real packages in a folder."""
from __future__ import annotations

import shutil
from pathlib import Path

from renstra_desktop.core.cycle import action_plan, agreement, evidence, indicators, measurement, narrative
from renstra_desktop.core.cycle import risk_monitoring
from renstra_desktop.core.cycle.common import upsert
from renstra_desktop.core.packages.merge import merge_packages
from renstra_desktop.core.newplan import create_plan_file
from renstra_desktop.core.packages.package_export import export_package
from renstra_desktop.core.service import PlanService
from renstra_desktop.core.store import Store

UPTS = ("LPS-LOBAR", "BPS-MATARAM")
YEAR = 2026
# cascaded targets 2026 of the Kanwil IKKs for each UPT
TARGETS = {"IKK 17.1": 3.2, "IKK 19.1": 100.0, "IKK 19.2": 3.5}
OWN = {  # the UPTs' own indicators: (parent, sasaran, name, measure, rollup, target 2026, target 2029)
    "LPS-LOBAR": ("IKK 17.1", "Meningkatnya kualitas pembinaan narapidana", "Persentase narapidana yang mengikuti "
                  "pembinaan kemandirian", "%", "last", 80.0, 90.0),
    "BPS-MATARAM": ("IKK 17.1", "Meningkatnya kualitas pembimbingan kemasyarakatan", "Jumlah litmas yang "
                    "diselesaikan tepat waktu", "litmas", "sum", 400.0, 480.0),
}
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def kanwil_reference(path: Path) -> Store:
    """The Kanwil's file with the UPTs' targets and own indicators (with manuals)."""
    store = create_plan_file(path, "KANWIL")
    svc = PlanService(store, "kanwil-staf")
    for unit in UPTS:
        for code, value in TARGETS.items():
            for year in range(2025, 2030):
                row = store.conn.execute("SELECT id FROM indicator_target WHERE unit_code = ? AND indicator_code = ? "
                                         "AND year = ?", (unit, code, year)).fetchone()
                svc.update("indicator_target", row["id"], {"value": value + (year - YEAR) * (0.1 if value < 10 else 0)})
        parent, sasaran, name, measure, rule, t26, t29 = OWN[unit]
        indicators.define_indicator(svc, unit, {"objective_name": sasaran, "name": name, "parent_code": parent,
                                                "measure": measure, "rollup": rule, "target_2026": t26,
                                                "target_2029": t29})
        indicators.set_manual(svc, unit, f"{unit}.1", {
            "definition": f"Definisi indikator {name}", "formula": "realisasi / sasaran × 100%",
            "data_source": "Laporan bulanan", "responsible": "Kasi Binadik", "national_standard": t26})
    indicators.set_manual(svc, "KANWIL", "IKK 17.1", {"definition": "Indeks pengendalian mutu", "formula": "Rerata",
                                                      "data_source": "Sistem Database Pemasyarakatan",
                                                      "responsible": "Kabid Pembinaan"})
    return store


def upt_cycle(store: Store, unit: str) -> dict:
    """A UPT's year up to TW III: PK, Rencana Aksi, realisations, notes, evidence, narrative, risks."""
    svc = PlanService(store, f"admin-{unit.lower()}")
    agreement.draft_agreement(svc, unit, YEAR)
    agreement.set_parties(svc, unit, YEAR, {"first_name": f"Kepala {unit}", "first_nip": "19700101 199503 1 002",
                                           "second_name": "Kepala Kanwil NTB",
                                           "second_nip": "19661018 199203 1 001", "sign_date": "2026-01-15"})
    own = f"{unit}.1"
    rule = OWN[unit][4]
    quarters = {"IKK 17.1": (2.6, 2.8, 3.0, 3.2), "IKK 19.1": (25.0, 50.0, 75.0, 100.0),
                "IKK 19.2": (3.5, 3.5, 3.5, 3.5), own: (20.0, 40.0, 60.0, 80.0) if rule == "last" else (100.0,) * 4}
    for code, qs in quarters.items():
        action_plan.set_action_plan(svc, unit, YEAR, code, {
            **{f"tw{q}": v for q, v in enumerate(qs, 1)}, "activities_tw1": [f"Sosialisasi {code}"],
            "activities_tw2": ["Monitoring dan evaluasi"], "responsible": "Kasubag TU"})
    actuals = {"IKK 17.1": (2.5, 2.6, 2.9), "IKK 19.1": (25.0, 40.0, 70.0), "IKK 19.2": (3.4, 3.5, 3.6),
               own: (22.0, 39.0, 61.0) if rule == "last" else (98.0, 110.0, 90.0)}
    for code, vals in actuals.items():
        for q, v in enumerate(vals, 1):
            upsert(svc, "realisation", {"unit_code": unit, "indicator_code": code, "period": f"{YEAR}-TW{q}"},
                   {"value": v})
    measurement.set_note(svc, unit, "IKK 17.1", f"{YEAR}-TW2", {
        "explanation": "Capaian di bawah target triwulan karena asesmen tertunda",
        "obstacles": "Petugas asesor terbatas", "solutions": "Pelatihan asesor pada TW III"})
    ev_id, _ = evidence.add_evidence(svc, unit, "IKK 17.1", f"{YEAR}-TW2", name="notulen-tw2.pdf", data=PDF_BYTES)
    evidence.add_evidence(svc, unit, own, f"{YEAR}-TW2", name="foto-kegiatan.png", data=PNG_BYTES)
    for section, text in (("kata_pengantar", "Puji syukur kami panjatkan.\n\nLaporan ini disusun untuk semester I."),
                          ("ikhtisar", "<p>Capaian semester I <b>sesuai rencana</b>.</p><ul><li>IKK 17.1</li></ul>"),
                          ("penutup", "Demikian laporan ini.")):
        narrative.set_section(svc, unit, f"{YEAR}-S1", section, text)
    risk_id, _ = svc.insert("risk", {"unit_code": unit, "program_code": "PPH", "area": "Pengamanan", "seq": 1,
                                     "risk": "Gangguan keamanan di blok hunian", "treatments": ["Patroli"],
                                     "success_indicators": ["Nihil gangguan"], "inherent_likelihood": 4,
                                     "inherent_impact": 4, "residual_likelihood": 3, "residual_impact": 3})
    action_id, _ = risk_monitoring.add_action(svc, unit, risk_id, {"action": "Patroli terjadwal", "schedule": "Setiap hari",
                                                                  "responsible": "KPLP", "output": "Buku patroli"})
    risk_monitoring.set_action_status(svc, unit, action_id, f"{YEAR}-TW2", "berjalan", "Sesuai jadwal")
    risk_monitoring.set_residual(svc, unit, risk_id, f"{YEAR}-TW2", 2, 3, "Turun setelah patroli")
    risk_monitoring.add_event(svc, unit, risk_id, f"{YEAR}-05-14", "Perkelahian antar penghuni", "Dua orang luka ringan",
                              "Dipisahkan, pemeriksaan")
    return {"risk_id": risk_id, "action_id": action_id, "evidence_id": ev_id}


def province(folder: Path) -> dict:
    """Kanwil file, two UPT files that received the Kanwil's package and ran their cycle, and the
    Kanwil file after merging both UPT packages.  Returns paths and ids."""
    folder.mkdir(parents=True, exist_ok=True)
    kanwil = kanwil_reference(folder / "kanwil.renstra")
    kpkg = export_package(kanwil, folder / "kanwil.rpkg").path
    out = {"kanwil": folder / "kanwil.renstra", "kanwil_package": kpkg, "upts": {}}
    packages = []
    for unit in UPTS:
        store = create_plan_file(folder / f"{unit}.renstra", unit)
        merge_packages(store, [kpkg], actor="admin", trust_new_keys=True)
        ids = upt_cycle(store, unit)
        packages.append(export_package(store, folder / f"{unit}.rpkg").path)
        out["upts"][unit] = {"path": folder / f"{unit}.renstra", "package": packages[-1], **ids}
        store.close()
    merge_packages(kanwil, packages, actor="kanwil-staf", trust_new_keys=True)
    svc = PlanService(kanwil, "kanwil-staf")
    agreement.draft_agreement(svc, "KANWIL", YEAR)
    action_plan.draft_action_plan(svc, "KANWIL", YEAR)
    kanwil.close()
    return out


_CACHE: dict[str, Path] = {}


def province_copy(tmp_path: Path, factory) -> dict:
    """A fresh copy of the province scenario (built once per session)."""
    if "src" not in _CACHE:
        src = Path(factory.mktemp("cycle")) / "prov"
        province(src)
        _CACHE["src"] = src
    dst = tmp_path / "prov"
    shutil.copytree(_CACHE["src"], dst)
    return {"folder": dst, "kanwil": dst / "kanwil.renstra",
            **{unit: dst / f"{unit}.renstra" for unit in UPTS}}
