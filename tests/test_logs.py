"""The rotating log: errors with tracebacks in the data folder, rotation, a log file held open
elsewhere (Windows refuses the rename), and the CLI's unexpected errors."""
from __future__ import annotations

import logging

import pytest

from renstra_desktop import logs


@pytest.fixture
def log_folder(tmp_path):
    folder = tmp_path / "log"
    yield folder
    logs.close_logging()


def test_an_error_is_logged_with_its_traceback(log_folder):
    path = logs.setup_logging(log_folder)
    try:
        {}["tidak-ada"]
    except KeyError:
        logs.log_exception("membaca sesuatu")
    logs.close_logging()
    text = path.read_text(encoding="utf-8")
    assert "start renstra-desktop" in text
    assert "ERROR renstra_desktop: membaca sesuatu" in text
    assert "Traceback (most recent call last)" in text and "KeyError: 'tidak-ada'" in text


def test_module_loggers_write_to_the_same_file(log_folder):
    path = logs.setup_logging(log_folder)
    logging.getLogger("renstra_desktop.ui.worker").error("tugas latar gagal")
    logs.close_logging()
    assert "tugas latar gagal" in path.read_text(encoding="utf-8")


def test_setup_twice_adds_one_handler(log_folder):
    logs.setup_logging(log_folder)
    logs.setup_logging(log_folder)
    logging.getLogger(logs.LOGGER).info("sekali")
    logs.close_logging()
    assert logs.log_file(log_folder).read_text(encoding="utf-8").count("sekali") == 1


def test_the_log_rotates_and_keeps_five_old_files(log_folder):
    logs.setup_logging(log_folder, max_bytes=2000)
    for i in range(400):
        logging.getLogger(logs.LOGGER).info("baris %04d %s", i, "x" * 60)
    logs.close_logging()
    names = sorted(p.name for p in log_folder.iterdir())
    assert names == ["renstra-desktop.log"] + [f"renstra-desktop.log.{i}" for i in range(1, 6)]
    assert all(p.stat().st_size <= 2200 for p in log_folder.iterdir())
    assert "baris 0399" in logs.log_file(log_folder).read_text(encoding="utf-8")


def test_rotation_refused_by_the_system_keeps_writing(log_folder, monkeypatch):
    """On Windows another process holding the log open makes the rename fail (sharing violation):
    the record must still be written, in the current file."""
    logs.setup_logging(log_folder, max_bytes=500)
    handler = next(h for h in logging.getLogger(logs.LOGGER).handlers if isinstance(h, logs._TolerantRotatingHandler))

    def refused(source, dest):
        raise PermissionError(13, "The process cannot access the file because it is being used by another process")

    monkeypatch.setattr(handler, "rotate", refused)
    for i in range(50):
        logging.getLogger(logs.LOGGER).info("tetap tercatat %02d %s", i, "y" * 40)
    logs.close_logging()
    text = logs.log_file(log_folder).read_text(encoding="utf-8")
    assert "tetap tercatat 49" in text
    assert not (log_folder / "renstra-desktop.log.1").exists()


def test_an_unwritable_log_folder_means_no_log_not_a_crash(tmp_path):
    blocker = tmp_path / "bukan-folder"
    blocker.write_text("x")
    assert logs.setup_logging(blocker / "log") is None


def test_cli_unexpected_error_is_one_line_and_the_traceback_goes_to_the_log(tmp_path, monkeypatch, capsys,
                                                                            kanwil_path):
    """A defect in a command (simulated: the info command's handler meets a ZeroDivisionError) is
    logged with its traceback; the user reads one Indonesian line naming the log."""
    from renstra_desktop import cli
    from renstra_desktop.cli import plan as plan_cli

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "share"))
    monkeypatch.setattr(plan_cli, "file_info", lambda store: 1 / 0)
    try:
        code = cli.main(["info", str(kanwil_path)])
    finally:
        logs.close_logging()
    err = capsys.readouterr().err
    assert code == 1
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "kesalahan tak terduga (ZeroDivisionError)" in lines[0], err
    log = tmp_path / "share" / "RenstraDesktop" / "log" / "renstra-desktop.log"
    assert str(log) in lines[0]
    text = log.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in text and "ZeroDivisionError" in text
