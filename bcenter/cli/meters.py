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
@click.option("--protocol", required=True, type=click.Choice(["mercury230"]), help="Протокол счётчика.")
@click.option("--address", type=click.IntRange(0, 254), default=None, metavar="N",
              help="Сетевой адрес счётчика (0 — любой на линии точка-точка).")
@click.option("--password", default=None, metavar="ПАРОЛЬ", help="Пароль уровня пользователя (по умолчанию 111111).")
@click.option("--json", "as_json", is_flag=True, help="Вывести в JSON.")
def read(port: str, protocol: str, address: int | None, password: str | None, as_json: bool) -> None:
    """Прочитать показания счётчика: энергия по тарифам с кодами OBIS."""
    from bcenter.app.meters import PROTOCOLS, read_meter

    reading = read_meter(port, protocol=protocol, address=address, password=password)

    def text(r) -> list[str]:
        made = f" (выпуск {r.extra['made']})" if r.extra.get("made") else ""
        lines = [f"Счётчик {PROTOCOLS[r.protocol]} № {r.serial}{made}, {port}:"]
        lines += [f"  {v.code:<7} {v.label}: {_number(v.value)} {v.unit}" for v in r.values]
        return lines

    def as_dict(r) -> dict:
        return {"protocol": r.protocol, "serial": r.serial, **r.extra,
                "values": [{"code": v.code, "label": v.label, "value": str(v.value), "unit": v.unit}
                           for v in r.values]}

    _show(reading, as_json, as_dict, text)
