"""``bcenter settlements``, ``bcenter transfers …``, ``bcenter contracts …``: settlements with suppliers — over
``app.finance``."""
from __future__ import annotations

import click

from bcenter.cli import Context, _date, _rubles, _show, cli, db_option, progress
from bcenter.core.money import format_kop, format_rub_ru


def _amount(text: str) -> int:
    return _rubles(text, "--amount")


@cli.command()
@db_option
@click.option("--date", "as_of", required=True, metavar="ГГГГ-ММ-ДД", help="На какой день (включительно).")
@click.option("--json", "as_json", is_flag=True, help="Вывести в JSON.")
@click.pass_obj
def settlements(obj: Context, as_of: str, as_json: bool) -> None:
    """Расчёты с поставщиками: собрано, комиссия агентов, вознаграждение, перечислено, долг перед поставщиком;
    просрочка перечисления (103-ФЗ: не позже следующего рабочего дня)."""
    with progress("Расчёты с поставщиками", quiet=as_json, unit=" ЛС") as job:
        report = obj.app.finance.settlements(as_of=_date(as_of, "--date"), job=job)
    _show(report, as_json, _settlements_json, _settlements_text)


def _settlements_json(r) -> dict:
    return {"as_of": r.as_of.isoformat(), "received": format_kop(r.received), "commission": format_kop(r.commission),
            "transferred": format_kop(r.transferred), "advances": format_kop(r.advances),
            "advance_commission": format_kop(r.advance_commission), "held": format_kop(r.held),
            "suspense": format_kop(r.suspense), "reconciled": r.reconciled,
            "suppliers": [{"supplier": s.supplier, "name": s.name, "contract": s.contract, "agent": s.agent,
                           "fee_percent": s.fee_percent, "collected": format_kop(s.collected),
                           "penalties": format_kop(s.penalties), "commission": format_kop(s.commission),
                           "fee": format_kop(s.fee), "transferred": format_kop(s.transferred),
                           "owed": format_kop(s.owed),
                           "first_late": s.first_late.isoformat() if s.first_late else None,
                           "overdue": format_kop(s.overdue)} for s in r.suppliers]}


def _settlements_text(r) -> list[str]:
    rub = format_rub_ru
    out = [f"Расчёты с поставщиками на {r.as_of:%d.%m.%Y}",
           f"{'Поставщик':<28} {'собрано':>14} {'комиссия':>11} {'вознагр.':>11} {'перечислено':>14} {'долг':>14}"]
    for s in r.suppliers:
        out.append(f"{s.name[:28]:<28} {rub(s.collected):>14} {rub(s.commission):>11} {rub(s.fee):>11} "
                   f"{rub(s.transferred):>14} {rub(s.owed):>14}")
        if s.first_late:
            out.append(f"  ⚠ просрочено перечисление (103-ФЗ, следующий рабочий день): с {s.first_late:%d.%m.%Y}, "
                       f"не перечислено в срок {rub(s.overdue)}")
        if not s.contract:
            out.append(f"  нет действующего договора: bcenter contracts add --supplier {s.supplier} …")
    out.append(f"Получено платежей {rub(r.received)}, комиссия агентов {rub(r.commission)}, перечислено "
               f"{rub(r.transferred)}, на счетах {rub(r.held)}; из них авансы {rub(r.advances)}")
    if r.suspense:
        out.append(f"Невыясненные платежи (не на лицевых счетах): {rub(r.suspense)} — bcenter payments suspense")
    if not r.reconciled:
        out.append("⚠ Сверка не сошлась: сообщите разработчикам (bcenter settlements --json)")
    return out


@cli.group()
def transfers() -> None:
    """Перечисления поставщикам."""


@transfers.command("add")
@db_option
@click.option("--supplier", required=True, metavar="КОД", help="Поставщик (код из справочника: bcenter contracts list).")
@click.option("--amount", required=True, metavar="РУБ", help="Сумма, рубли с копейками: 12500.00")
@click.option("--date", "day", required=True, metavar="ГГГГ-ММ-ДД", help="Дата платёжного поручения.")
@click.option("--order", default=None, metavar="№", help="Номер платёжного поручения.")
@click.option("--note", default=None, help="Назначение, примечание.")
@click.pass_obj
def transfers_add(obj: Context, supplier: str, amount: str, day: str, order: str | None, note: str | None) -> None:
    """Записать перечисление поставщику."""
    kop = _amount(amount)
    transfer_id = obj.app.finance.add_transfer(supplier=supplier, amount=kop, day=_date(day, "--date"),
                                               order_number=order, note=note)
    click.echo(f"Перечисление {format_rub_ru(kop)} поставщику {supplier} записано: {transfer_id}")


