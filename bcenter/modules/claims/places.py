"""Where a request or an act is: a house by its code, the premises of an account by its number — looked up once for
both, each miss a Russian problem at its field."""
from __future__ import annotations

import peewee as pw

from bcenter.core.errors import Problem
from bcenter.modules.passport.desk import key_text
from db.dialect import param_mark


def house_of(db: pw.Database, code: str, problems: list[Problem]) -> str | None:
    row = db.execute_sql(f'SELECT id FROM "house" WHERE ext_id = {param_mark(db)}', (code,)).fetchone()
    if row is None:
        problems.append(Problem("house", f"нет дома с кодом «{code}»"))
        return None
    return key_text(row[0])


def account_of(db: pw.Database, number: str, problems: list[Problem]) -> tuple[str, str, str] | None:
    """(account, premises, house) of the account ``number``."""
    row = db.execute_sql(f'SELECT a.id, a.premises_id, p.house_id FROM "account" a JOIN "premises" p ON p.id = '
                         f'a.premises_id WHERE a.number = {param_mark(db)}', (number,)).fetchone()
    if row is None:
        problems.append(Problem("account", f"нет лицевого счёта «{number}»"))
        return None
    return tuple(key_text(v) for v in row)  # type: ignore[return-value]
