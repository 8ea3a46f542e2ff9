"""One window per plan file, with two real processes: this test process runs the real window with its
instance server, a second ``python -m renstra_desktop FILE`` (a double-click) hands its file over
and exits; the window raises itself or shows the merge dialog with the package."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from package_fixtures import add_realisations, make_unit_plan

from renstra_desktop.core.packages.package_export import export_package
from renstra_desktop.core.store import Store
from renstra_desktop.ui import app as app_module
from renstra_desktop.ui import merge_dialog as md
from renstra_desktop.ui.main_window import MainWindow
from renstra_desktop.ui.single_instance import InstanceServer, server_name


@pytest.fixture
def launch_env(tmp_path):
    """The environment of the second launch: its per-user data folder is ``share/RenstraDesktop``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "RENSTRA_"))}
    env.update(XDG_DATA_HOME=str(tmp_path / "share"), HOME=str(tmp_path / "home"), QT_QPA_PLATFORM="offscreen")
    return env


def installation_plan(tmp_path, kanwil_path) -> Path:
    """The Kanwil's plan where the second launch looks for the installation's plan."""
    plan = tmp_path / "share" / "RenstraDesktop" / "rencana.renstra"
    plan.parent.mkdir(parents=True)
    shutil.copy(kanwil_path, plan)
    return plan


def open_window(qtbot, plan: Path) -> MainWindow:
    window = MainWindow(Store.open(plan))
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    app_module.attach_instance_server(window, InstanceServer(window))
    return window


def second_launch(qtbot, args, env, cwd) -> subprocess.CompletedProcess:
    """Start ``renstra-desktop ARGS`` and keep this window's event loop running until it exits."""
    proc = subprocess.Popen([sys.executable, "-m", "renstra_desktop", *map(str, args)], env=env, cwd=cwd,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        qtbot.waitUntil(lambda: proc.poll() is not None, timeout=60000)
    finally:
        if proc.poll() is None:
            proc.kill()
    out, err = proc.communicate()
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


@pytest.fixture
def upt_package(tmp_path):
    store = make_unit_plan(tmp_path / "upt" / "lobar.renstra")
    add_realisations(store)
    folder = tmp_path / "Paket masuk – Lobar"
    folder.mkdir()
    result = export_package(store, folder=folder)
    store.close()
    return result.path


def test_double_clicked_package_goes_to_the_running_window(qtbot, tmp_path, kanwil_path, launch_env, upt_package):
    window = open_window(qtbot, installation_plan(tmp_path, kanwil_path))
    done = second_launch(qtbot, [upt_package], launch_env, tmp_path)
    assert done.returncode == 0, done.stderr
    qtbot.waitUntil(lambda: any(d.isVisible() for d in window.findChildren(md.MergeDialog)), timeout=10000)
    dialog = next(d for d in window.findChildren(md.MergeDialog) if d.isVisible())
    assert dialog.paths() == [upt_package.resolve()]
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=20000)
    assert dialog.report.results[0].status == "would_merge"
    # the second process opened no window and no plan: the plan's folder holds no second writer's files
    assert "Traceback" not in done.stderr


def test_second_package_joins_the_open_merge_dialog(qtbot, tmp_path, kanwil_path, launch_env, upt_package):
    window = open_window(qtbot, installation_plan(tmp_path, kanwil_path))
    assert second_launch(qtbot, [upt_package], launch_env, tmp_path).returncode == 0
    qtbot.waitUntil(lambda: any(d.isVisible() for d in window.findChildren(md.MergeDialog)), timeout=10000)
    other = tmp_path / "bukan paket.rpkg"
    other.write_bytes(b"bukan paket")
    assert second_launch(qtbot, [other], launch_env, tmp_path).returncode == 0
    dialogs_shown = [d for d in window.findChildren(md.MergeDialog) if d.isVisible()]
    assert len(dialogs_shown) == 1
    qtbot.waitUntil(lambda: len(dialogs_shown[0].paths()) == 2, timeout=10000)
    qtbot.waitUntil(lambda: dialogs_shown[0].report is not None and len(dialogs_shown[0].report.results) == 2,
                    timeout=20000)


def test_double_clicked_plan_raises_the_window_that_has_it(qtbot, tmp_path, kanwil_path, launch_env):
    window = open_window(qtbot, kanwil_path)
    window.showMinimized()
    done = second_launch(qtbot, [kanwil_path], launch_env, tmp_path)
    assert done.returncode == 0, done.stderr
    qtbot.waitUntil(lambda: not window.isMinimized(), timeout=10000)
    assert not window.findChildren(md.MergeDialog)


