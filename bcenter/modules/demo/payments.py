"""Payments and opening balances of one account.

The generator does not compute the bills; payers pay a guess of them (area × ~90 ₽ + residents × ~2 600 ₽, more
in the heating season), the way people pay roughly what they usually pay. Habits are drawn once per account:
most pay every month, some pay part, some stop for months and then pay a lump sum, a few never pay. A payment for
period P is made in the month after P, between the 10th and the 25th; the history's last period is not paid yet.
"""

from __future__ import annotations

from .reference import rub

_SBER = "ПАО Сбербанк"
_VTB = "Банк ВТБ (ПАО)"
_POST = "АО «Почта России»"
_TERMINAL = "ООО «Городской платёжный сервис»"
# channel, agent, chance the payer names the period (QR from the bill, the cashier types it in)
_CHANNELS = (("bank", _SBER, 0.6), ("bank", _VTB, 0.6), ("online", None, 0.7), ("post", _POST, 0.8),
             ("terminal", _TERMINAL, 0.5), ("cash", None, 0.9))
_CHANNEL_WEIGHTS = (0.28, 0.07, 0.22, 0.10, 0.15, 0.18)


class Payer:
    """Writes the payments (and opening balances) of one house's accounts."""

    def __init__(self, b) -> None:
        self.b = b
        self.r = b.rng.random
        town = b.town
        self.slots = town.history.slots
        self.n = len(self.slots)
        self.keys = town.slot_keys
        self.pay_rows = town.pay_rows
        self.periods = [mo.period for mo in self.slots]
        self.payments = b.doc["payments"]
        self.balances = b.doc["opening_balances"]
        self.start_period = town.history.start.period
        # extra guess per m² for heating: in season only (season payment) or every month (evenly over the year)
        self.heat_extra = [0] * self.n

    def set_heating(self, season: bool, season_flags: list[bool]) -> None:
        self.heat_extra = [(300 if f else 0) if season else 200 for f in season_flags]

    def _habits(self, organization: bool) -> None:
        """How this payer pays: channel and agent, whether the period is named, the usual days of the month."""
        r = self.r
        if organization:
            self.kind, self.agent, self.named, self.commission = "bank", None, True, False
        else:
            x = r()
            for (kind, agent, p_named), w in zip(_CHANNELS, _CHANNEL_WEIGHTS):
                x -= w
                if x < 0:
                    break
            self.kind, self.agent = kind, agent
            self.named = r() < p_named
            self.commission = agent == _SBER and r() < 0.5
        rows = self.pay_rows
        self.dates = rows[int(r() * len(rows))]

    def account(self, aid: str, area_t: int, occ: list[int], s_from: int, s_to: int, *, owners: int = 1,
                organization: bool = False, opening: bool = True) -> None:
        """Payments of account ``aid`` charged for periods s_from..s_to (slot numbers, inclusive)."""
        r = self.r
        heat = self.heat_extra
        est = [0] * self.n
        per_person = 0 if organization else 260000
        for s in range(s_from, s_to + 1):
            est[s] = area_t * (900 + heat[s]) + (occ[s] or owners) * per_person
        last = min(s_to, self.n - 2)      # the last period is paid next month, after the history
        self._habits(organization)
        if organization:
            self._regular(aid, est, s_from, last, exact=True, skip=0.02)
            return
        x = r()
        if x < 0.72:
            self._regular(aid, est, s_from, last, exact=r() < 0.4, skip=0.06,
                          split_kr=area_t * 133 if r() < 0.03 else 0)
            if opening and r() < 0.02:
                self._balance(aid, "maintenance", -area_t * 318 * (1 + int(r() * 3)))
        elif x < 0.81:
            self._partial(aid, est, s_from, last)
            if opening and r() < 0.3:
                self._debts(aid, area_t, occ[s_from] or owners, 1 + int(r() * 3))
        elif x < 0.90:
            self._lumps(aid, est, s_from, last)
            if opening and r() < 0.3:
                self._debts(aid, area_t, occ[s_from] or owners, 1 + int(r() * 2))
        elif x < 0.94:
            self._advance(aid, est, s_from, last)
            if opening and r() < 0.5:
                self._balance(aid, "maintenance", -area_t * 318 * 2)
        elif x < 0.97:
            self._erratic(aid, s_from, last)
        elif opening:
            self._debts(aid, area_t, occ[s_from] or owners, 3 + int(r() * 10))   # never pays

    # ---- habits --------------------------------------------------------------------------------------------------
    def _pay(self, aid: str, s: int, amount: int, suffix: str = "", services=None, named: bool = True) -> None:
        """A payment for period ``s`` made in slot s + 1."""
        if amount <= 0:
            return
        row = {"id": aid + self.keys[s + 1] + suffix, "account": aid,
               "amount": f"{amount // 100}.00" if amount % 100 == 0 else rub(amount),
               "paid_on": self.dates[s + 1], "channel": self.kind}
        if named and self.named:
            row["period"] = self.periods[s]
        if self.agent is not None:
            row["agent"] = self.agent
            if self.commission:
                row["commission"] = rub((amount + 50) // 100)      # 1 % kept by the bank (supplier side)
        if services is not None:
            row["services"] = services
        self.payments.append(row)

    def _regular(self, aid, est, s_from, last, *, exact: bool, skip: float, split_kr: int = 0) -> None:  # float-ok: randomness or time spans, not money
        """Pays about the bill every month (now and then a month is skipped and paid with the next one)."""
        r = self.r
        if split_kr:
            carried = 0
            for s in range(s_from, last + 1):
                due = est[s] + carried
                if r() < skip:
                    carried = due
                    continue
                carried = 0
                amount = int(due * (0.97 + r() * 0.06))
                if not exact:
                    amount = (amount + 50) // 100 * 100
                if split_kr and amount > split_kr:
                    kr = rub(split_kr)
                    self._pay(aid, s, split_kr, "-kr", [{"service": "capital_repair", "amount": kr}])
                    amount -= split_kr
                self._pay(aid, s, amount)
            return
        # the common case, written out: no split
        append = self.payments.append
        keys, dates, periods, kind, named = self.keys, self.dates, self.periods, self.kind, self.named
        agent, commission = self.agent, self.commission
        carried = 0
        for s in range(s_from, last + 1):
            due = est[s] + carried
            if r() < skip:
                carried = due
                continue
            carried = 0
            amount = int(due * (0.97 + r() * 0.06))
            if not exact:
                amount = (amount + 50) // 100 * 100
            row = {"id": aid + keys[s + 1], "account": aid, "amount": f"{amount // 100}.{amount % 100:02d}",
                   "paid_on": dates[s + 1], "channel": kind}
            if named:
                row["period"] = periods[s]
            if agent is not None:
                row["agent"] = agent
                if commission:
                    row["commission"] = rub((amount + 50) // 100)
            append(row)

    def _partial(self, aid, est, s_from, last) -> None:
        r = self.r
        share = 0.4 + r() * 0.45
        for s in range(s_from, last + 1):
            if r() < 0.15:
                continue
            self._pay(aid, s, (int(est[s] * share * (0.9 + r() * 0.2)) + 50) // 100 * 100)

    def _lumps(self, aid, est, s_from, last) -> None:
        """Stops paying for 2–6 months, then pays all of it at once (rounded up to 100 ₽); maybe again."""
        r = self.r
        s = s_from
        owed = 0
        while s <= last:
            if owed == 0 and r() < 0.25:
                stop = s + 2 + int(r() * 5)
                while s <= last and s < stop:
                    owed += est[s]
                    s += 1
                continue
            if owed:
                self._pay(aid, s, (owed + est[s] + 9999) // 10000 * 10000, "-lump", named=False)
                owed = 0
            else:
                self._pay(aid, s, (int(est[s] * (0.95 + r() * 0.1)) + 50) // 100 * 100)
            s += 1

    def _advance(self, aid, est, s_from, last) -> None:
        """Pays for three months at once, every third month."""
        for s in range(s_from, last + 1, 3):
            self._pay(aid, s, (est[s] * 3 + 9999) // 10000 * 10000, named=False)

    def _erratic(self, aid, s_from, last) -> None:
        r = self.r
        for s in range(s_from, last + 1):
            if r() < 0.5:
                self._pay(aid, s, (5 + int(r() * 46)) * 10000, named=False)     # 500 … 5 000 ₽

    # ---- opening balances ----------------------------------------------------------------------------------------
    def _balance(self, aid: str, service: str, kop: int) -> None:
        self.balances.append({"account": aid, "service": service, "period": self.start_period, "amount": rub(kop)})

    def _debts(self, aid: str, area_t: int, persons: int, months: int) -> None:
        """Debt carried over from the source system at the start of the history."""
        self._balance(aid, "maintenance", area_t * 318 * months)
        self._balance(aid, "capital_repair", area_t * 132 * months)
        self._balance(aid, "heating", area_t * 390 * months)
        self._balance(aid, "cold_water", persons * 18000 * months)
        self._balance(aid, "electricity", persons * 52000 * months)
