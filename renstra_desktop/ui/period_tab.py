"""The hook main_window calls: the "Status verifikasi" tab, built when first shown (its module and the
core's workflow are imported only then: start-up does not pay for them).  The feature is
``window.feature("period_workflow")``; its ``placeholder`` is the lazy tab (``window.built_tab``)."""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import QWidget


@dataclass
class PeriodWorkflow:
    placeholder: QWidget       # the lazy "Status verifikasi" tab (window.built_tab(placeholder) builds it)


def install_period_workflow(window) -> PeriodWorkflow:
    def make():
        from .period_status_view import PeriodStatusView
        return PeriodStatusView(window.controller)

    return window.add_feature("period_workflow", PeriodWorkflow(window.add_lazy_tab(make, window.tr("Status verifikasi"))))
