"""``renstra-desktop users …`` and ``--user`` on the writing commands (issue 9 §3), as a user types them:
passwords from a file or standard input, never from the command line; refusals in one line, nothing written."""
import hashlib
import io
import json
import subprocess
import sys

import pytest

from renstra_desktop.cli import main
from renstra_desktop.core.store import Store


def sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run(capsys, monkeypatch, *argv, stdin=""):
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def plan(tmp_path, kanwil_path, capsys, monkeypatch):
    """The Kanwil's plan with accounts on: admin, ani (operator)."""
    f = str(kanwil_path)
    assert run(capsys, monkeypatch, "users", "add", f, "admin", "--full-name", "Admin Kanwil",
               stdin="admin-rahasia\n")[0] == 0
    code, out, err = run(capsys, monkeypatch, "users", "add", f, "ani", "--role", "operator", "--user", "admin",
                         stdin="admin-rahasia\nani-rahasia1\n")
    assert code == 0, err
    return kanwil_path


def test_accounts_off_the_os_user_writes_as_today(kanwil_path, capsys, monkeypatch):
    code, out, err = run(capsys, monkeypatch, "users", "list", str(kanwil_path))
    assert code == 0 and "belum diaktifkan" in out
    assert run(capsys, monkeypatch, "signatory", "set", str(kanwil_path), "--place", "Mataram")[0] == 0
    code, _, err = run(capsys, monkeypatch, "signatory", "set", str(kanwil_path), "--place", "Mataram",
                       "--user", "ani", stdin="x\n")
    assert code == 1 and "belum diaktifkan" in err


def test_add_and_list(plan, capsys, monkeypatch):
    code, out, _ = run(capsys, monkeypatch, "users", "list", str(plan), "--json")
    listed = {a["name"]: a for a in json.loads(out)}
    assert listed["admin"]["roles"] == ["admin"] and listed["ani"]["roles"] == ["operator"]
    assert listed["ani"]["updated_by"] == "admin" and listed["ani"]["state"] == "aktif"


def test_a_writing_command_with_user_and_stdin_password(plan, capsys, monkeypatch, tmp_path):
    f = str(plan)
    code, _, err = run(capsys, monkeypatch, "signatory", "set", f, "--place", "Mataram")
    assert code == 1 and "tidak punya akun" in err and "--user" in err
    code, out, err = run(capsys, monkeypatch, "signatory", "set", f, "--place", "Selong", "--user", "ani",
                         stdin="ani-rahasia1\n")
    assert code == 0, err
    with Store.open(plan, readonly=True) as store:
        actor = store.conn.execute("SELECT actor FROM audit_log WHERE table_name = 'report_signatory' "
                                   "ORDER BY seq DESC LIMIT 1").fetchone()[0]
    assert actor == "ani"
    # the password from a file, by option or environment variable
    (tmp_path / "pw").write_text("ani-rahasia1\n", encoding="utf-8")
    assert run(capsys, monkeypatch, "signatory", "set", f, "--place", "Praya", "--user", "ani",
               "--password-file", str(tmp_path / "pw"))[0] == 0
    monkeypatch.setenv("RENSTRA_PASSWORD_FILE", str(tmp_path / "pw"))
    assert run(capsys, monkeypatch, "signatory", "set", f, "--place", "Mataram", "--user", "ani")[0] == 0


@pytest.mark.parametrize("argv, stdin, words", [
    (["--user", "ani"], "salah-salah\n", "salah"),
    (["--user", "budi"], "apa-saja-1\n", "tidak ada"),
    (["--user", "admin"], "admin-rahasia\n", "perlu peran operator"),    # the admin holds no "enter"
    (["--user", "ani"], "", "tidak diberikan"),
])
def test_refusals_are_one_line_and_write_nothing(plan, capsys, monkeypatch, argv, stdin, words):
    before = sha(plan)
    code, out, err = run(capsys, monkeypatch, "signatory", "set", str(plan), "--place", "Bima", *argv, stdin=stdin)
    assert code == 1 and words in err and err.count("\n") == 1 and "Traceback" not in err
    assert sha(plan) == before


def test_disable_passwd_and_roles(plan, capsys, monkeypatch):
    f = str(plan)
    assert run(capsys, monkeypatch, "users", "disable", f, "ani", "--user", "admin", stdin="admin-rahasia\n")[0] == 0
    code, _, err = run(capsys, monkeypatch, "signatory", "set", f, "--place", "Bima", "--user", "ani",
                       stdin="ani-rahasia1\n")
    assert code == 1 and "dinonaktifkan" in err
    assert run(capsys, monkeypatch, "users", "enable", f, "ani", "--user", "admin", stdin="admin-rahasia\n")[0] == 0
    # an account changes its own password: signed in with the old one, then the new one
    code, _, err = run(capsys, monkeypatch, "users", "passwd", f, "ani", "--user", "ani",
                       stdin="ani-rahasia1\nani-baru-1234\n")
    assert code == 0, err
    assert run(capsys, monkeypatch, "signatory", "set", f, "--place", "Bima", "--user", "ani",
               stdin="ani-baru-1234\n")[0] == 0
    # an operator cannot give itself a role
    before = sha(plan)
    code, _, err = run(capsys, monkeypatch, "users", "roles", f, "ani", "--role", "pimpinan", "--user", "ani",
                       stdin="ani-baru-1234\n")
    assert code == 1 and "perlu peran admin" in err and sha(plan) == before
    assert run(capsys, monkeypatch, "users", "roles", f, "ani", "--role", "operator", "--role", "pimpinan",
               "--user", "admin", stdin="admin-rahasia\n")[0] == 0


def test_a_password_is_never_a_command_line_argument(plan, capsys):
    with pytest.raises(SystemExit):
        main(["users", "passwd", str(plan), "ani", "ani-baru-1234"])
    assert "Argumen tidak dikenal" in capsys.readouterr().err


def test_the_installed_command_reads_stdin(plan, tmp_path):
    """The real executable, the password piped in as a script would."""
    exe = [sys.executable, "-m", "renstra_desktop", "signatory", "set", str(plan), "--place", "Sumbawa Besar",
           "--user", "ani"]
    done = subprocess.run(exe, input="ani-rahasia1\n", capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    done = subprocess.run(exe, input="keliru-sekali\n", capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and "salah" in done.stderr
