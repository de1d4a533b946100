"""What the database's own errors mean to a person: a busy, read-only, foreign or damaged database is named in
Russian with what to do, never a traceback (issue 10)."""
from __future__ import annotations

import contextlib
from collections.abc import Iterator

import peewee as pw

from bcenter.core.errors import BcenterError, ConfigError

__all__ = ["DatabaseBusy", "plain_errors"]


class DatabaseBusy(BcenterError):
    """Another program holds the database's write lock longer than the busy timeout."""

    default_message_ru = "База занята другой программой: повторите через минуту"


_MEANINGS = (
    (("database is locked", "database is busy", "could not obtain lock", "deadlock detected"), DatabaseBusy,
     "База занята другой программой (запись не дождалась своей очереди): повторите через минуту."),
    (("readonly database", "read-only", "permission denied"), ConfigError,
     "База открыта только для чтения: нет прав на запись в файл базы или в его каталог."),
    (("file is not a database", "malformed", "not a database"), ConfigError,
     "Файл не является базой bcenter или повреждён: укажите другой файл или восстановите копию (bcenter restore)."),
    (("unable to open database file",), ConfigError,
     "Файл базы не открывается: проверьте путь и права на каталог."),
    (("disk i/o error", "database or disk is full", "no space left"), ConfigError,
     "Ошибка диска при записи базы (нет места или диск недоступен): ничего не записано."),
)


@contextlib.contextmanager
def plain_errors(where: str = "") -> Iterator[None]:
    """Turn the driver's operational errors into messages people can act on; anything else passes through."""
    try:
        yield
    except (pw.OperationalError, pw.DatabaseError) as exc:
        text = str(exc).lower()
        for needles, kind, message in _MEANINGS:
            if any(n in text for n in needles):
                raise kind(f"{where}: {message}" if where else message) from exc
        raise
