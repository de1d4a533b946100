"""ЕПД: payment documents in batches."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from bcenter.app.base import UseCases, use_case
from bcenter.core.access import Permission as P
from bcenter.core.errors import UsageError
from bcenter.core.jobs import Job
from bcenter.core.period import Period
from bcenter.modules.bills.batch import BatchResult, BillRequest, print_bills


class BillsCases(UseCases):
    @use_case(P.BILLS_PRINT, "печать счетов")
    def print(self, period: Period, *, out: Path, kind: str = "monthly", house: str | None = None,
              account: str | None = None, months: int = 3, as_of: date | None = None, workers: int = 0,
              job: Job | None = None) -> BatchResult:
        """Bills of ``kind`` (monthly, debt, advance) into one PDF (``out`` ends in .pdf) or a folder, in delivery
        order; nothing is written unless the whole batch succeeds. A month that has not begun has no bill (it is not
        calculated either: ``MonthCases.calc``) — it was told to close the month before it, which cannot be closed."""
        now = Period.of(self.app.clock.today())
        if period > now:
            raise UsageError(f"печать счетов: период {period} ещё не наступил (сейчас {now})")
        self.app.system.ensure_initialized()
        request = BillRequest(url=self.app.url, period=str(period), kind=kind, months=months,
                              as_of=as_of.isoformat() if as_of else None,
                              issued=self.app.clock.today().isoformat())
        return print_bills(self.db, request, out=out, house=house, account=account,
                           workers=self.app.workers(workers), job=job)
