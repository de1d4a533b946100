"""Step 21 (issue 12): a meter reading may come with a payment — source ``bank``.

A bank's registry (``sber_tagged``: ``CounterVal_N``) carries the readings a payer typed at the terminal; they are
readings like any other, with their source named so that a wrong one can be traced to its payment. House meters'
readings never come from a bank: ``house_reading`` keeps its sources.

SQLite cannot change a CHECK constraint in place: the table is written anew with the new constraint, then takes the
old one's name and indexes. PostgreSQL: the constraint is replaced.
"""
from __future__ import annotations

import peewee as pw

from db.migrations.rebuild import replace_check

FOREIGN_KEYS_OFF = True
"""SQLite: the table is rebuilt (other rows' ``corrects_id`` point into it)."""

OLD = "CHECK (source IN ('resident', 'inspector', 'device', 'import'))"
NEW = "CHECK (source IN ('resident', 'inspector', 'device', 'import', 'bank'))"


def apply(db: pw.Database) -> None:
    replace_check(db, "meter_reading", "ck_meter_reading_source", OLD, NEW, step=21)
