"""The PySide6 window: a thin layer over ``renstra_desktop.core``.

Rules: no SQL and no file I/O in widgets or slots; reads go through ``core.queries``, every
write through ``PlanService`` (via :mod:`.controller`, which also keeps the undo stack); message
boxes and file pickers only through :mod:`.dialogs`; long work only through :mod:`.worker`.
"""
