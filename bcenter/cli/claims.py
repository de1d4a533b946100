"""``bcenter claims …``: acts of interruptions and poor quality (issue 19, first step) — over ``bcenter.app.claims``."""
from __future__ import annotations

import click

from bcenter.cli import Context, cli, db_option


@cli.group()
def claims() -> None:
    """Учёт претензий: акты о перерывах и ненадлежащем качестве услуг."""


@claims.command("act")
@db_option
@click.option("--service", required=True, metavar="КОД", help="Услуга (код из документа обмена): hot_water …")
@click.option("--house", default=None, metavar="КОД", help="Дом (акт на весь дом).")
@click.option("--account", default=None, metavar="ЛИЦЕВОЙ_СЧЁТ", help="Или помещение этого лицевого счёта.")
@click.option("--from", "start", required=True, metavar="'ГГГГ-ММ-ДД ЧЧ:ММ'", help="Начало (местное время).")
@click.option("--to", "end", required=True, metavar="'ГГГГ-ММ-ДД ЧЧ:ММ'", help="Окончание.")
@click.option("--kind", type=click.Choice(["interruption", "temperature", "pressure", "composition"]),
              default="interruption", show_default=True, help="Перерыв или отклонение качества.")
@click.option("--measured", default=None, help="Измеренное значение (°C, давление) для акта о качестве.")
@click.option("--note", default=None, help="Примечание (причина, кто составил).")
@click.pass_obj
def act(obj: Context, service: str, house: str | None, account: str | None, start: str, end: str, kind: str,
        measured: str | None, note: str | None) -> None:
    """Составить акт: следующий расчёт снизит плату (ПП 354, прил. 1) и назовёт акт в перерасчёте."""
    number = obj.app.claims.act(service=service, house=house, account=account, start=start, end=end, kind=kind,
                                measured=measured, note=note)
    click.echo(f"Акт {number} составлен. Плату снизит следующий расчёт месяца (bcenter calc), основание — этот акт; "
               f"услуга восстановлена раньше: bcenter claims act-close {number} --to 'ГГГГ-ММ-ДД ЧЧ:ММ'")


@claims.command("act-close")
@db_option
@click.argument("number", metavar="НОМЕР")
@click.option("--to", "end", required=True, metavar="'ГГГГ-ММ-ДД ЧЧ:ММ'", help="Фактическое окончание.")
@click.pass_obj
def act_close(obj: Context, number: str, end: str) -> None:
    """Услуга восстановлена раньше, чем записано в акте: окончание исправляется (с перерасчётом)."""
    revised = obj.app.claims.close_act(number, end=end)
    click.echo(f"Акт {number}: окончание {end} (запись {revised}); перерасчёт — при следующем расчёте месяца")
