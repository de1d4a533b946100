"""No handler blocks the event loop for more than 100 ms on the demo town (issue 16): the office, the kiosk and the
tablet go through their main actions on a 300-account demo town while every step the loop runs is timed — in the
loop thread's CPU time (``time.thread_time``), so a busy CI machine or a worker holding the GIL does not count as the
handler's —, and every use case of ``bcenter.app`` the screens call is wrapped to record the thread it ran on: none
on the loop's. A canary step that burns 1.5 budgets proves the measure sees a blocking step. Each event from the
client (a key, a click) and each screen's building is a step of its own, named by what the test did; the budget is
100 ms at this machine's usual speed, scaled by how slowly a fixed piece of work runs around the steps
(``PACE_REFERENCE``).

The heap is frozen (``gc.freeze``) before the steps are timed: a test worker's heap holds what every earlier test
left behind, and a full collection over it once cost the step that happened to trigger it 100 ms on CI (a step
measured at 48 ms alone) — the test process's pause, not the screen's. Collections of what the screens allocate
still count."""
from __future__ import annotations

import asyncio
import gc
import itertools
import statistics
import threading
import time
from decimal import Decimal

import pytest

from drivers import sim
from drivers.sim.escpos_printer import EscposModel
from drivers.sim.shtrih_kkt import ShtrihModel
from tests.finance.towns import TODAY, demo_town
from tests.ui.conftest import by_key, new_session
from tests.ui.towns import USERS

from bcenter.ui.kiosk import build_kiosk
from bcenter.ui.office import build_office
from bcenter.ui.tablet import build_tablet

BUDGET = 0.100
CASES = ("registry", "month", "finance", "payments", "meters", "cash", "users")
_n = itertools.count()


@pytest.fixture(scope="module")
def town(tmp_path_factory):
    app = demo_town(tmp_path_factory.mktemp("budget") / "town.db", accounts=300, seed=4)
    for login, (name, role, password) in USERS.items():
        app.users.add(login=login, full_name=name, roles=[role], password=password)
    app.meters.make_route(name="Обход 1", houses=[h for (h,) in app.db.execute_sql(
        'SELECT ext_id FROM "house" ORDER BY ext_id LIMIT 2')])
    facts = {"street": app.registry.search("Ленина", limit=1)[0],
             "debtor": max(app.finance.debts(as_of=app.clock.today()).accounts, key=lambda a: a.total).account}
    yield app, facts
    app.close()


def _spied(signed, calls: list) -> None:
    """Every public use case of the signed-in app records (name, thread) when it runs."""
    for name in CASES:
        cases = getattr(signed.app, name)
        for attr in dir(type(cases)):
            if attr.startswith("_") or attr == "desk" or not callable(getattr(type(cases), attr)):
                continue
            method = getattr(cases, attr)

            def spy(*a, __m=method, __n=f"{name}.{attr}", **kw):
                calls.append((__n, threading.current_thread() is threading.main_thread()))
                return __m(*a, **kw)

            setattr(cases, attr, spy)


async def _type(session, field, text: str) -> None:
    await asyncio.sleep(0)  # an event from the client is a step of its own, not the tail of the test's last one
    MARKS.append(f"type {field.key}={text!r}")
    session.apply_patch(field._i, {"value": text})
    await session.dispatch_event(field._i, "change", text)


async def _click(session, control) -> None:
    await asyncio.sleep(0)
    MARKS.append(f"click {control.key}")
    await session.dispatch_event(control._i, "click", None)


@pytest.fixture
def steps(monkeypatch):
    """(CPU seconds, the step) of every step the event loop runs (``asyncio.Handle._run``), with the heap frozen
    while they are timed."""
    timed: list[tuple[float, str]] = []
    gc.collect()
    gc.freeze()
    real = asyncio.Handle._run

    def run(handle):
        t0, marked = time.thread_time(), len(MARKS)
        try:
            return real(handle)
        finally:
            timed.append((time.thread_time() - t0, " ".join(MARKS[marked:])
                          or f"after {MARKS[-1] if MARKS else '—'}: {repr(handle)[:60]}"))

    monkeypatch.setattr(asyncio.Handle, "_run", run)
    yield timed
    gc.unfreeze()


MARKS: list[str] = []
"""What the test says it is doing: a step during which a mark is added is named by it."""


PACE_REFERENCE = 0.017
"""CPU seconds of ``_pace_work`` on the development machine at its usual speed (the least of many runs). This
machine's CPU runs at half that speed or less for seconds at a time — the same work took 17 to 64 ms within minutes
(2026-12-07), and CI's run of this test found a step of two events at 133 ms that passed the nights before —, so
the budget is the issue's 100 ms at the usual speed: scaled by the median pace measured around the steps, never below
100 ms.
A canary step of 1.5 budgets still proves the measure sees a blocking step."""


