"""Russian text for devices whose code page is CP866 (receipt printers, ФФД tags): the characters CP866 lacks,
replaced by what a cashier would write (DRIVERS.md §1.3): «» “ ” „ → ", — – → -, ₽ → руб., … → ..., a
non-breaking space → a space. Anything else CP866 lacks becomes «?» — never an exception at the desk."""
from __future__ import annotations

_TABLE = str.maketrans({"«": '"', "»": '"', "“": '"', "”": '"', "„": '"', "—": "-", "–": "-", "‑": "-",
                        "₽": "руб.", "…": "...", "\u00a0": " ", "\u202f": " "})


def normalise(text: str) -> str:
    """The text with the replacements above (still text)."""
    return text.translate(_TABLE)


def cp866(text: str) -> bytes:
    """The text in CP866, normalised first."""
    return normalise(text).encode("cp866", errors="replace")
