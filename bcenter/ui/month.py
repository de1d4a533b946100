"""Месяц: calculate with progress and a «Остановить» button, what was recalculated and why, close the month.

The screen asks ``app.month.overview`` first — a role without the month's permission (a cashier) is refused by the
service and the screen shows that refusal, not an empty form. Long jobs run in a worker with a ``Job``; the event
loop polls its counters a few times a second for the progress bar (the worker never touches the page), and
«Остановить» cancels at the job's next safe point (whatever was committed is whole; a rerun finishes the rest).
"""
from __future__ import annotations

import time
from collections import Counter
from typing import Any

import flet as ft

from bcenter.app import Job
from bcenter.core.period import Period
from bcenter.ui.common import Failed, error_text, moment_ru, off_loop, rub, updating, with_job

DOUBLE_CLICK = 0.6
"""Seconds after «Закрыть месяц» asks within which a press is the second click of a double click, not the answer:
both clicks reach the server before the browser shows the question."""


def _recalc_summary(app, period: Period, limit: int = 12) -> list[str]:
    """The period's recalculation lines grouped by the month they correct and their reason: «2026-08: показание …
    — 3 строки, 412,08 ₽»."""
    grouped: Counter = Counter()
    amounts: Counter = Counter()
    for ln in app.month.charges(period).lines:
        if ln.corrects_period is not None:
            key = (str(ln.corrects_period), ln.reason or "—")
            grouped[key] += 1
            amounts[key] += ln.amount
    return [f"{p}: {reason} — строк {n}, {rub(amounts[(p, reason)])} ₽" for (p, reason), n in grouped.most_common(limit)]