def _pace_work() -> None:
    total: dict = {}
    for i in range(20_000):
        key = f"k{i % 997}"
        total[key] = total.get(key, Decimal(0)) + Decimal(i) / 7


async def _pace(factors: list[float]) -> None:
    """The machine's slowness now (the least of five runs of ``_pace_work`` over ``PACE_REFERENCE``), measured in
    a step of its own (named «pace», not held to the budget)."""
    await asyncio.sleep(0)
    MARKS.append("pace")
    best = min(_timed(_pace_work) for _ in range(5))
    factors.append(best / PACE_REFERENCE)
    await asyncio.sleep(0)


def _timed(fn) -> float:
    t0 = time.thread_time()
    fn()
    return time.thread_time() - t0


def _warm_up(signed) -> None:
    """The office built once, untimed, on a page of its own: the first screen a process builds sets flet's control
    classes up (130–190 ms of CPU here, once per process, before the first user connects); CI's test workers have
    built screens in earlier tests, a lone run of this test has not — both now time the same thing."""
    other = new_session()  # held: a page keeps its session only weakly
    build_office(other.page, signed)


def _burn(seconds: float) -> None:
    t0 = time.thread_time()
    while time.thread_time() - t0 < seconds:
        pass


@pytest.mark.asyncio
async def test_no_handler_blocks_the_loop_for_100_ms(town, page, session, steps):
    app, facts = town
    calls: list = []
    signed, cashier, reader = (app.users.sign_in(login, USERS[login][2]) for login in ("oper", "kassa", "obhod"))
    for one in (signed, cashier, reader):
        _spied(one, calls)
    _warm_up(signed)
    await asyncio.sleep(0)  # steps are timed from the next one on
    steps.clear()
    pace: list[float] = []
    await _pace(pace)
    if True:
        MARKS.append("build office")
        office = build_office(page, signed)
        found = facts["street"]
        for typed in ("Ле", "Лени", "Ленина", f"Ленина {found.number}"):
            await _type(session, office["query"], typed)
        await _click(session, office["results"].controls[0])
        table = by_key(office["card"], "card_lines")
        await asyncio.sleep(0)
        MARKS.append("select card_lines")
        await session.dispatch_event(table.rows[0]._i, "select_change", "true")
        await _click(session, by_key(office["nav"], "nav:month"))
        await _click(session, office["month"]["calc"])
        assert office["month"]["error"].value == ""
        await _click(session, by_key(office["nav"], "nav:readings"))
        await _click(session, by_key(office["nav"], "nav:payments"))

        await _pace(pace)
        page.controls.clear()
        kkt, printer = ShtrihModel(now=lambda: TODAY.replace(tzinfo=None)), EscposModel()
        n = next(_n)
        MARKS.append("build kiosk")
        kiosk = build_kiosk(page, cashier, register=sim.register(f"budget-kkt{n}", kkt) + "#timeout=0.05",
                            printer=sim.register(f"budget-printer{n}", printer))
        await kiosk["load_shift"]()
        await _click(session, kiosk["open_shift"])
        await _type(session, kiosk["find"], facts["debtor"])
        await _click(session, kiosk["find_button"])
        await _type(session, kiosk["amount"], "3000")
        await _type(session, kiosk["given"], "5000")
        await _click(session, kiosk["pay"])
        assert kiosk["done"].visible, kiosk["error"].value

        await _pace(pace)
        page.controls.clear()
        MARKS.append("build tablet")
        tablet = build_tablet(page, reader)
        await tablet["load_routes"]()
        await _click(session, by_key(tablet["routes"], "route:Обход 1"))
        field = tablet["fields"].controls[0]
        low = Decimal(tablet["previous"].value.split()[1].replace(",", "."))
        await _type(session, field, str(low + 1))
        await _click(session, tablet["save"])
        assert tablet["verdict"].value.startswith("Показание")
    await _pace(pace)
    budget = BUDGET * max(1.0, statistics.median(pace))  # the 100 ms at the machine's usual speed
    await asyncio.sleep(0)
    MARKS.append("canary")
    _burn(budget * 1.5)
    await asyncio.sleep(0)
    slow = [(round(dt, 3), step) for dt, step in steps if dt >= budget and step != "pace"]
    print(f"budget {budget:.3f} s (pace {', '.join(f'{f:.2f}' for f in pace)}); slowest steps (CPU s):",
          sorted(((round(dt, 3), st) for dt, st in steps if st not in ("pace", "canary")), reverse=True)[:5])
    assert [step for _dt, step in slow] == ["canary"], slow  # the canary, and nothing else
    assert len(steps) > 50
    names = {n for n, _ in calls}
    assert {"registry.search", "month.calc", "cash.pay", "meters.add_reading", "payments.suspense"} <= names
    assert not [n for n, on_loop in calls if on_loop], "use cases run on the event loop's thread"
