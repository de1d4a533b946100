"""Simulated devices — for the tests, the demo and training (DRIVERS.md §3.6).

A device **model** is a state machine ``feed(bytes) -> bytes``: what the host wrote in, what the device answers.
Hosts put a model behind a serial port:

* ``sim://NAME`` — a pyserial URL handled in this process (``drivers.sim.protocol_sim``): no threads, deterministic,
  a missing answer is an instant short read. ``register`` names a model for it.
* a pty (``hosts.PtyHost``, POSIX): real tty semantics for the same model, through a thread;
* ``socket://`` (``hosts.SocketHost``): a TCP server on 127.0.0.1, portable to Windows kiosks.

A model may raise ``Hangup`` from ``feed`` to drop the line mid-exchange (a pulled cable): the port then reports the
device gone.

``sim://shtrih``, ``sim://escpos`` and ``sim://mercury230`` (and ``sim://shtrih-NAME`` …) need no registering: they
are a register, a printer and a meter **kept in a file** (``?state=PATH``, by default in the user's data folder), so a
headless kiosk's separate commands — open a shift, take a payment, close — talk to the same simulated devices.
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


def line_out(model, out: bytes | bytearray) -> bytes:
    """What a model sends, with its ``hangup_after`` fault applied: the line drops once that many more bytes went
    out (``Hangup`` carrying the part that made it); the count goes down by what was sent."""
    if model.hangup_after is not None:
        if len(out) > model.hangup_after:
            raise Hangup(bytes(out[:model.hangup_after]))
        model.hangup_after -= len(out)
    return bytes(out)


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


def model(name: str, state: str | None = None) -> Model:
    """The model behind ``sim://NAME``: a registered one, else a kept one (``shtrih…``, ``escpos…``)."""
    with _LOCK:
        found = _MODELS.get(name)
    if found is None:
        meter = fresh_meter(name)
        if meter is not None:  # a meter read does not change it: nothing to keep
            return meter
        kind = name.split("-", 1)[0]
        if kind not in ("shtrih", "escpos"):
            raise LookupError(f"нет имитатора устройства «{name}» (sim://{name}): есть sim://shtrih, sim://escpos, "
                              "sim://mercury230, sim://energomera, sim://neva, sim://iec62056-21, sim://mbus")
        found = Kept(name, kind, state)
    return found


def fresh_meter(name: str) -> Model | None:
    """A new simulated meter for ``sim://mercury230``, ``sim://energomera``, ``sim://neva``, ``sim://iec62056-21``,
    ``sim://mbus`` (primary address 5, or the broadcast 254)."""
    if name == "mercury230":
        from drivers.sim.mercury230 import Mercury230Model

        return Mercury230Model()
    if name == "mbus":
        from drivers.sim.mbus_meter import MbusMeterModel

        return MbusMeterModel()
    if name in ("energomera", "neva", "iec62056-21"):
        from drivers.sim.iec_meter import NEVA_REGISTERS, IecMeterModel

        if name == "neva":
            return IecMeterModel(family="neva", address="", ident="/TPC5NEVAMT324.2307", serial="00000000",
                                 password="00000000", registers=dict(NEVA_REGISTERS))
        if name == "energomera":
            return IecMeterModel(address="")
        return IecMeterModel(family="readout", address="", ident="/EKT5CE301v12")
    return None


class Kept:
    """A simulated device whose state lives in a file between processes (pickle: a simulator's own file)."""

    def __init__(self, name: str, kind: str, state: str | None) -> None:
        import pickle
        from pathlib import Path

        import platformdirs

        self.path = Path(state) if state else Path(platformdirs.user_data_dir("bcenter")) / "sim" / f"{name}.pickle"
        if self.path.exists():
            self.model = pickle.loads(self.path.read_bytes())
        elif kind == "shtrih":
            from drivers.sim.shtrih_kkt import ShtrihModel

            self.model = ShtrihModel()
        elif kind == "mercury230":
            from drivers.sim.mercury230 import Mercury230Model

            self.model = Mercury230Model()
        else:
            from drivers.sim.escpos_printer import EscposModel

            self.model = EscposModel()

    def feed(self, data: bytes) -> bytes:
        import pickle

        try:
            return self.model.feed(data)
        finally:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            scratch = self.path.with_suffix(".tmp")
            scratch.write_bytes(pickle.dumps(self.model))
            scratch.replace(self.path)
