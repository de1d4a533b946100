"""A device model behind each kind of port the contract suites run over: ``sim://`` (in process), a pty and
``socket://`` (a real second end, through a thread)."""
from __future__ import annotations

import itertools
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from drivers import sim
from drivers.sim.hosts import PtyHost, SocketHost

HOSTS = ["sim", "pty", "socket"] if sys.platform != "win32" else ["sim", "socket"]
_names = itertools.count()


@contextmanager
def behind(kind: str, model) -> Iterator[str]:
    """The URL of ``model`` behind a port of ``kind``; the host closed afterwards."""
    if kind == "sim":
        yield sim.register(f"test-device{next(_names)}", model)
        return
    host = (PtyHost if kind == "pty" else SocketHost)(model)
    try:
        yield host.url
    finally:
        host.close()
