"""Simulated devices — for the tests, the demo and training (DRIVERS.md §3.6).

A device **model** is a state machine ``feed(bytes) -> bytes``: what the host wrote in, what the device answers.
Hosts put a model behind a serial port:

* ``sim://NAME`` — a pyserial URL handled in this process (``drivers.sim.protocol_sim``): no threads, deterministic,
  a missing answer is an instant short read. ``register`` names a model for it.
* a pty (``hosts.PtyHost``, POSIX): real tty semantics for the same model, through a thread;
* ``socket://`` (``hosts.SocketHost``): a TCP server on 127.0.0.1, portable to Windows kiosks.

A model may raise ``Hangup`` from ``feed`` to drop the line mid-exchange (a pulled cable): the port then reports the
device gone.
"""
from __future__ import annotations

import threading
from typing import Protocol


class Model(Protocol):
    def feed(self, data: bytes) -> bytes: ...


class Hangup(Exception):
    """Raised by a model: the line drops after the bytes it carries (``partial``)."""

    def __init__(self, partial: bytes = b"") -> None:
        super().__init__("линия оборвана")
        self.partial = partial


_MODELS: dict[str, Model] = {}
_LOCK = threading.Lock()


def register(name: str, model: Model) -> str:
    """Put ``model`` behind ``sim://NAME``; the URL."""
    with _LOCK:
        _MODELS[name] = model
    return f"sim://{name}"


def unregister(name: str) -> None:
    with _LOCK:
        _MODELS.pop(name, None)


def model(name: str) -> Model:
    with _LOCK:
        found = _MODELS.get(name)
    if found is None:
        raise LookupError(f"нет имитатора устройства «{name}» (sim://{name})")
    return found
