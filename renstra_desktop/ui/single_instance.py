"""One window per plan file: a second launch on the same plan hands its request to the running
window and exits, instead of opening the same SQLite file twice.

The running window listens on a local socket (a named pipe on Windows) whose name is derived from
the user and the plan's resolved path (:func:`server_name`); it follows the window when another
plan is opened.  A launch first tries to connect: if a window answers ``ok`` the request (raise,
and the package files double-clicked, if any) has been handed over.  Messages are one JSON object
per connection: ``{"raise": true, "packages": ["C:/…/X.rpkg"]}``.

No answer within the timeout (a hung window, a stale socket) means: start normally; the store's
own lock then says if the file is busy.  Where the socket is a file (not Windows) and there is no
such file, no window listens: start-up then neither loads QtNetwork nor tries to connect.
"""
from __future__ import annotations

import getpass
import json
import os
import sys
from pathlib import Path

from PySide6.QtCore import QObject, Signal

PREFIX = "renstra-"
HANDOVER_TIMEOUT_MS = 3000
_MAX_MESSAGE = 64 * 1024


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:   # no login name (some service accounts)
        return str(os.getuid()) if hasattr(os, "getuid") else "pengguna"


def _sha256(data: bytes):
    """CPython's own SHA-256 (the same digest): hashlib would load OpenSSL's libcrypto (3.8 MB) for
    this one hash, before the first paint."""
    try:
        from _sha256 import sha256            # Python 3.11
    except ImportError:
        try:
            from _sha2 import sha256          # Python 3.12+
        except ImportError:
            from hashlib import sha256
    return sha256(data)


def server_name(plan_path: str | os.PathLike) -> str:
    """A short name (socket paths are limited to ~100 bytes) unique per user and plan file; on
    Windows paths compare case-insensitively, so the name does too."""
    path = os.path.normcase(str(Path(plan_path).resolve()))
    digest = _sha256(f"{_user()}\0{path}".encode("utf-8", "surrogatepass")).hexdigest()[:20]
    return PREFIX + digest


def _nobody_listens(name: str) -> bool:
    """True when no window can be listening: on POSIX QLocalServer makes the socket file
    ``$TMPDIR/name`` (QDir::tempPath); a Windows pipe cannot be looked for without connecting."""
    if sys.platform == "win32":
        return False
    return not os.path.exists(os.path.join(os.environ.get("TMPDIR") or "/tmp", name))


def hand_over(plan_path: str | os.PathLike, message: dict, timeout_ms: int = HANDOVER_TIMEOUT_MS) -> bool:
    """Give ``message`` to the window that has ``plan_path`` open; False when none answered."""
    if _nobody_listens(server_name(plan_path)):
        return False
    from PySide6.QtNetwork import QLocalSocket

    socket = QLocalSocket()
    socket.connectToServer(server_name(plan_path))
    if not socket.waitForConnected(timeout_ms):
        return False
    import logging

    from ..logs import LOGGER      # here: the log module (logging.handlers, platform) waits for the first paint
    socket.write(json.dumps(message).encode("utf-8") + b"\n")
    socket.flush()
    answer = b""
    while b"\n" not in answer and socket.waitForReadyRead(timeout_ms):
        answer += bytes(socket.readAll().data())
    socket.disconnectFromServer()
    handed = answer.strip() == b"ok"
    logging.getLogger(LOGGER).info("hand-over to the running window for %s: %s", plan_path,
                                   "done" if handed else f"no answer ({answer[:40]!r})")
    return handed


class InstanceServer(QObject):
    """Listens for later launches on the open plan; ``received`` carries each message (a dict)."""

    received = Signal(dict)

    def __init__(self, parent: QObject | None = None):
        from PySide6.QtNetwork import QLocalServer

        super().__init__(parent)
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._accept)
        self.name: str | None = None

    def listen(self, plan_path: str | os.PathLike) -> bool:
        """Listen for ``plan_path`` (replacing any earlier name).  A stale socket left by a killed
        window is removed first; a live one is not (its window would have answered hand_over)."""
        import logging

        from ..logs import LOGGER

        self._server.close()
        self.name = server_name(plan_path)
        if not self._server.listen(self.name):
            type(self._server).removeServer(self.name)
            if not self._server.listen(self.name):
                logging.getLogger(LOGGER).warning("single instance: cannot listen for %s: %s",
                                                  plan_path, self._server.errorString())
                return False
        logging.getLogger(LOGGER).info("single instance: listening as %s for %s", self.name, plan_path)
        return True

    def close(self) -> None:
        self._server.close()

    def _accept(self) -> None:
        while self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            socket.setParent(self)
            buffer = bytearray()

            def read(socket=socket, buffer=buffer):
                buffer += bytes(socket.readAll().data())
                if len(buffer) > _MAX_MESSAGE:
                    socket.abort()
                    return
                if b"\n" in buffer:
                    socket.readyRead.disconnect()
                    self._answer(socket, bytes(buffer).split(b"\n", 1)[0])

            socket.readyRead.connect(read)
            socket.disconnected.connect(socket.deleteLater)
            if socket.bytesAvailable():
                read()

    def _answer(self, socket, line: bytes) -> None:
        try:
            message = json.loads(line.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            message = None
        if not isinstance(message, dict):
            socket.abort()
            return
        socket.write(b"ok\n")
        socket.flush()
        self.received.emit(message)
