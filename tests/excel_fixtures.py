"""Workbooks for the Excel tests: a unit's plan, its export, an edit made with openpyxl, a
LibreOffice round trip, and the content of a dump (what a user edited, without the version columns)."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from renstra_desktop.core.plan_json import dump_plan
from renstra_desktop.core.schema import TABLES

SOFFICE = shutil.which("soffice")


def content(store) -> dict:
    """table -> id -> the row's fields and tombstone mark (no times, versions or origin)."""
    data = dump_plan(store)["tables"]
    return {name: {r["id"]: {**{f.name: r[f.name] for f in TABLES[name].fields}, "deleted": r["deleted"]}
                   for r in rows} for name, rows in data.items()}


def differences(before: dict, after: dict) -> set:
    """(table, id, field, new value) of every changed field; (table, id, 'new', fields) of a new row."""
    found = set()
    for name, rows in after.items():
        for row_id, row in rows.items():
            old = before.get(name, {}).get(row_id)
            if old is None:
                found.add((name, row_id, "new", tuple(sorted((k, str(v)) for k, v in row.items()))))
                continue
            found |= {(name, row_id, k, str(v)) for k, v in row.items() if old[k] != v}
    return found


def edit(book_path: Path, out: Path, changes: dict) -> Path:
    """Open ``book_path`` with openpyxl, set {(sheet, cell): value} and save as ``out``."""
    book = load_workbook(book_path)
    for (sheet, cell), value in changes.items():
        book[sheet][cell] = value
    book.save(out)
    return out


def header_col(book_path: Path, sheet: str, header: str) -> str:
    from openpyxl.utils import get_column_letter

    book = load_workbook(book_path, read_only=True)
    row = next(book[sheet].iter_rows(max_row=1, values_only=True))
    book.close()
    return get_column_letter(row.index(header) + 1)


def libreoffice_copy(book_path: Path, folder: Path, to: str = "xlsx") -> Path:
    """The workbook opened and saved again by LibreOffice (soffice --headless --convert-to)."""
    folder.mkdir(parents=True, exist_ok=True)
    profile = folder / "lo-profile"
    subprocess.run([SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", to,
                    "--outdir", str(folder), str(book_path)], check=True, capture_output=True, timeout=180)
    out = folder / (book_path.stem + "." + to.split(":")[0])
    assert out.exists(), f"LibreOffice wrote nothing for {book_path}"
    return out


@pytest.fixture(scope="session")
def _lobar_template(tmp_path_factory) -> Path:
    """LPS-LOBAR's plan with its realisations of 2026-01..03, made once per session."""
    from package_fixtures import UPT, add_realisations

    from renstra_desktop.core.newplan import create_plan_file

    path = tmp_path_factory.mktemp("upt") / "lobar.renstra"
    store = create_plan_file(path, UPT)
    add_realisations(store)
    store.close()
    return path


@pytest.fixture
def lobar_path(_lobar_template, tmp_path) -> Path:
    """A fresh copy of that plan."""
    path = tmp_path / "lobar.renstra"
    shutil.copy(_lobar_template, path)
    return path
