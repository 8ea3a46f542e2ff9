"""Plan settings owned by the Kanwil, each declared once with its default.

Stored as JSON in the ``setting`` table; a missing key means the default below.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

from . import achievement, localtime, risk_matrix

DEFAULTS = {
    "achievement_cap": achievement.DEFAULT_CAP,
    "achievement_bands": [list(b) if b[0] != float("-inf") else [None, b[1], b[2]]
                          for b in achievement.DEFAULT_BANDS],
    "risk_matrix": [list(r) for r in risk_matrix.DEFAULT_MATRIX],
    "risk_levels": [list(level) for level in risk_matrix.DEFAULT_LEVELS],
    "risk_appetite": risk_matrix.DEFAULT_APPETITE,
    "time_zone": localtime.DEFAULT_ZONE,   # WIB, WITA or WIT: times shown to people
    "backups_kept": 10,                    # merge backups kept next to the plan (older ones are removed)
    "submit_without_evidence": False,      # a realisation without data dukung may be submitted (period workflow)
    # IKK code -> names of the 2020-2024 history lines that measured the same thing (Ringkasan trends);
    # Tabel 1.3 (2024) names the predecessors of IKK 19.1 and 19.2; IKK 17.1 has none in the Renstra
    "history_links": {
        "IKK 19.1": ["Persentase pelaksanaan rencana aksi reformasi birokrasi di lingkup UPT pemasyarakatan."],
        "IKK 19.2": ["Indeks kepuasan unit kerja lingkup UPT pemasyarakatan terhadap layanan kesekretariatan."],
    },
}


@dataclass(frozen=True)
class PlanSettings:
    achievement_cap: float | None
    achievement_bands: tuple
    risk_matrix: tuple
    risk_levels: tuple
    risk_appetite: int
    time_zone: str
    history_links: dict
    backups_kept: int = DEFAULTS["backups_kept"]
    submit_without_evidence: bool = False


def load_settings(conn) -> PlanSettings:
    values = dict(DEFAULTS)
    for row in conn.execute("SELECT key, value FROM setting WHERE deleted = 0"):
        if row["key"] in values:
            values[row["key"]] = json.loads(row["value"])
    bands = tuple((float("-inf") if lo is None else float(lo), name, role)
                  for lo, name, role in values["achievement_bands"])
    return PlanSettings(
        achievement_cap=values["achievement_cap"],
        achievement_bands=bands,
        risk_matrix=tuple(tuple(r) for r in values["risk_matrix"]),
        risk_levels=tuple(tuple(level) for level in values["risk_levels"]),
        risk_appetite=int(values["risk_appetite"]),
        time_zone=values["time_zone"] if values["time_zone"] in localtime.ZONES else localtime.DEFAULT_ZONE,
        backups_kept=_count(values["backups_kept"], DEFAULTS["backups_kept"]),
        history_links=_history_links(values["history_links"]),
        submit_without_evidence=values["submit_without_evidence"] is True,
    )


def _count(value, default: int) -> int:
    """A whole number of at least 1 from a setting (a malformed one falls back to the default)."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 1 else default


def _history_links(value) -> dict:
    """{IKK code: [history line names]}; the default when the stored value has another shape."""
    if not isinstance(value, dict) or not all(isinstance(v, list) for v in value.values()):
        value = DEFAULTS["history_links"]
    return {str(k): [str(n) for n in v] for k, v in value.items()}
