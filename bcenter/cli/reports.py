"""``bcenter report …``: the report registry — ``bcenter report list``, ``bcenter report NAME --period P [--by …]
[--format …] --out PATH`` (issue 21) — over ``bcenter.app.reports``, the calls the «Отчёты» screen makes."""
from __future__ import annotations

from pathlib import Path

import click

from bcenter.cli import Context, UsageError, _period, cli, db_option, output
from bcenter.core.money import format_rub_ru


@cli.command()
@db_option
@click.argument("name", metavar="ОТЧЁТ")
@click.option("--period", default=None, metavar="ГГГГ-ММ", help="Период отчёта.")
@click.option("--by", default=None,
              help="Разрез: account, house, manager (управляющая организация), section (участок), supplier, service, "
                   "bank, day, month, meter, line — какие есть у отчёта, показывает report list (первый — по "
                   "умолчанию).")
@click.option("--format", "fmt", type=click.Choice(["csv", "json", "xlsx", "pdf"]), default=None,
              help="Формат файла (по умолчанию — по расширению --out).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Файл отчёта; без него — JSON в стандартный вывод.")
@click.pass_obj
def report(obj: Context, name: str, period: str | None, by: str | None, fmt: str | None, out: Path | None) -> None:
    """Отчёт из реестра в файл (CSV, JSON, XLSX, PDF); «bcenter report list» — какие отчёты есть."""
    if name == "list":
        for r in obj.app.reports.list():
            click.echo(f"{r.name}  {r.title}: {r.description}; разрезы: {', '.join(r.cuts)}")
        return
    if period is None:
        raise UsageError("--period: укажите период отчёта ГГГГ-ММ")
    month = _period(period, "--period")
    if out is None:
        click.echo(output.dumps(obj.app.reports.json(name, period=month, by=by)))
        return
    totals = obj.app.reports.write(name, period=month, out=out, fmt=fmt, by=by)
    shown = "; ".join(f"{k.lower()} {format_rub_ru(v)}" for k, v in totals.items())
    click.echo(f"{out}: итого — {shown}" if shown else f"{out}: отчёт записан")
    note = obj.app.reports.empty_note(name, period=month)
    if note:
        click.echo(f"{note}.")
