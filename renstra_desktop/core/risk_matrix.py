"""Risk magnitude (besaran) looked up in a 5 x 5 matrix, and its level (DOMAIN.md, Risk analysis)."""
from __future__ import annotations

LIKELIHOOD = {1: "Hampir tidak terjadi", 2: "Jarang", 3: "Kadang-kadang", 4: "Sering", 5: "Hampir pasti"}
IMPACT = {1: "Tidak signifikan", 2: "Kurang signifikan", 3: "Cukup signifikan", 4: "Signifikan",
          5: "Sangat signifikan"}

# Rows: kemungkinan 1-5, columns: dampak 1-5.
DEFAULT_MATRIX = (
    (1, 3, 5, 8, 20),
    (2, 7, 11, 13, 21),
    (4, 10, 14, 17, 22),
    (6, 12, 16, 19, 24),
    (9, 15, 18, 23, 25),
)
# (highest magnitude of the band, level name)
DEFAULT_LEVELS = ((5, "Sangat rendah"), (10, "Rendah"), (15, "Sedang"), (20, "Tinggi"), (25, "Sangat tinggi"))
DEFAULT_APPETITE = 10   # magnitudes above this need an RTP (rencana tindak pengendalian)


def magnitude(likelihood: int | None, impact: int | None, matrix=DEFAULT_MATRIX) -> int | None:
    if likelihood is None or impact is None:
        return None
    return matrix[int(likelihood) - 1][int(impact) - 1]


def level(value: int | None, levels=DEFAULT_LEVELS) -> str | None:
    if value is None:
        return None
    for upper, name in levels:
        if value <= upper:
            return name
    return levels[-1][1]


def needs_action_plan(value: int | None, appetite: int = DEFAULT_APPETITE) -> bool:
    return value is not None and value > appetite