def test_the_server_follows_the_window_to_another_plan(qtbot, tmp_path, kanwil_path, launch_env):
    window = open_window(qtbot, kanwil_path)
    other = tmp_path / "lain.renstra"
    shutil.copy(kanwil_path, other)
    assert window.open_path(other)
    assert window.feature("instance_server").name == server_name(other)
    handed = second_launch(qtbot, ["--db", other], launch_env, tmp_path)
    assert handed.returncode == 0 and "RENSTRA_FIRST_PAINT" not in handed.stdout
    # the plan the window left is free again: a launch on it opens its own window (paints and quits)
    own = second_launch(qtbot, ["--db", kanwil_path], {**launch_env, "RENSTRA_BENCH_EXIT_ON_PAINT": "1"}, tmp_path)
    assert own.returncode == 0, own.stderr
    assert "RENSTRA_FIRST_PAINT" in own.stdout


def test_another_plan_is_not_handed_over(qtbot, tmp_path, kanwil_path, launch_env):
    """A double-click on a different plan starts its own window (here: paints and quits)."""
    open_window(qtbot, kanwil_path)
    other = tmp_path / "lain.renstra"
    shutil.copy(kanwil_path, other)
    done = second_launch(qtbot, [other], {**launch_env, "RENSTRA_BENCH_EXIT_ON_PAINT": "1"}, tmp_path)
    assert done.returncode == 0, done.stderr
    assert "RENSTRA_FIRST_PAINT" in done.stdout


def test_a_stale_socket_of_a_killed_window_is_taken_over(qtbot, tmp_path, kanwil_path, launch_env):
    """kill -9 leaves the socket file behind (Unix): the next window must still listen, and a later
    launch must reach it."""
    script = ("import sys, time\nfrom PySide6.QtCore import QCoreApplication\n"
              "from PySide6.QtNetwork import QLocalServer\n"
              "app = QCoreApplication([])\n"
              "s = QLocalServer(); assert s.listen(sys.argv[1]); print('ok', flush=True); time.sleep(60)\n")
    holder = subprocess.Popen([sys.executable, "-c", script, server_name(kanwil_path)], stdout=subprocess.PIPE,
                              text=True, env=launch_env)
    assert holder.stdout.readline().strip() == "ok"
    holder.kill()
    holder.wait()
    window = open_window(qtbot, kanwil_path)
    assert window.feature("instance_server").name == server_name(kanwil_path)
    done = second_launch(qtbot, ["--db", kanwil_path], launch_env, tmp_path)
    assert done.returncode == 0, done.stderr


def test_garbage_on_the_socket_is_ignored(qtbot, tmp_path, kanwil_path):
    from PySide6.QtNetwork import QLocalSocket

    window = open_window(qtbot, kanwil_path)
    received = []
    window.feature("instance_server").received.connect(received.append)
    socket = QLocalSocket()
    socket.connectToServer(server_name(kanwil_path))
    assert socket.waitForConnected(2000)
    socket.write(b"\xff\xfe bukan json\n")
    socket.flush()
    qtbot.waitUntil(lambda: socket.state() == QLocalSocket.LocalSocketState.UnconnectedState, timeout=5000)
    assert received == []


def test_on_a_upt_installation_a_unit_package_is_explained(qtbot, tmp_path, launch_env, upt_package):
    """A UPT takes only the Kanwil's packages: the dialog opens and its dry run says why this one
    (another UPT's) is not for this file; nothing is merged."""
    plan = tmp_path / "share" / "RenstraDesktop" / "rencana.renstra"
    plan.parent.mkdir(parents=True)
    make_unit_plan(plan, "LPS-SUMBAWA").close()
    window = open_window(qtbot, plan)
    assert second_launch(qtbot, [upt_package], launch_env, tmp_path).returncode == 0
    qtbot.waitUntil(lambda: any(d.isVisible() for d in window.findChildren(md.MergeDialog)), timeout=10000)
    dialog = next(d for d in window.findChildren(md.MergeDialog) if d.isVisible())
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=20000)
    assert dialog.report.results[0].status == "rejected"
    assert "hanya menerima paket dari Kantor Wilayah" in dialog.model.index(0, 7).data()
    assert not dialog.apply_button.isEnabled()
