"""The Qt-free core: every user action is a call here (store, rules, service, packages, reports)."""
