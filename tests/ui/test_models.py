"""Every table model on its own: qtmodeltester, columns, Indonesian numbers, colours, flags."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from renstra_desktop.core.service import Edit
from renstra_desktop.ui.funding_model import FundingModel
from renstra_desktop.ui.indicator_models import IndicatorModel, RealisationModel
from renstra_desktop.ui.models import (GRADE_COLOURS, GRADE_ROLE, LEVEL_ROLE, READ_ONLY_ROLE, ROW_ID_ROLE,
                                       edit_text)
from renstra_desktop.ui.risk_model import RiskModel
from renstra_desktop.ui.roadmap_model import RoadmapModel

DISPLAY = Qt.ItemDataRole.DisplayRole


def loaded(model_cls, controller, unit="KANWIL"):
    model = model_cls(controller)
    model.set_unit(unit)
    return model


def cell(model, row, key, role=DISPLAY):
    return model.index(row, model.column_index(key)).data(role)


def find_row(model, **match):
    return next(i for i, r in enumerate(model.rows()) if all(r.get(k) == v for k, v in match.items()))


@pytest.mark.parametrize("model_cls", [IndicatorModel, RiskModel, RoadmapModel, FundingModel])
@pytest.mark.parametrize("unit", [None, "KANWIL", "LPS-LOBAR"])
def test_qtmodeltester(qtmodeltester, controller, model_cls, unit):
    model = loaded(model_cls, controller, unit)
    qtmodeltester.check(model)


def test_qtmodeltester_realisations(qtmodeltester, controller):
    for period, value in (("2026-TW1", "3,1"), ("2026-TW2", "3,3")):
        controller.service.insert("realisation", {"unit_code": "KANWIL", "indicator_code": "IKK 17.1",
                                                  "period": period, "value": value, "evidence": "monev"})
    model = RealisationModel(controller)
    model.set_selection("KANWIL", "IKK 17.1")
    assert [r["period"] for r in model.rows()] == ["2026-TW1", "2026-TW2"]
    qtmodeltester.check(model)


def test_funding_totals_in_indonesian_format(controller):
    model = loaded(FundingModel, controller, None)
    sk17 = find_row(model, line_code="SK 17", measure="allocation")
    ikk191 = find_row(model, line_code="IKK 19.1", measure="allocation")
    assert cell(model, sk17, "total") == "4.126,05"
    assert cell(model, ikk191, "total") == "66.422,74"
    assert cell(model, ikk191, "y_2025") == "3.193,72"
    assert cell(model, sk17, "y_2025") == "746,71"
    total = find_row(model, unit_code="__total__", measure="allocation")
    assert cell(model, total, "y_2025") == "3.940,43"
    assert cell(model, total, "total") == "70.548,79"
    # document order: SK 17 before IKK 19.1; the unit is a column only with "Semua satker"
    assert sk17 < ikk191
    assert "unit_code" in [c.key for c in model.columns()]
    assert "unit_code" not in [c.key for c in loaded(FundingModel, controller).columns()]


def test_computed_cells_are_read_only_and_look_it(controller):
    model = loaded(FundingModel, controller)
    row = find_row(model, line_code="SK 17", measure="allocation")
    total_index = model.index(row, model.column_index("total"))
    year_index = model.index(row, model.column_index("y_2026"))
    assert not model.flags(total_index) & Qt.ItemFlag.ItemIsEditable
    assert model.flags(year_index) & Qt.ItemFlag.ItemIsEditable
    assert total_index.data(READ_ONLY_ROLE) is True
    assert total_index.data(Qt.ItemDataRole.BackgroundRole) is not None
    assert year_index.data(Qt.ItemDataRole.BackgroundRole) is None
    assert year_index.data(ROW_ID_ROLE)


def test_indicator_targets_and_grade_colours(controller):
    controller.service.insert("realisation", {"unit_code": "KANWIL", "indicator_code": "IKK 19.2",
                                              "period": "2026", "value": "2"})
    controller.service.insert("realisation", {"unit_code": "KANWIL", "indicator_code": "IKK 17.1",
                                              "period": "2026", "value": "3,4"})
    model = loaded(IndicatorModel, controller)
    model.set_year(2026)
    r171 = find_row(model, indicator_code="IKK 17.1")
    r192 = find_row(model, indicator_code="IKK 19.2")
    assert cell(model, r171, "target_2025") == "3,2"
    assert cell(model, r171, "target_2029") == "4"
    assert cell(model, r171, "achievement") == "100 %"
    assert cell(model, r171, "achievement", GRADE_ROLE) == "good"
    assert cell(model, r192, "achievement", GRADE_ROLE) == "bad"
    background = cell(model, r192, "achievement", Qt.ItemDataRole.BackgroundRole)
    assert background.color().name() == GRADE_COLOURS["bad"]
    assert model.headerData(model.column_index("achievement"), Qt.Orientation.Horizontal) == "Capaian\n2026"
    # no realisation: capaian missing, shown as a dash, never 0
    r191 = find_row(model, indicator_code="IKK 19.1")
    assert cell(model, r191, "achievement") == "–"
    assert cell(model, r191, "achievement", GRADE_ROLE) is None


def test_risk_level_is_computed_and_coloured(controller):
    model = loaded(RiskModel, controller)
    first = model.rows()[0]
    assert controller.apply([Edit("risk", first["id"], "inherent_likelihood", "3"),
                             Edit("risk", first["id"], "inherent_impact", 3)], "nilai risiko")
    controller.wait_idle()
    assert cell(model, 0, "inherent_magnitude") == "14"
    assert cell(model, 0, "inherent_level") == "Sedang"
    assert cell(model, 0, "inherent_level", LEVEL_ROLE) == 2
    assert cell(model, 0, "residual_level") == "–"
    treatments = cell(model, 0, "treatments")
    assert treatments.startswith("1. ") and "\n2. " in treatments
    assert cell(model, 0, "treatments", Qt.ItemDataRole.EditRole) == "\n".join(first["treatments"])


def test_edit_text_parses_back_to_the_same_number():
    from renstra_desktop.core.numbers import parse_number

    for value in (3.2, 3193.72, 1234.0, 66422.74, 0.125, 100.0):
        assert parse_number(edit_text(value, "number")) == value
    assert edit_text(None, "money") == ""
    assert edit_text(1234.0, "money") == "1234"


def test_a_range_target_shows_whole_in_the_indikator_tab(controller):
    """Issue 7: the window printed only the lower bound of "80–90" while capaian used the upper."""
    model = loaded(IndicatorModel, controller)
    model.set_year(2026)
    r191 = find_row(model, indicator_code="IKK 19.1")
    target_id = model.rows()[r191]["target_ids"][2026]
    controller.service.update("indicator_target", target_id, {"value": "80", "upper": "90"})
    controller.service.insert("realisation", {"unit_code": "KANWIL", "indicator_code": "IKK 19.1",
                                              "period": "2026", "value": "95"})
    model.reload(force_reset=True)
    r191 = find_row(model, indicator_code="IKK 19.1")
    assert cell(model, r191, "target_2026") == "80–90"
    assert cell(model, r191, "target_2026", Qt.ItemDataRole.EditRole) == "80"      # edited as its lower bound
    assert cell(model, r191, "achievement") == "105,56 %"                          # 95 against the upper bound
