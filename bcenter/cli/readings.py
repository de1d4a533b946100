"""``bcenter readings …`` and ``bcenter routes …``: meter readings through the validation rules, and readers'
routes — over ``bcenter.app.meters``."""
from __future__ import annotations

from pathlib import Path

import click

from bcenter.cli import Context, _show, cli, db_option

ZONE_OPTIONS = (("value", "total"), ("day", "day"), ("night", "night"), ("peak", "peak"), ("half_peak", "half_peak"))
ZONE_FLAGS = {zone: "--" + option.replace("_", "-") for option, zone in ZONE_OPTIONS}
"""The option of ``readings add`` that types each zone: a correction's hint names the meter's own zones."""


def verdict_lines(kept) -> list[str]:
    """A kept reading for people: what, when, its standing and every verdict."""
    lines = [f"Показание прибора № {kept.meter} от {kept.day:%d.%m.%Y}: {kept.values_text()} — {kept.status_name} "
             f"(код {kept.code})"]
    for _rule, severity, message in kept.verdicts:
        mark = {"reject": "отклонено", "confirm": "проверьте", "note": "замечание"}.get(severity, severity)
        lines.append(f"  {mark}: {message}")
    if kept.decision:
        d = kept.decision
        lines.append(f"  принято {d.get('by')} {d.get('on')}: {d.get('reason')}")
    if kept.status in ("rejected", "unconfirmed"):
        lines.append("  Показание сохранено, но в расчёт не идёт: месяц считается по среднему (затем по нормативу)."
                     + (f" Принять: bcenter readings accept {kept.code} --reason «…»"
                        if kept.status == "unconfirmed" or not any(v[0] in ("too_many_digits", "zones_mismatch",
                                                                            "below_previous", "above_next")
                                                                   for v in kept.verdicts)
                        else f" Исправить: bcenter readings add --meter {kept.meter} --date {kept.day.isoformat()} "
                             + " ".join(f"{ZONE_FLAGS.get(z, '--value')} …" for z in kept.values or {"total": 0})))
    return lines


def reading_dict(kept) -> dict:
    return {"id": kept.id, "meter": kept.meter, "date": kept.day.isoformat(), "period": kept.period,
            "source": kept.source, "values": {z: str(v) for z, v in kept.values.items()}, "status": kept.status,
            "verdicts": [{"rule": r, "severity": s, "message": m} for r, s, m in kept.verdicts],
            "decision": kept.decision}


@cli.group()
def readings() -> None:
    """Показания приборов учёта: ввод через правила проверки, список, принятие отклонённых."""


@readings.command("add")
@db_option
@click.option("--meter", required=True, metavar="НОМЕР", help="Заводской номер прибора (или его код обмена).")
@click.option("--value", default=None, metavar="ЧИСЛО", help="Показание однотарифного прибора.")
@click.option("--day", default=None, metavar="ЧИСЛО", help="Двухтарифный: день (Т1).")
@click.option("--night", default=None, metavar="ЧИСЛО", help="Ночь (Т2).")
@click.option("--peak", default=None, metavar="ЧИСЛО", help="Трёхтарифный: пик (Т1).")
@click.option("--half-peak", "half_peak", default=None, metavar="ЧИСЛО", help="Полупик (Т3).")
@click.option("--date", "day_", type=click.DateTime(["%Y-%m-%d", "%d.%m.%Y"]), default=None,
              help="Дата снятия (по умолчанию — сегодня).")
@click.option("--period", default=None, metavar="ГГГГ-ММ", help="Месяц, который показание закрывает (если не месяц даты).")
@click.option("--source", type=click.Choice(["resident", "inspector", "device", "bank", "import"]), default="resident",
              show_default=True, help="Кто передал: житель, контролёр, прибор …")
@click.option("--rollover", is_flag=True, help="Подтвердить переход счётчика через ноль.")
@click.option("--json", "as_json", is_flag=True, help="Вывести в JSON.")
@click.pass_obj
def add(obj: Context, meter: str, value, day, night, peak, half_peak, day_, period, source, rollover,
        as_json: bool) -> None:
    """Ввести показание: оно проверяется правилами и сохраняется всегда — с вердиктом."""
    given = {"total": value, "day": day, "night": night, "peak": peak, "half_peak": half_peak}
    kept = obj.app.meters.add_reading(meter, {z: v for z, v in given.items() if v is not None},
                                      day=day_.date() if day_ else None, source=source, period=period,
                                      rollover=rollover)
    _show(kept, as_json, reading_dict, verdict_lines)


