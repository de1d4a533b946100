"""Changing a CHECK constraint — the one table change SQLite cannot make in place (steps 21, 29).

SQLite: the table is written anew under a temporary name from its own ``CREATE TABLE`` text with the constraint
replaced, the rows copied, the old table dropped (its indexes with it), the new one renamed and the indexes made
again. PostgreSQL: the named constraint is dropped and added.
"""
from __future__ import annotations

import peewee as pw

from db.dialect import is_postgres


def replace_check(db: pw.Database, table: str, constraint: str, old: str, new: str, *, step: int) -> None:
    """Replace ``old`` (a ``CHECK (…)`` clause, exactly as the table's SQL has it) by ``new`` in ``table``."""
    if is_postgres(db):
        db.execute_sql(f'ALTER TABLE "{table}" DROP CONSTRAINT "{constraint}"')
        db.execute_sql(f'ALTER TABLE "{table}" ADD CONSTRAINT "{constraint}" {new}')
        return
    conn = db.connection()
    (sql,), = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,))
    if sql.count(old) != 1:
        raise RuntimeError(f"step {step}: unexpected definition of {table}")
    indexes = [row[0] for row in conn.execute("SELECT sql FROM sqlite_master WHERE type = 'index' AND "
                                              "tbl_name = ? AND sql IS NOT NULL ORDER BY name", (table,))]
    temporary = f"{table}__step{step}"
    conn.execute(sql.replace(f'CREATE TABLE "{table}"', f'CREATE TABLE "{temporary}"', 1).replace(old, new, 1))
    cols = ", ".join(f'"{row[1]}"' for row in conn.execute(f'PRAGMA table_info("{table}")'))
    conn.execute(f'INSERT INTO "{temporary}" ({cols}) SELECT {cols} FROM "{table}"')
    conn.execute(f'DROP TABLE "{table}"')  # and its indexes
    conn.execute(f'ALTER TABLE "{temporary}" RENAME TO "{table}"')
    for index in indexes:
        conn.execute(index)


__all__ = ["replace_check"]
