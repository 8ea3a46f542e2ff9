"""Pendanaan tab: a line says whose money the allocations are, so the province's Jumlah is read
right (the Kanwil's figure is its own satker's, not the region's; issue 7)."""
from __future__ import annotations


def test_the_pendanaan_tab_says_whether_the_kanwil_figure_includes_the_units(window, tmp_path):
    tab = window.funding_tab
    window.tabs.setCurrentWidget(tab)
    window.set_selected_unit(None)                      # Semua satker
    assert "tidak termasuk UPT" in tab.scope.text() and "tidak ada uang yang terhitung dua kali" in tab.scope.text()
    assert tab.scope.isVisible()
    window.resize(1024, 768)
    window.grab().save(str(tmp_path / "pendanaan-semua.png"))
    window.set_selected_unit("KANWIL")
    assert "pagu satker Kanwil sendiri" in tab.scope.text() and "tidak termasuk pagu UPT" in tab.scope.text()
    window.set_selected_unit("LPS-DOMPU")
    assert tab.scope.text() == "Alokasi ini pagu Lapas Kelas IIB Dompu sendiri, di luar pagu Kantor Wilayah."
