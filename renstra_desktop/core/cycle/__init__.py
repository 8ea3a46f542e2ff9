"""The yearly performance cycle (SAKIP, DOMAIN.md): indicators per unit and their manual,
Perjanjian Kinerja, Rencana Aksi, quarterly measurement with notes and evidence files, LKjIP
narrative sections and risk monitoring per quarter.

Every write goes through :class:`core.service.PlanService` (ownership, versions, audit, packages);
these modules add the cycle's own rules (TW IV equals the PK target or has a reason, a superseded
PK is kept as it was, evidence size limits) and the read models the reports and the window use.
"""
