"""Показания в конторе: a reading entered by hand (a resident phoned, a paper from the box) and the readings the
rules kept out — waiting for confirmation or rejected — accepted by a person with a reason (``app.meters``).

A reading is typed as one field in the meter's zone order («1234,5», «день/ночь» «1234,5/567»); the meter is found
first (``app.meters.show``) so the zones are the meter's, and the verdict of the rules is shown at once."""
from __future__ import annotations

import flet as ft

from bcenter.app import UsageError
from bcenter.app.meters import METER_ZONES, SOURCE_NAMES, ZONE_NAMES
from bcenter.ui.common import Failed, error_text, off_loop, updating

SHOWN = 30


def _enter(app, meter: str, text: str, source: str):
    """Find the meter, split the typed values by its zones, keep the reading through the rules."""
    info, _life = app.meters.show(meter)
    zones = METER_ZONES.get(info.zones, METER_ZONES[1])
    parts = [p.strip() for p in (text or "").split("/")]
    if not text or len(parts) != len(zones) or not all(parts):
        wanted = " / ".join(ZONE_NAMES[z] for z in zones)
        raise UsageError(f"Показание: у прибора № {info.serial} нужно {wanted}"
                     + (" через «/»" if len(zones) > 1 else ""))
    return app.meters.add_reading(info.id, dict(zip(zones, parts)), source=source)


def build_readings(page: ft.Page, app) -> tuple[ft.Control, dict]:
    """The readings section over ``app`` and its refs; ``refs["load"]()`` fills the list of readings kept out."""
    meter = ft.TextField(label="Прибор (заводской номер)", width=260, key="reading_meter")
    value = ft.TextField(label="Показание (день/ночь — через «/»)", width=300, key="reading_value",
                         text_align=ft.TextAlign.RIGHT)
    source = ft.Dropdown(label="Откуда", width=220, value="resident", key="reading_source",
                         options=[ft.DropdownOption(key=k, text=v) for k, v in SOURCE_NAMES.items()
                                  if k in ("resident", "inspector")])
    add = ft.Button("Сохранить", icon=ft.Icons.SAVE, key="reading_add")
    verdict = ft.Text("", key="reading_verdict", weight=ft.FontWeight.BOLD)
    pending = ft.Column(spacing=6, key="pending")
    error = error_text("readings_error")

    async def do_add(_e=None) -> None:
        error.value = verdict.value = ""
        try:
            kept = await off_loop(_enter, app, (meter.value or "").strip(), value.value or "", source.value)
        except Failed as exc:
            error.value = exc.message
            return
        reasons = "; ".join(msg for _rule, severity, msg in kept.verdicts if severity != "note")
        verdict.value = f"Показание {kept.values_text()} — {kept.status_name}" + (f": {reasons}" if reasons else "")
        verdict.color = ft.Colors.GREEN_800 if kept.counted else ft.Colors.RED_700
        value.value = ""
        await load()

    async def load(_e=None) -> None:
        try:
            rows = await off_loop(app.meters.readings, status="pending", limit=SHOWN)
        except Failed as exc:
            error.value = exc.message
            pending.controls = []
            return
        pending.controls = [ft.Text("Не учтены — ждут решения" if rows else "Все показания учтены",
                                    weight=ft.FontWeight.BOLD, key="pending_head")]
        for k in rows:
            why = "; ".join(msg for _rule, severity, msg in k.verdicts if severity != "note")
            reason = ft.TextField(label="Причина принятия", width=300, key=f"accept_reason:{k.code}")
            button = ft.OutlinedButton("Принять", key=f"accept:{k.code}", data=(k.id, reason), on_click=accept)
            pending.controls.append(ft.Row([ft.Text(f"{k.day:%d.%m.%Y}  № {k.meter}: {k.values_text()} — "
                                                    f"{k.status_name}" + (f" ({why})" if why else ""), expand=True),
                                            reason, button], key=f"pending:{k.code}"))

    async def accept(e) -> None:
        error.value = ""
        rid, reason = e.control.data
        try:
            kept = await off_loop(app.meters.accept_reading, rid, reason=(reason.value or "").strip())
        except Failed as exc:
            error.value = exc.message
            return
        await load()
        pending.controls.insert(1, ft.Text(f"Показание {kept.values_text()} прибора № {kept.meter} принято",
                                           color=ft.Colors.GREEN_800, key="accepted"))

    do_add, load, accept = updating(page, do_add, once=True), updating(page, load), updating(page, accept, once=True)
    add.on_click = value.on_submit = do_add
    section = ft.Column([ft.Text("Показания", size=20, weight=ft.FontWeight.BOLD),
                         ft.Row([meter, value, source, add], wrap=True), verdict, error, ft.Divider(), pending],
                        spacing=10, key="readings")
    return section, {"meter": meter, "value": value, "source": source, "add": add, "verdict": verdict,
                     "pending": pending, "error": error, "load": load}


__all__ = ["build_readings"]
