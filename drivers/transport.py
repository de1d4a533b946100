"""Opening a device's port by its URL (DRIVERS.md §4): a real port (``/dev/ttyUSB0``, ``COM3``), ``socket://host:port``,
``rfc2217://…``, ``spy://…`` (a real port with a hex log — for capturing transcripts on site) or ``sim://NAME`` (a
simulated device, ``drivers.sim``). Line settings are parameters; the timeout is set once (a deadline loop reads
within it: re-setting a timeout re-applies termios, which a pty refuses for 7-bit settings — DRIVERS.md §3.6).
"""
from __future__ import annotations

import serial
from serial.serialutil import SerialException

from drivers.errors import DeviceDisconnected

if "drivers.sim" not in serial.protocol_handler_packages:
    serial.protocol_handler_packages.append("drivers.sim")

POLL = 0.02
"""A read waits at most this long (seconds) for a byte; drivers loop until their own deadline."""


def open_port(url: str, *, baudrate: int = 115200, bytesize: int = 8, parity: str = "N", stopbits: float = 1,
              timeout: float = POLL) -> serial.SerialBase:
    """The open port of ``url``; ``DeviceDisconnected`` naming it when it cannot be opened. A pty (``/dev/pts/N``:
    a simulated meter behind one) is opened 8N1 whatever the line asks — the kernel drops parity and 7-bit
    settings on a pty and refuses their re-assertion (DRIVERS.md §3.6); the data are the same."""
    if url.startswith("/dev/pts/"):
        bytesize, parity = 8, "N"
    try:
        return serial.serial_for_url(url, baudrate=baudrate, bytesize=bytesize, parity=parity, stopbits=stopbits,
                                     timeout=timeout, write_timeout=1.0)
    except (SerialException, ValueError, OSError) as exc:
        raise DeviceDisconnected(f"Не удалось открыть порт устройства {url}: {exc}") from exc
