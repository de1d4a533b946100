"""Планшет контролёра: the meter reader's route, meter by meter, on the tablet's own database — nothing here needs a
server (the route was loaded with ``bcenter routes import``; the readings go back with ``routes export``).

For each stop: the address, the entrance and floor, the meter, the previous counted reading and the range expected
now (``app.meters.route_sheet``); the reader types the reading or reads it over the optical probe
(``app.meters.read_meter`` + ``save_read``, when the tablet was started with a probe) and sees the verdict of the
rules at once — kept, waiting for the office's confirmation, or refused with the reason (``app.meters.add_reading``,
source «контролёр»). A refused reading is kept too (facts are not lost): the office may accept it with a reason.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any

import flet as ft

from bcenter.app.meters import METER_ZONES, RESOURCE_NAMES, STATUS_NAMES, ZONE_NAMES, read_meter
from bcenter.app.users import ROLE_NAMES
from bcenter.core.quantity import parse_typed_decimal
from bcenter.ui.common import Failed, error_text, off_loop, signing_out, updating

BIG = 24
STATUS_COLORS = {"accepted": ft.Colors.GREEN_800, "confirmed": ft.Colors.GREEN_800,
                 "unconfirmed": ft.Colors.ORANGE_800, "rejected": ft.Colors.RED_700}


def _num(text: str) -> str:
    """1234.5 → «1234,5»: how a reader writes it."""
    return str(text).replace(".", ",")


def verdict_text(kept) -> str:
    """What the reader reads after saving: the standing and why."""
    head = {"accepted": "Показание принято", "confirmed": "Показание принято",
            "unconfirmed": "Показание сохранено, но ждёт подтверждения в конторе",
            "rejected": "Показание отклонено"}.get(kept.status, kept.status_name)
    why = [msg for _rule, severity, msg in kept.verdicts if severity != "note" or kept.status == "accepted"]
    return head + (": " + "; ".join(why) if why else "")


def build_tablet(page: ft.Page, signed, *, probe: dict | None = None, on_sign_out=None) -> dict:
    """The reader's tablet for ``signed`` on ``page``; ``probe`` — the optical probe's ``read_meter`` arguments
    (``port``, ``protocol`` …) or None. Returns refs."""
    app = signed.app
    state: dict[str, Any] = {"sheet": None, "at": 0, "saving": False}
    who = ft.Text(f"{signed.session.full_name} — {ROLE_NAMES.get(signed.session.role, signed.session.role)}",
                  key="who")
    leave = ft.TextButton("Выйти", icon=ft.Icons.LOGOUT, key="sign_out")
    routes = ft.Column(spacing=4, key="routes")
    error = error_text("tablet_error")
    error.size = 20

    position = ft.Text("", size=18, key="position")
    where = ft.Text("", size=BIG, weight=ft.FontWeight.BOLD, key="where")
    meter_text = ft.Text("", size=BIG - 2, key="meter")
    previous = ft.Text("", size=20, key="previous")
    expected = ft.Text("", size=20, key="expected")
    fields = ft.Column(spacing=8, key="fields")
    verdict = ft.Text("", size=22, weight=ft.FontWeight.BOLD, key="verdict")
    taken = ft.Column(spacing=2, key="taken")
    save = ft.Button("Сохранить", icon=ft.Icons.SAVE, key="save", height=64, width=220,
                     style=ft.ButtonStyle(text_style=ft.TextStyle(size=22)))
    read_probe = ft.Button("Считать зондом", icon=ft.Icons.SENSORS, key="probe", height=64, visible=probe is not None)
    back = ft.Button("Назад", icon=ft.Icons.ARROW_BACK, key="back", height=64, width=160)
    forward = ft.Button("Дальше", icon=ft.Icons.ARROW_FORWARD, key="forward", height=64, width=160)
    to_routes = ft.TextButton("К маршрутам", icon=ft.Icons.LIST, key="to_routes")
    summary = ft.Text("", size=20, key="summary")
    to_left = ft.Button("К неснятому", icon=ft.Icons.SKIP_NEXT, key="to_left", height=64, visible=False)
    stop_view = ft.Column([ft.Row([position, to_routes], alignment=ft.MainAxisAlignment.SPACE_BETWEEN), where,
                           meter_text, previous, expected, fields, ft.Row([save, read_probe]), verdict, taken,
                           ft.Row([back, forward]), summary, to_left], spacing=12, visible=False, key="stop")

    def stop() -> dict:
        return state["sheet"]["stops"][state["at"]]

    def not_taken() -> list[int]:
        """The stops with no counted reading this month, in walking order."""
        return [n for n, s in enumerate(state["sheet"]["stops"])
                if not any(r["status"] in ("accepted", "confirmed") for r in s.get("readings", []))]

    def show_progress() -> None:
        """Where the walk stands: the route done, or — at its last stop — how many meters are left and a way to the
        first of them (a reader at the end of the walk sees what was missed, not the last meter as if all was
        well)."""
        left, count = not_taken(), len(state["sheet"]["stops"])
        last = state["at"] >= count - 1
        if not left:
            summary.value, summary.color = f"Маршрут пройден: сняты все приборы ({count})", ft.Colors.GREEN_800
        elif last:
            summary.value, summary.color = (f"Последний прибор маршрута. Не сняты: {len(left)} из {count} — первый "
                                            f"прибор {left[0] + 1}"), ft.Colors.ORANGE_900
        else:
            summary.value = ""
        to_left.visible = bool(left) and last and left[0] != state["at"]

    def show_stop() -> None:
        s, sheet = stop(), state["sheet"]
        mt = s["meter"]
        position.value = f"{sheet['route']['name']}: прибор {state['at'] + 1} из {len(sheet['stops'])}"
        where.value = s["address"]
        place = [f"подъезд {s['entrance']}" if s.get("entrance") else "", f"этаж {s['floor']}" if s.get("floor")
                 else ""]
        meter_text.value = (f"№ {mt['serial']} — {RESOURCE_NAMES.get(mt['resource'], mt['resource'])}"
                            + (f" ({', '.join(p for p in place if p)})" if any(place) else ""))
        prev = s.get("previous")
        previous.value = ("Предыдущее: " + " / ".join(_num(v) for v in prev["values"].values())
                          + f" от {prev['date'][8:10]}.{prev['date'][5:7]}.{prev['date'][:4]}") if prev else \
            "Предыдущего показания нет"
        exp = s.get("expected") or {}
        expected.value = ("Ожидается: " + "; ".join(
            f"{ZONE_NAMES.get(z, z)} от {_num(r['low'])}" + (f" до {_num(r['high'])}" if r.get("high") else "")
            for z, r in exp.items())) if exp else ""
        zones = METER_ZONES.get(mt["zones"], METER_ZONES[1])
        fields.controls = [ft.TextField(label=ZONE_NAMES.get(z, z).capitalize(), data=z, key=f"value:{z}",
                                        text_size=BIG + 4, width=320, keyboard_type=ft.KeyboardType.NUMBER,
                                        autofocus=n == 0, on_submit=do_save, text_align=ft.TextAlign.RIGHT)
                           for n, z in enumerate(zones)]
        verdict.value = ""
        taken.controls = [ft.Text(f"{r['date'][8:10]}.{r['date'][5:7]}: "
                                  + " / ".join(_num(v) for v in r["values"].values())
                                  + f" — {STATUS_NAMES.get(r['status'], r['status'])}", size=18)
                          for r in s.get("readings", [])]
        back.disabled = state["at"] == 0
        forward.disabled = state["at"] >= len(sheet["stops"]) - 1
        show_progress()
        routes.visible, stop_view.visible = False, True

    async def load_routes(_e=None) -> None:
        error.value = ""
        try:
            found = await off_loop(app.meters.routes)
        except Failed as exc:
            error.value = exc.message
            return
        routes.controls = [ft.Text("Маршруты", size=BIG, weight=ft.FontWeight.BOLD)] + [
            ft.ListTile(title=ft.Text(r.name, size=22), key=f"route:{r.name}", data=r.name, on_click=open_route,
                        subtitle=ft.Text(f"снято {r.taken} из {r.stops}"
                                         + (f", не принято {r.refused}" if r.refused else "")))
            for r in found] if found else [ft.Text(
                "На планшете нет маршрутов: загрузите файл маршрута из конторы — bcenter routes import ФАЙЛ", size=20)]
        routes.visible, stop_view.visible = True, False

    async def open_route(e) -> None:
        error.value = ""
        try:
            state["sheet"] = await off_loop(app.meters.route_sheet, e.control.data)
        except Failed as exc:
            error.value = exc.message
            return
        if not state["sheet"]["stops"]:
            error.value = "В маршруте нет приборов"
            return
        # the first stop with nothing counted this month: where the reader stopped last time (the route done: the
        # first stop, and the summary says so)
        state["at"] = next(iter(not_taken()), 0)
        show_stop()

    def kept_shown(kept) -> None:
        verdict.value = verdict_text(kept)
        verdict.color = STATUS_COLORS.get(kept.status)
        stop().setdefault("readings", []).append({"date": kept.day.isoformat(), "status": kept.status,
                                                  "values": {z: str(v) for z, v in kept.values.items()}})
        taken.controls.append(ft.Text(f"{kept.day:%d.%m}: {kept.values_text()} — {kept.status_name}", size=18))
        show_progress()

    def saved_today(values: dict[str, str]) -> bool:
        """The stop has today's reading with these very values (the reader tapped «Сохранить» again)."""
        try:
            typed = {z: parse_typed_decimal(v) for z, v in values.items()}
        except Exception:  # noqa: BLE001 - a typo: the service says what is wrong
            return False
        today = app.clock.today().isoformat()
        return any(r["date"] == today and {z: Decimal(v) for z, v in r["values"].items()} == typed
                   for r in stop().get("readings", []))

    async def do_save(_e=None) -> None:
        if state["saving"]:
            return  # a second tap while the first is being kept
        error.value = ""
        values = {f.data: (f.value or "").strip() for f in fields.controls}
        if saved_today(values):
            error.value = "Это показание уже сохранено: исправленное наберите заново, к следующему прибору — «Дальше»"
            return
        state["saving"] = save.disabled = True
        try:
            kept = await off_loop(app.meters.add_reading, stop()["meter"]["id"], values, source="inspector")
        except Failed as exc:
            verdict.value = ""
            error.value = exc.message
            return
        finally:
            state["saving"] = save.disabled = False
        kept_shown(kept)

    async def do_probe(_e=None) -> None:
        error.value = ""
        verdict.value = "Читаю прибор…"
        page.update()
        try:
            reading = await off_loop(read_meter, **probe)
            kept = await off_loop(app.meters.save_read, reading, stop()["meter"]["id"])
        except Failed as exc:
            verdict.value = ""
            error.value = exc.message
            return
        for f in fields.controls:
            f.value = _num(str(kept.values.get(f.data, "")))
        kept_shown(kept)

    def step(by: int):
        def go(_e=None) -> None:
            state["at"] = max(0, min(len(state["sheet"]["stops"]) - 1, state["at"] + by))
            error.value = ""
            show_stop()
        return go

    def go_left(_e=None) -> None:
        state["at"] = next(iter(not_taken()), state["at"])
        error.value = ""
        show_stop()

    load_routes, open_route, do_save = (updating(page, h) for h in (load_routes, open_route, do_save))
    do_probe = updating(page, do_probe, once=True)
    sign_out = signing_out(page, signed, on_sign_out)
    save.on_click, read_probe.on_click = do_save, do_probe
    back.on_click, forward.on_click = step(-1), step(1)
    to_routes.on_click = load_routes
    to_left.on_click = go_left
    leave.on_click = sign_out
    page.title = "Биллинговый Центр — планшет контролёра"
    page.scroll = ft.ScrollMode.AUTO
    page.add(ft.Row([ft.Text("Обход", size=26, weight=ft.FontWeight.BOLD), who, leave],
                    alignment=ft.MainAxisAlignment.SPACE_BETWEEN), routes, stop_view, error)
    return {"who": who, "routes": routes, "stop": stop_view, "position": position, "where": where,
            "meter": meter_text, "previous": previous, "expected": expected, "fields": fields, "save": save,
            "probe": read_probe, "verdict": verdict, "taken": taken, "back": back, "forward": forward,
            "error": error, "load_routes": load_routes, "to_routes": to_routes, "sign_out": leave,
            "summary": summary, "to_left": to_left}


__all__ = ["build_tablet", "verdict_text"]
