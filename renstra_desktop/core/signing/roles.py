"""Who signs a report, and the signature fields every report prepares for them (no pyHanko here:
the report builder names the fields, the signing code fills them).

Two roles, in this order: ``konseptor`` ("Disiapkan oleh") then ``kepala`` ("Disetujui oleh").
The konseptor's spot is the Paraf cell of the paraf table when the report has one (field
``Paraf_Konseptor``: the kepala signs only after it), else a box beside the signature block
(``Sig_Konseptor``).  The kepala's spot lies between the jabatan and the name (``Sig_Kepala``).
Field names stay inside the PDF; people see the role's label.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Role:
    """A signing role: its key, its signature fields (first the paraf one, if any), the stamp's
    heading, and its name in messages."""
    key: str
    field_names: tuple[str, ...]
    heading: str
    label: str

    @property
    def field_name(self) -> str:
        """The field made when a PDF has none prepared for this role (a spot given by coordinates)."""
        return self.field_names[-1]


PARAF_FIELD = "Paraf_Konseptor"
ROLES = {
    "konseptor": Role("konseptor", (PARAF_FIELD, "Sig_Konseptor"), "Disiapkan oleh:", "Konseptor"),
    "kepala": Role("kepala", ("Sig_Kepala",), "Disetujui oleh:", "Kepala"),
}
ORDER = tuple(ROLES)          # konseptor signs first


def role_of_field(field_name: str | None) -> Role | None:
    for role in ROLES.values():
        if field_name in role.field_names:
            return role
    return None


def field_label(field_name: str | None) -> str:
    """What people read for a field: "Konseptor (paraf)", "Kepala", or "tanda tangan lain"."""
    role = role_of_field(field_name)
    if role is None:
        return "Tanda tangan lain (bukan dari Renstra Desktop)"
    return f"{role.label} (paraf)" if field_name == PARAF_FIELD else role.label


def field_for(role_key: str, paraf: bool) -> str:
    """The field name of ``role_key``'s spot in a report with (or without) a paraf table."""
    role = ROLES[role_key]
    return PARAF_FIELD if paraf and PARAF_FIELD in role.field_names else role.field_name
