"""What a face does with an error nobody foresaw: keep the details for a maintainer, tell the person in words.

Every write of bcenter is a transaction (a unit of work, a whole file moved into place), so an unforeseen error
leaves nothing half-written; the traceback goes into a log file readable by its owner only (it may quote data), and
the person reads one line naming that file.
"""
from __future__ import annotations

import os
import traceback
from datetime import datetime, timezone
from pathlib import Path

import platformdirs

__all__ = ["crash_report"]


def crash_report(error: BaseException, *, argv: list[str] | None = None) -> Path | None:
    """Write the error's traceback (and the command) to a new log file; its path, or None if it could not be
    written."""
    folder = Path(os.environ.get("BCENTER_LOG_DIR") or platformdirs.user_log_dir("bcenter"))
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%f")
    path = folder / f"error-{stamp}-{os.getpid()}.log"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with open(os.open(path, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600), "w", encoding="utf-8") as out:
            out.write(f"bcenter {' '.join(argv or [])}\n\n")
            out.write("".join(traceback.format_exception(error)))
    except OSError:
        return None
    return path