@transfers.command("list")
@db_option
@click.option("--supplier", default=None, metavar="КОД", help="Только этого поставщика.")
@click.pass_obj
def transfers_list(obj: Context, supplier: str | None) -> None:
    """Перечисления поставщикам по датам."""
    rows = obj.app.finance.transfers(supplier=supplier)
    if not rows:
        click.echo("Перечислений нет. Записать: bcenter transfers add --supplier КОД --amount РУБ --date ГГГГ-ММ-ДД")
    for t in rows:
        mark = f" (сторно {t.storno_of})" if t.storno_of else ""
        click.echo(f"{t.day:%d.%m.%Y} {t.supplier:<12} {format_rub_ru(t.amount):>14} п/п {t.order_number or '—'} "
                   f"{t.id}{mark}")


@transfers.command("storno")
@db_option
@click.argument("transfer_id")
@click.option("--reason", required=True, help="Почему: ошибка суммы, не тот поставщик, дубль.")
@click.pass_obj
def transfers_storno(obj: Context, transfer_id: str, reason: str) -> None:
    """Сторнировать ошибочное перечисление (записи не правятся)."""
    storno = obj.app.finance.storno_transfer(transfer_id, reason=reason)
    click.echo(f"Перечисление {transfer_id} сторнировано: {storno}")


@cli.group()
def contracts() -> None:
    """Договоры с поставщиками и подрядчиками."""


@contracts.command("list")
@db_option
@click.pass_obj
def contracts_list(obj: Context) -> None:
    """Договоры: номер, срок, агентская схема, вознаграждение."""
    rows = obj.app.finance.contracts()
    if not rows:
        click.echo("Договоров нет. Добавить: bcenter contracts add --supplier КОД --number № --from ГГГГ-ММ-ДД")
    for c in rows:
        until = f"до {c.valid_to:%d.%m.%Y}" if c.valid_to else "бессрочно"
        kind = "агентский (103-ФЗ)" if c.agent else "не агентский"
        click.echo(f"{c.supplier:<12} № {c.number} от {c.signed_on:%d.%m.%Y}, с {c.valid_from:%d.%m.%Y} {until}; "
                   f"{kind}; вознаграждение {c.fee_percent.replace('.', ',')} %")


@contracts.command("add")
@db_option
@click.option("--supplier", required=True, metavar="КОД", help="Поставщик (код из справочника).")
@click.option("--number", required=True, metavar="№", help="Номер договора.")
@click.option("--signed", default=None, metavar="ГГГГ-ММ-ДД", help="Дата договора (по умолчанию — дата начала).")
@click.option("--from", "valid_from", required=True, metavar="ГГГГ-ММ-ДД", help="Действует с.")
@click.option("--to", "valid_to", default=None, metavar="ГГГГ-ММ-ДД", help="Действует до (не включая).")
@click.option("--fee", default="0", metavar="%", help="Вознаграждение расчётного центра, % от собранного.")
@click.option("--not-agent", is_flag=True, help="Собираем не как платёжный агент (правило 103-ФЗ не проверяется).")
@click.option("--services", default=None, metavar="КОД,КОД", help="Услуги по договору (по умолчанию — все его).")
@click.option("--note", default=None, help="Примечание.")
@click.pass_obj
def contracts_add(obj: Context, supplier: str, number: str, signed: str | None, valid_from: str,
                  valid_to: str | None, fee: str, not_agent: bool, services: str | None, note: str | None) -> None:
    """Добавить договор с поставщиком."""
    start = _date(valid_from, "--from")
    contract_id = obj.app.finance.add_contract(
        supplier=supplier, number=number, signed_on=_date(signed, "--signed") if signed else start,
        valid_from=start, valid_to=_date(valid_to, "--to") if valid_to else None, agent=not not_agent,
        fee_percent=fee, services=[s.strip() for s in services.split(",") if s.strip()] if services else None,
        note=note)
    click.echo(f"Договор № {number} с {supplier} записан: {contract_id}")
