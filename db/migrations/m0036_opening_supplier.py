"""Step 36: an opening balance names the supplier it is owed to; opening balances, key rates and moratoria keep
their ``extra``.

An opening balance (входящее сальдо) brought from the system being left was owed to its service's *current*
supplier: were the service later moved to another supplier (a new contract with a resource supplier), the old debt
moved with it at the next close, though the closed months showed it under the old one. A debt stays owed to whom it
was owed — a new supplier does not take over the old one's receivables without an assignment (уступка права
требования, ст. 382 ГК РФ). The column is filled with the supplier the first closed month's balances show the opening
under (the close that brought the openings in named the service's supplier of that day) — where bcenter closed no
month yet, or shows none for the pair, with the service's supplier as it stands now.

The exchange format lets every object of the top level carry ``extra`` — free-form data of the source system, «kept
as is and returned on export» (docs/exchange.md); these three tables had no column for it, and the import dropped it.

SQLite cannot add a NOT NULL reference in place: the table is written anew (nothing references it). PostgreSQL: the
column is added, filled, then made NOT NULL.
"""
from __future__ import annotations

import peewee as pw

from db.dialect import db_id, is_postgres, param_mark
from db.snapshots import read_snapshots

FILL = ('UPDATE "opening_balance" SET supplier_id = (SELECT s.supplier_id FROM "service" s '
        'WHERE s.id = "opening_balance".service_id)')


EXTRA = ('ALTER TABLE "key_rate" ADD COLUMN "extra" TEXT', 'ALTER TABLE "moratorium" ADD COLUMN "extra" TEXT')


def apply(db: pw.Database) -> None:
    for statement in EXTRA:
        db.execute_sql(statement)
    if is_postgres(db):
        db.execute_sql('ALTER TABLE "opening_balance" ADD COLUMN "supplier_id" UUID '
                       'REFERENCES "supplier" ("id") ON DELETE RESTRICT')
        db.execute_sql(FILL)
        db.execute_sql('ALTER TABLE "opening_balance" ALTER COLUMN "supplier_id" SET NOT NULL')
        db.execute_sql('ALTER TABLE "opening_balance" ADD COLUMN "extra" TEXT')
    else:
        _rebuild_sqlite(db)
    _as_first_closed(db)


def _as_first_closed(db: pw.Database) -> None:
    """Each opening balance under the supplier the first closed month's balances show its opening under — where
    that is one supplier and not the service's current one (a service moved to another supplier since)."""
    mark = param_mark(db)
    (first,), = db.execute_sql('SELECT MIN(period) FROM "balance_snapshot"').fetchall()
    if first is None:
        return
    shown: dict[tuple[str, str], set[str]] = {}
    for account, service, supplier, money in read_snapshots(db, str(first)):
        if money[0]:  # the opening of the first closed month: the openings brought in, nothing else
            shown.setdefault((account, service), set()).add(supplier)
    if not shown:
        return
    for uid, account, service, supplier in db.execute_sql(
            f'SELECT id, account_id, service_id, supplier_id FROM "opening_balance" WHERE period <= {mark}',
            (str(first),)).fetchall():
        was = shown.get((str(account), str(service)))
        if was is not None and len(was) == 1 and str(supplier) not in was:
            db.execute_sql(f'UPDATE "opening_balance" SET supplier_id = {mark} WHERE id = {mark}',
                           (db_id(next(iter(was))), db_id(str(uid))))


def _rebuild_sqlite(db: pw.Database) -> None:
    conn = db.connection()
    (sql,), = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'opening_balance'")
    column, amount = '"service_id" UUID NOT NULL, ', '"amount" INTEGER NOT NULL, '
    reference = 'FOREIGN KEY ("service_id")'
    if sql.count(column) != 1 or sql.count(amount) != 1 or sql.count(reference) != 1:
        raise RuntimeError("step 36: unexpected definition of opening_balance")
    indexes = [row[0] for row in conn.execute("SELECT sql FROM sqlite_master WHERE type = 'index' AND "
                                              "tbl_name = 'opening_balance' AND sql IS NOT NULL ORDER BY name")]
    new = (sql.replace('CREATE TABLE "opening_balance"', 'CREATE TABLE "opening_balance__step36"', 1)
           .replace(column, column + '"supplier_id" UUID NOT NULL, ', 1)
           .replace(amount, amount + '"extra" TEXT, ', 1)
           .replace(reference, 'FOREIGN KEY ("supplier_id") REFERENCES "supplier" ("id") ON DELETE RESTRICT, '
                    + reference, 1))
    conn.execute(new)
    conn.execute('INSERT INTO "opening_balance__step36" (id, account_id, service_id, supplier_id, period, amount) '
                 'SELECT o.id, o.account_id, o.service_id, s.supplier_id, o.period, o.amount '
                 'FROM "opening_balance" o JOIN "service" s ON s.id = o.service_id')
    conn.execute('DROP TABLE "opening_balance"')
    conn.execute('ALTER TABLE "opening_balance__step36" RENAME TO "opening_balance"')
    for index in indexes:
        conn.execute(index)