@readings.command("list")
@db_option
@click.option("--meter", default=None, metavar="НОМЕР", help="Показания этого прибора.")
@click.option("--account", default=None, metavar="НОМЕР", help="Показания приборов лицевого счёта.")
@click.option("--status", type=click.Choice(["all", "pending", "rejected", "unconfirmed", "counted", "confirmed"]),
              default="all", show_default=True, help="pending — отклонённые и ждущие подтверждения.")
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Вывести в JSON.")
@click.pass_obj
def list_(obj: Context, meter, account, status, limit, as_json: bool) -> None:
    """Показания — последние сначала — с их статусом и причинами."""
    from bcenter.app.meters import SOURCE_NAMES

    found = obj.app.meters.readings(meter=meter, account=account, status=status, limit=limit)

    def text(rows) -> list[str]:
        if not rows:
            hint = ("Все показания: bcenter readings list" if status != "all" else
                    "Ввести: bcenter readings add --meter НОМЕР --value …")
            return [f"Показаний не найдено. {hint}"]
        lines = []
        for k in rows:
            lines.append(f"{k.code}  {k.day:%d.%m.%Y}  № {k.meter}: {k.values_text()} — {k.status_name} "
                         f"({SOURCE_NAMES.get(k.source, k.source)})")
            lines += [f"          {m}" for _r, s, m in k.verdicts if s != "note" or k.status != "accepted"]
            if k.decision:
                lines.append(f"          принято {k.decision.get('by')} {k.decision.get('on')}: "
                             f"{k.decision.get('reason')}")
        return lines

    _show(found, as_json, lambda rows: [reading_dict(k) for k in rows], text)


@readings.command("accept")
@db_option
@click.argument("reading_id", metavar="КОД")
@click.option("--reason", required=True, metavar="ТЕКСТ", help="Почему показание принимается (остаётся в журнале).")
@click.option("--json", "as_json", is_flag=True, help="Вывести в JSON.")
@click.pass_obj
def accept(obj: Context, reading_id: str, reason: str, as_json: bool) -> None:
    """Принять отклонённое или ждущее подтверждения показание: оно пойдёт в расчёт, месяц пересчитается."""
    kept = obj.app.meters.accept_reading(reading_id, reason=reason)

    def text(k) -> list[str]:
        return verdict_lines(k) + ["Месяц пересчитается при следующем расчёте: bcenter calc"]

    _show(kept, as_json, reading_dict, text)


@cli.group()
def routes() -> None:
    """Маршруты контролёров: обход приборов по порядку, файл для планшета и его загрузка обратно."""


def _route_line(r) -> str:
    who = f", контролёр {r.reader}" if r.reader else ""
    refused = f", из них не принято {r.refused}" if r.refused else ""
    return f"«{r.name}»{who}: снято {r.progress}{refused}"


@routes.command("make")
@db_option
@click.option("--name", required=True, metavar="НАЗВАНИЕ")
@click.option("--house", "houses", multiple=True, required=True, metavar="КОД",
              help="Дом маршрута (код дома); несколько — в порядке обхода.")
@click.option("--reader", default=None, metavar="ФИО", help="Контролёр.")
@click.pass_obj
def make(obj: Context, name: str, houses: tuple[str, ...], reader: str | None) -> None:
    """Составить маршрут: приборы квартир по домам, подъездам, этажам и квартирам."""
    info = obj.app.meters.make_route(name=name, houses=list(houses), reader=reader)
    click.echo(f"Маршрут «{info.name}»: {info.stops} приборов. Файл для планшета: bcenter routes export "
               f"\"{info.name}\" --out маршрут.json")


@routes.command("list")
@db_option
@click.option("--period", default=None, metavar="ГГГГ-ММ", help="Месяц обхода (по умолчанию текущий).")
@click.option("--json", "as_json", is_flag=True, help="Вывести в JSON.")
@click.pass_obj
def list_routes(obj: Context, period: str | None, as_json: bool) -> None:
    """Маршруты и ход обхода: сколько приборов уже снято."""
    found = obj.app.meters.routes(period=period)

    def text(rows) -> list[str]:
        if not rows:
            return ["Маршрутов нет. Составить: bcenter routes make --name «Обход 1» --house КОД_ДОМА"]
        return [_route_line(r) for r in rows]

    _show(found, as_json, lambda rows: [{"id": r.id, "name": r.name, "reader": r.reader, "stops": r.stops,
                                         "taken": r.taken, "refused": r.refused} for r in rows], text)


@routes.command("export")
@db_option
@click.argument("name", metavar="МАРШРУТ")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="Файл маршрута (JSON).")
@click.option("--period", default=None, metavar="ГГГГ-ММ", help="Месяц обхода (по умолчанию текущий).")
@click.pass_obj
def export(obj: Context, name: str, out: Path, period: str | None) -> None:
    """Выгрузить маршрут в файл для планшета: приборы по порядку, прежние показания, ожидаемый диапазон."""
    info = obj.app.meters.export_route(name, out, period=period)
    click.echo(f"{out}: {_route_line(info)}")


@routes.command("import")
@db_option
@click.argument("path", metavar="ФАЙЛ", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_obj
def import_(obj: Context, path: Path) -> None:
    """Загрузить файл маршрута с показаниями: всё или ничего; повторная загрузка ничего не добавит."""
    done = obj.app.meters.import_route(path)
    lines = [f"Маршрут «{done.route}»" + (" загружен" if done.route_created else "") +
             f": новых показаний {len(done.added)}, уже были {done.already}"]
    for k in done.added:
        if k.status != "accepted":
            lines += verdict_lines(k)
    for line in lines:
        click.echo(line)
