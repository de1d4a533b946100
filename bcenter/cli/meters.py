"""``bcenter meters …``: meters read over serial lines — over ``bcenter.app.meters``."""
from __future__ import annotations

import click

from bcenter.cli import _show, cli


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
@click.option("--json", "as_json", is_flag=True, help="Вывести в JSON.")
def read(port: str, protocol: str, family: str, address: str | None, password: str | None, as_json: bool) -> None:
    """Прочитать показания счётчика: энергия по тарифам с кодами OBIS."""
    from bcenter.app.meters import PROTOCOLS, read_meter

    reading = read_meter(port, protocol=protocol, address=address, password=password, family=family)

    def text(r) -> list[str]:
        made = f" (выпуск {r.extra['made']})" if r.extra.get("made") else ""
        kind = PROTOCOLS.get(r.protocol.split("/")[0], r.protocol)
        ident = f", {r.extra['ident']}" if r.extra.get("ident") else ""
        lines = [f"Счётчик ({kind}{ident}) № {r.serial}{made}, {port}:"]
        lines += [f"  {v.code:<7} {v.label}: {_number(v.value)} {v.unit}" for v in r.values]
        return lines

    def as_dict(r) -> dict:
        return {"protocol": r.protocol, "serial": r.serial, **r.extra,
                "values": [{"code": v.code, "label": v.label, "value": str(v.value), "unit": v.unit}
                           for v in r.values]}

    _show(reading, as_json, as_dict, text)
