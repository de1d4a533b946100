"""The desk's devices by their addresses (``drivers``): a Штрих-М register and an ESC/POS printer. The defaults are
simulators kept in files — a desk with no hardware yet, a training kiosk, the demo: ``sim://shtrih`` and
``sim://escpos`` keep their state beside the SQLite database (``<db>-sim/``; elsewhere in the user's data folder),
so each database has its own register, as each real desk has."""
from __future__ import annotations

from pathlib import Path

from drivers.fiscal.shtrih.driver import ShtrihRegister
from drivers.printer.escpos_backend import EscposPrinter

DEFAULT_REGISTER = "sim://shtrih"
DEFAULT_PRINTER = "sim://escpos"


def _kept(url: str, state: Path | None) -> str:
    """A simulator's address with its state file beside the database (unless the address names one)."""
    if state is None or not url.startswith("sim://") or "?" in url:
        return url
    name = url.removeprefix("sim://")
    if name.split("-", 1)[0] not in ("shtrih", "escpos"):
        return url
    return f"{url}?state={state / (name + '.sim')}"


def _link_options(url: str) -> tuple[str, dict]:
    """``…#timeout=0.2``: the link's wait for a byte, in seconds (a fragment, so no port handler sees it; a slow
    line may need more than the default second, a simulator far less)."""
    url, _, fragment = url.partition("#")
    options = {}
    for part in filter(None, fragment.split("&")):
        key, _, value = part.partition("=")
        if key == "timeout":
            options["timeout"] = float(value)
            options["command_timeout"] = max(float(value) * 5, options["timeout"])
    return url, options


def open_register(url: str | None, *, state: Path | None = None) -> ShtrihRegister:
    address, options = _link_options(url or DEFAULT_REGISTER)
    return ShtrihRegister(_kept(address, state), **options)


def open_printer(url: str | None, *, state: Path | None = None) -> EscposPrinter | None:
    """None for ``--printer none`` (a desk whose register prints the only receipt)."""
    if url == "none":
        return None
    return EscposPrinter(_kept(url or DEFAULT_PRINTER, state))


def state_folder(db_url: str) -> Path | None:
    """Where a database's simulated devices keep their state: ``var/demo.db`` → ``var/demo.db-sim``."""
    if db_url.startswith("sqlite:///") and ":memory:" not in db_url:
        return Path(db_url.removeprefix("sqlite:///") + "-sim")
    return None
