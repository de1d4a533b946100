"""The demo town's contracts with its suppliers (issue 12: «учёт договоров и расчётных счетов»): the settlement
centre collects for every supplier; for the resource suppliers, the waste operator and the capital-repair fund as a
payment agent (103-ФЗ: money transferred by the next working day), for the management company — the executor that
engaged it — not; its fee is a share of what it collects (``CONTRACTS``)."""
from __future__ import annotations

from datetime import date

import peewee as pw

from bcenter.modules.finance.settlements import add_contract

__all__ = ["CONTRACTS", "add_demo_contracts"]

CONTRACTS: dict[str, tuple[str, bool, str]] = {
    "uk": ("РЦ-01", False, "2"),
    "vodokanal": ("РЦ-02", True, "1.2"),
    "teploset": ("РЦ-03", True, "1.2"),
    "energosbyt": ("РЦ-04", True, "1"),
    "tko": ("РЦ-05", True, "1.5"),
    "fkr": ("РЦ-06", True, "0.8"),
}
"""Supplier → (contract number, collected as a payment agent, the settlement centre's fee, %)."""


def add_demo_contracts(db: pw.Database, *, start: date, actor: str | None) -> int:
    """A contract for each of the town's suppliers that has none, in force from ``start``; the number added (a
    rebuild adds nothing)."""
    have = {ext for (ext,) in db.execute_sql(
        'SELECT s.ext_id FROM "supplier_contract" c JOIN "supplier" s ON s.id = c.supplier_id')}
    present = {ext for (ext,) in db.execute_sql('SELECT ext_id FROM "supplier"')}
    added = 0
    for supplier, (number, agent, fee) in CONTRACTS.items():
        if supplier in present and supplier not in have:
            add_contract(db, supplier=supplier, number=number, signed_on=start, valid_from=start, agent=agent,
                         fee_percent=fee, actor=actor or "demo")
            added += 1
    return added
