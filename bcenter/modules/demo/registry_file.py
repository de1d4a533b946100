"""A day's bank registry for the demo town (issue 12): a file a newcomer can load at once with
``bcenter payments import var/demo-sber.txt --profile sber``.

Written in the layout of a positional text profile (``sber`` by default, fields where the profile puts them, its
encoding, its control line): thirty accounts of the town pay what they paid last, naming the open month, on its
tenth day after the month (or today, if that is earlier); one line names an account that does not exist, so the
suspense queue has something to show. Deterministic: the same town, the same day, the same file.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import peewee as pw

from bcenter.core.money import format_kop
from bcenter.core.period import Period
from bcenter.modules.finance.registry_formats import Profile, load_profile

__all__ = ["SampleRegistry", "write_sample_registry"]

PAYERS = 30
UNKNOWN_ACCOUNT = "9000000001"


@dataclass(frozen=True)
class SampleRegistry:
    path: Path
    day: date
    lines: int
    total: int


def write_sample_registry(db: pw.Database, path: Path, *, period: Period, today: date, seed: int = 1,
                          profile: Profile | None = None) -> SampleRegistry:
    """The registry of payments for ``period`` made on the 10th of the month after it (or ``today``)."""
    profile = profile or load_profile("sber")
    day = min(today, (period + 1).first_day + timedelta(days=9))
    last = {}
    for number, amount in db.execute_sql(
            'SELECT a.number, p.amount FROM "payment" p JOIN "account" a ON a.id = p.account_id '
            'WHERE p.amount > 0 ORDER BY a.number, p.paid_on, p.id'):
        last[number] = int(amount)
    rng = random.Random(seed)
    payers = sorted(rng.sample(sorted(last), min(PAYERS, len(last))))
    paying = [(n, last[n]) for n in payers] + [(UNKNOWN_ACCOUNT, 150_000)]
    width = max(int(v) for v in profile.fields.values())
    rows, total, commission = [], 0, 0
    for i, (number, amount) in enumerate(paying, start=1):
        fee = amount // 100  # the bank's 1 % commission
        values = {"date": f"{day:{profile.date_format}}", "time": f"{9 + i // 6:02d}-{i * 7 % 60:02d}-00",
                  "branch": "8607", "cashier": "0123", "operation": f"{i:06d}", "account": number,
                  "payer": "ПЛАТЕЛЬЩИК ДЕМО", "address": "г. Демо", "period": f"{period.month:02d}{period.year % 100:02d}",
                  "amount": format_kop(amount), "transfer": format_kop(amount - fee), "commission": format_kop(fee)}
        fields = [""] * width
        for name, position in profile.fields.items():
            fields[int(position) - 1] = values.get(name, "")
        rows.append(profile.separator.join(fields))
        total, commission = total + amount, commission + fee
    summary = profile.summary
    if summary:
        footer = {"count": str(len(paying)), "amount": format_kop(total), "transfer": format_kop(total - commission),
                  "commission": format_kop(commission), "order_number": f"{day:%m%d}1", "order_date": f"{day:{profile.date_format}}"}
        fields = [""] * max(v for k, v in summary.items() if k in footer)
        for name, position in summary.items():
            if name in footer:
                fields[position - 1] = footer[name]
        rows.append(summary.get("prefix", "") + profile.separator.join(fields))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(("\r\n".join(rows) + "\r\n").encode(profile.encoding))
    return SampleRegistry(path, day, len(paying), total)
