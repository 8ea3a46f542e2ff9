"""The province scenario (cycle_scenario) with the texts it leaves empty filled in as a UPT does: a
realisation's evidence note, a risk's cause and existing control, written in LPS-LOBAR's file and
merged into the Kanwil's.  Used by the search tests (core and window)."""
from __future__ import annotations

from renstra_desktop.core.packages.merge import merge_packages
from renstra_desktop.core.packages.package_export import export_package
from renstra_desktop.core.service import PlanService
from renstra_desktop.core.store import Store


def enrich(province: dict) -> dict:
    """Returns the ids of the realisation and the risk written."""
    lobar = Store.open(province["LPS-LOBAR"])
    svc = PlanService(lobar, "admin-lobar")
    real = lobar.conn.execute("SELECT id FROM realisation WHERE unit_code = 'LPS-LOBAR' AND period = '2026-TW2' "
                              "AND indicator_code = 'IKK 17.1'").fetchone()["id"]
    svc.update("realisation", real, {"evidence": "Notulen evaluasi triwulan II, nomor W.27-PK.01"})
    risk = lobar.conn.execute("SELECT id FROM risk WHERE unit_code = 'LPS-LOBAR' AND risk LIKE 'Gangguan%'"
                              ).fetchone()["id"]
    svc.update("risk", risk, {"cause": "Keterbatasan CCTV di blok hunian", "current_control": "Kontrol apel pagi"})
    package = export_package(lobar, province["folder"] / "lobar-2.rpkg").path
    lobar.close()
    with Store.open(province["kanwil"]) as kanwil:
        assert merge_packages(kanwil, [package], actor="kanwil-staf", trust_new_keys=True).ok
    return {"realisation": real, "risk": risk}
