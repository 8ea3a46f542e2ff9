"""The hook main_window calls: the "Status verifikasi" tab, built when first shown (its module and the
core's workflow are imported only then: start-up does not pay for them)."""
from __future__ import annotations


def install_period_workflow(window) -> None:
    def make():
        from .period_status_view import PeriodStatusView
        return PeriodStatusView(window.controller)

    window.period_status_placeholder = window.add_lazy_tab(make, window.tr("Status verifikasi"))
