"""Hosts that put a device model behind a real port (DRIVERS.md §3.6): a pty pair (POSIX: real tty semantics —
partial reads, a hang-up as the kernel reports it) and a TCP socket on 127.0.0.1 (``socket://``, portable). Each
serves the model from a thread until ``close``; use them as context managers."""
from __future__ import annotations

import os
import select
import socket
import threading

from drivers.sim import Hangup, Model


class PtyHost:
    """The model on the master side of a pty; ``url`` is the slave's device path (open it 8N1: a pty drops 7-bit
    settings)."""

    def __init__(self, model: Model) -> None:
        import pty
        import tty

        self.model = model
        self.master, self.slave = pty.openpty()
        tty.setraw(self.master)
        tty.setraw(self.slave)
        self.url = os.ttyname(self.slave)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            ready, _, _ = select.select([self.master], [], [], 0.05)
            if not ready:
                continue
            try:
                data = os.read(self.master, 4096)
            except OSError:
                return
            try:
                out = self.model.feed(data)
            except Hangup as hangup:
                if hangup.partial:
                    os.write(self.master, hangup.partial)
                self._hang_up()
                return
            if out:
                os.write(self.master, out)

    def _hang_up(self) -> None:
        for fd in (self.master, self.slave):
            try:
                os.close(fd)
            except OSError:
                pass
        self.master = self.slave = -1

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        if self.master != -1:
            self._hang_up()

    def __enter__(self) -> "PtyHost":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class SocketHost:
    """The model behind a TCP server on 127.0.0.1 (one client at a time); ``url`` is ``socket://127.0.0.1:PORT``."""

    def __init__(self, model: Model) -> None:
        self.model = model
        self.server = socket.create_server(("127.0.0.1", 0))
        self.url = f"socket://127.0.0.1:{self.server.getsockname()[1]}"
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        self.server.settimeout(0.05)
        while not self._stop.is_set():
            try:
                conn, _ = self.server.accept()
            except (TimeoutError, OSError):
                continue
            with conn:
                conn.settimeout(0.05)
                while not self._stop.is_set():
                    try:
                        data = conn.recv(4096)
                    except TimeoutError:
                        continue
                    except OSError:
                        break
                    if not data:
                        break
                    try:
                        out = self.model.feed(data)
                    except Hangup as hangup:
                        conn.sendall(hangup.partial)
                        break
                    if out:
                        conn.sendall(out)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self.server.close()

    def __enter__(self) -> "SocketHost":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
