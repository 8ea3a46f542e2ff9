"""Signed unit packages: the signing key and its protection, the package format, export and
reading, the merge into a consolidated file, its conflicts and report."""
