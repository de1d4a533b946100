"""Приборы учёта: meters read over serial lines (issue 15, first step). Reading a meter needs no database — a
reader checks a meter on a fresh tablet —, so it is a plain function of the application layer, as the faces use
it; storing what was read goes through the readings' validation rules (to come)."""
from __future__ import annotations

from drivers.meters.base import MeterReading

PROTOCOLS = {"mercury230": "Меркурий 230/231/234/236"}


def read_meter(port: str, *, protocol: str, address: int | None = None, password: str | None = None,
               timeout: float | None = None) -> MeterReading:
    """What the meter at ``port`` (a serial port, ``socket://``, ``sim://mercury230``) says now."""
    if protocol != "mercury230":
        from bcenter.core.errors import UsageError

        raise UsageError(f"--protocol: «{protocol}» пока не поддерживается; есть: {', '.join(PROTOCOLS)}")
    from drivers.meters.mercury230 import Mercury230

    options = {"address": address or 0, "password": password or "111111"}
    if timeout is not None:
        options["timeout"] = timeout
    return Mercury230(port, **options).read()
