"""What a face does with an error nobody foresaw: keep the details for a maintainer, tell the person in words.

Every write of bcenter is a transaction (a unit of work, a whole file moved into place), so an unforeseen error
leaves nothing half-written; the traceback goes into a log file readable by its owner only (it may quote data), and
the person reads one line naming that file. The command line is kept with what it must not carry masked: the
values of personal data options (``--document-number``, ``--snils``, ``--phone``, ``--set snils=…`` —
``bcenter.core.access.PERSON_SEALED``, sealed in the database) and the password of a database address.
"""
from __future__ import annotations

import os
import re
import traceback
from datetime import datetime, timezone
from pathlib import Path

import platformdirs

from bcenter.core.access import PERSON_SEALED, PERSONAL_MASK
from db.connection import shown_url

__all__ = ["crash_report", "masked_argv"]

_PERSONAL_OPTIONS = frozenset("--" + name.replace("_", "-") for name in PERSON_SEALED)
_SETTING = re.compile(r"\s*([a-z_]+)\s*=")


def _no_password(arg: str) -> str:
    """An argument with the password of an address in it (``postgresql://user:password@host/db``) masked."""
    head, sep, url = arg.partition("=") if arg.startswith("--") else ("", "", arg)
    return head + sep + shown_url(url) if "://" in url else arg


def masked_argv(argv: list[str]) -> list[str]:
    """``argv`` as a log may keep it: personal data options' values and addresses' passwords replaced by ``***``."""
    out: list[str] = []
    hide_next = False
    for arg in argv:
        if hide_next:
            out.append(PERSONAL_MASK)
            hide_next = False
            continue
        name, eq, value = arg.partition("=")
        if name in _PERSONAL_OPTIONS:
            out.append(f"{name}={PERSONAL_MASK}" if eq else arg)
            hide_next = not eq
            continue
        if name == "--set" and eq and (m := _SETTING.match(value)) and m.group(1) in PERSON_SEALED:
            out.append(f"--set={m.group(1)}={PERSONAL_MASK}")
            continue
        if out and out[-1] == "--set" and (m := _SETTING.match(arg)) and m.group(1) in PERSON_SEALED:
            out.append(f"{m.group(1)}={PERSONAL_MASK}")
            continue
        out.append(_no_password(arg))
    return out


def crash_report(error: BaseException, *, argv: list[str] | None = None) -> Path | None:
    """Write the error's traceback (and the command) to a new log file; its path, or None if it could not be
    written."""
    folder = Path(os.environ.get("BCENTER_LOG_DIR") or platformdirs.user_log_dir("bcenter"))
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%f")
    path = folder / f"error-{stamp}-{os.getpid()}.log"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with open(os.open(path, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600), "w", encoding="utf-8") as out:
            out.write(f"bcenter {' '.join(masked_argv(argv or []))}\n\n")
            out.write("".join(traceback.format_exception(error)))
    except OSError:
        return None
    return path
