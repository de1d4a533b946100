"""``bcenter meters …``: meters read over serial lines — over ``bcenter.app.meters``."""
from __future__ import annotations

import click

from bcenter.cli import Context, _show, cli, db_option


@cli.group()
def meters() -> None:
    """Приборы учёта: чтение счётчиков по линии связи (оптопорт, RS-485)."""


def _number(value) -> str:
    text = f"{value:,}".replace(",", "\u00a0").replace(".", ",")
    return text


@meters.command("read")
@click.option("--port", required=True, metavar="URL",
              help="Линия: /dev/ttyUSB0, socket://host:port, sim://mercury230 (имитатор).")
@click.option("--protocol", required=True, type=click.Choice(["mercury230", "iec62056-21", "mbus"]),
              help="Протокол счётчика.")
@click.option("--family", type=click.Choice(["readout", "energomera", "neva"]), default="readout", show_default=True,
              help="Для МЭК 62056-21: чтение данных (режим C), Энергомера или НЕВА (режим программирования).")
@click.option("--address", default=None, metavar="АДРЕС",
              help="Адрес счётчика: Меркурий — 0…254 (0 — любой на линии точка-точка); МЭК — заводской номер; "
                   "M-Bus — первичный 0…255 (254 — любой).")
@click.option("--password", default=None, metavar="ПАРОЛЬ",
              help="Пароль (Меркурий — 111111, Энергомера — 777777, НЕВА — 00000000 по умолчанию).")
@click.option("--save", is_flag=True, help="Сохранить показание прибора --meter (через правила проверки).")
@click.option("--meter", default=None, metavar="НОМЕР", help="С --save: заводской номер прибора в картотеке.")
@click.option("--json", "as_json", is_flag=True, help="Вывести в JSON.")
@db_option
@click.pass_obj
def read(obj: Context, port: str, protocol: str, family: str, address: str | None, password: str | None, save: bool,
         meter: str | None, as_json: bool) -> None:
    """Прочитать показания счётчика: энергия по тарифам с кодами OBIS; с --save — сохранить их."""
    from bcenter.app.meters import PROTOCOLS, read_meter

    if save != bool(meter):
        raise click.UsageError("--save и --meter указываются вместе: --save --meter ЗАВОДСКОЙ_НОМЕР")
    reading = read_meter(port, protocol=protocol, address=address, password=password, family=family)
    kept = obj.app.meters.save_read(reading, meter) if save else None

    def text(r) -> list[str]:
        made = f" (выпуск {r.extra['made']})" if r.extra.get("made") else ""
        kind = PROTOCOLS.get(r.protocol.split("/")[0], r.protocol)
        ident = f", {r.extra['ident']}" if r.extra.get("ident") else ""
        lines = [f"Счётчик ({kind}{ident}) № {r.serial}{made}, {port}:"]
        lines += [f"  {v.code:<7} {v.label}: {_number(v.value)} {v.unit}" for v in r.values]
        if kept is not None:
            from bcenter.cli.readings import verdict_lines

            lines += verdict_lines(kept)
        return lines

    def as_dict(r) -> dict:
        out = {"protocol": r.protocol, "serial": r.serial, **r.extra,
               "values": [{"code": v.code, "label": v.label, "value": str(v.value), "unit": v.unit}
                          for v in r.values]}
        if kept is not None:
            from bcenter.cli.readings import reading_dict

            out["saved"] = reading_dict(kept)
        return out

    _show(reading, as_json, as_dict, text)


@meters.command("due")
@db_option
@click.option("--days", type=click.IntRange(min=0), default=30, show_default=True, metavar="N",
              help="Срок поверки истекает в ближайшие N дней (истёкшие — тоже).")
@click.option("--house", default=None, metavar="ДОМ", help="Только этот дом (код дома в формате обмена).")
@click.option("--json", "as_json", is_flag=True, help="Вывести в JSON.")
@click.pass_obj
def due(obj: Context, days: int, house: str | None, as_json: bool) -> None:
    """Приборы, у которых истекает или истёк срок поверки: сначала просроченные."""
    from bcenter.app.meters import KIND_NAMES, RESOURCE_NAMES

    found = obj.app.meters.due(days=days, house=house)

    def text(rows) -> list[str]:
        if not rows:
            return [f"Нет приборов, у которых поверка истекает в ближайшие {days} дн. Шире: bcenter meters due "
                    f"--days {max(days * 4, 90)}"]
        overdue = sum(1 for r in rows if r.days_left < 0)
        lines = [f"Поверка истекла: {overdue}; истекает в ближайшие {days} дн.: {len(rows) - overdue}"]
        for r in rows:
            when = (f"просрочена на {-r.days_left} дн." if r.days_left < 0 else
                    "истекает сегодня" if r.days_left == 0 else f"осталось {r.days_left} дн.")
            who = f", л/с {', '.join(r.accounts)}" if r.accounts else ""
            lines.append(f"{r.valid_until:%d.%m.%Y}  № {r.serial} {RESOURCE_NAMES.get(r.resource, r.resource)} "
                         f"({KIND_NAMES.get(r.kind, r.kind)}) — {r.address}{who}: {when}")
        return lines

    def as_dict(rows) -> list[dict]:
        return [{"serial": r.serial, "resource": r.resource, "kind": r.kind, "address": r.address,
                 "accounts": list(r.accounts), "valid_until": r.valid_until.isoformat(), "days_left": r.days_left}
                for r in rows]

    _show(found, as_json, as_dict, text)