def build_month(page: ft.Page, app) -> tuple[ft.Control, dict]:
    """The month section (a control to place) over ``app`` acting as the signed-in user, and its refs; call
    ``refs["load"]()`` to fill it."""
    state: dict[str, Any] = {"job": None, "closing": None, "asked": 0.0}  # closing: the month the question named
    period = ft.TextField(label="Период (ГГГГ-ММ)", width=200, key="month_period")
    status = ft.Text("", key="month_status")
    calc = ft.Button("Рассчитать", icon=ft.Icons.CALCULATE, key="month_calc")
    stop = ft.OutlinedButton("Остановить", icon=ft.Icons.STOP, key="month_stop", visible=False)
    close = ft.OutlinedButton("Закрыть месяц", icon=ft.Icons.LOCK, key="month_close")
    progress = ft.ProgressBar(width=480, value=0, visible=False, key="month_progress")
    progress_text = ft.Text("", key="month_progress_text")
    result = ft.Column(spacing=4, key="month_result")
    runs = ft.Column(spacing=2, key="month_runs")
    error = error_text("month_error")

    def shown(overview) -> None:
        period.value = period.value or str(overview.current)
        status.value = (f"Открыт: {', '.join(str(p) for p in overview.open) or '—'}; последний закрытый: "
                        f"{overview.last_closed or '—'}")
        runs.controls = [ft.Text("Последние расчёты", weight=ft.FontWeight.BOLD)] + [
            ft.Text(f"{r.period}: начат {moment_ru(r.started_at)}, "
                    + (f"строк {r.lines}, домов {r.houses_ok}" + (f", не рассчитано {r.houses_failed}"
                                                                  if r.houses_failed else "")
                       if r.finished_at else "не завершён") + f" — {r.actor}", size=13)
            for r in overview.runs]

    async def load(_e=None) -> None:
        error.value = ""
        try:
            shown(await off_loop(app.month.overview))
            calc.disabled = close.disabled = period.disabled = False
        except Failed as exc:
            error.value = exc.message
            calc.disabled = close.disabled = period.disabled = True

    def chosen() -> Period:
        try:
            return Period.parse((period.value or "").strip())
        except Exception as exc:  # noqa: BLE001 - said at the field
            raise Failed(f"Период: «{period.value}» — укажите месяц как ГГГГ-ММ, например 2026-11") from exc

    async def run(call, what: str, **kwargs):
        """``call`` in a worker with a job; the bar follows it; returns its result (``Failed`` when refused,
        failed or stopped)."""
        job = Job()
        state["job"] = job
        progress.value, progress.visible, stop.visible = 0, True, True
        calc.disabled = close.disabled = True
        progress_text.value = f"{what}…"
        page.update()

        def shown(job) -> None:
            progress.value = min(job.done / job.size, 1.0)
            progress_text.value = f"{what}: {job.done} из {job.size}"

        try:
            return await with_job(page, job, call, on_progress=shown, **kwargs)
        finally:
            state["job"] = None
            progress.visible, stop.visible = False, False
            progress_text.value = ""
            calc.disabled = close.disabled = False

    async def do_calc(_e=None) -> None:
        error.value = ""
        result.controls = []
        state["closing"] = None
        close.content = "Закрыть месяц"
        try:
            month = chosen()
            done = await run(app.month.calc, "Расчёт", period=month)
            recalcs = await off_loop(_recalc_summary, app, month)
            shown(await off_loop(app.month.overview))
        except Failed as exc:
            error.value = exc.message
            return
        lines = [ft.Text(f"Расчёт {done.period} выполнен: домов {done.houses_ok}, "
                         + (f"проведено строк {done.lines} на {rub(sum(done.amounts.values()))} ₽" if done.lines else
                            "ничего не изменилось — проведённые начисления верны"),
                         key="month_done", weight=ft.FontWeight.BOLD)]
        lines += [ft.Text(f"Не рассчитан дом {house}: {'; '.join(gaps)}", color=ft.Colors.ORANGE_800)
                  for house, gaps in done.failed]
        if done.recalculated_periods:
            lines.append(ft.Text("Перерасчёт прошлых месяцев: " + ", ".join(sorted(done.recalculated_periods))))
        if recalcs:
            lines.append(ft.Text("Перерасчёты в этом месяце и их причины:", weight=ft.FontWeight.BOLD))
            lines += [ft.Text(t, size=13) for t in recalcs]
        result.controls = lines

    def do_stop(_e=None) -> None:
        if state["job"] is not None:
            state["job"].cancel()
            progress_text.value = "Останавливаю…"

    async def do_close(_e=None) -> None:
        error.value = ""
        try:
            month = chosen()
        except Failed as exc:
            error.value = exc.message
            return
        if state["closing"] == month and time.monotonic() - state["asked"] < DOUBLE_CLICK:
            return  # a double click's second click: the question stands
        if state["closing"] != month:  # the second press closes the month named: a month closes once and for good
            state["closing"], state["asked"] = month, time.monotonic()
            close.content = f"Закрыть {month} окончательно"
            result.controls = [ft.Text(f"После закрытия в {month} ничего не проводится; исправления пойдут "
                                       "перерасчётом в следующем месяце. Нажмите ещё раз, чтобы закрыть.",
                                       key="month_confirm")]
            return
        state["closing"] = None
        close.content = "Закрыть месяц"
        try:
            closed = await run(app.month.close, "Закрытие", period=month)
            period.value = ""
            shown(await off_loop(app.month.overview))
        except Failed as exc:
            error.value = exc.message
            return
        result.controls = [ft.Text(f"Период {closed.period} закрыт: строк сальдо {closed.rows}", key="month_closed",
                                   weight=ft.FontWeight.BOLD)]

    load = updating(page, load)
    do_calc, do_close = updating(page, do_calc, once=True), updating(page, do_close, once=True)
    calc.on_click, stop.on_click, close.on_click = do_calc, do_stop, do_close
    section = ft.Column([ft.Text("Месяц", size=20, weight=ft.FontWeight.BOLD), status,
                         ft.Row([period, calc, stop, close]), progress, progress_text, error, result, ft.Divider(),
                         runs], spacing=10, key="month")
    return section, {"period": period, "status": status, "calc": calc, "stop": stop, "close": close,
                     "progress": progress, "progress_text": progress_text, "result": result, "runs": runs,
                     "error": error, "load": load, "state": state}


__all__ = ["build_month"]
