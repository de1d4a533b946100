"""``bcenter cash …``: a headless cash desk — shifts, payments through the fiscal register and the receipt printer,
the bill's QR — over ``app.cash``. Devices by address (``--register``, ``--printer``): simulators kept in files by
default (``sim://shtrih``, ``sim://escpos``), a serial port (``/dev/ttyUSB0``) or ``socket://host:port``."""
from __future__ import annotations

import click

from bcenter.cli import Context, UsageError, _rubles, _show, cli, db_option
from bcenter.core.money import format_kop, format_rub_ru


def _rub(text: str | None, option: str) -> int | None:
    return None if text is None else _rubles(text, option)


def devices(command):
    command = click.option("--printer", default=None, metavar="URL",
                           help="Принтер чеков: /dev/ttyUSB1, socket://host:9100, sim://escpos (по умолчанию), "
                                "none — без квитанции.")(command)
    return click.option("--register", default=None, metavar="URL",
                        help="ККТ Штрих-М: /dev/ttyACM0, socket://host:7778, sim://shtrih (по умолчанию — "
                             "имитатор).")(command)


@cli.group()
def cash() -> None:
    """Касса: смена, приём оплаты через ККТ и принтер чеков, QR-код счёта."""


def _shift_lines(s) -> list[str]:
    if s is None:
        return ["Смена не открыта. Открыть: bcenter cash open --cashier «Фамилия И. О.»"]
    state = f"закрыта {s.closed_text}" if s.closed_at else "открыта"
    lines = [f"Смена № {s.number} ({s.site_code}), кассир {s.cashier}: {state}; открыта "
             f"{s.opened_text}",
             f"Оплат: {s.payments}; наличными (за вычетом сдачи) {format_rub_ru(s.cash)}, картой {format_rub_ru(s.card)}"]
    lines += list(s.notes)
    if s.pending:
        lines.append(f"Не сверено с ККТ: {s.pending} — сверка при следующей операции")
    if s.counted is not None:
        diff = s.counted - (s.expected or 0)
        verdict = "сходится" if diff == 0 else (f"излишек {format_rub_ru(diff)}" if diff > 0
                                                else f"недостача {format_rub_ru(-diff)}")
        lines.append(f"Пересчитано {format_rub_ru(s.counted)}, по журналу {format_rub_ru(s.expected or 0)}: {verdict}")
    return lines


def _shift_json(s) -> dict | None:
    if s is None:
        return None
    return {"number": s.number, "site": s.site_code, "cashier": s.cashier, "opened_at": s.opened_at,
            "closed_at": s.closed_at, "payments": s.payments, "cash": format_kop(s.cash), "card": format_kop(s.card),
            "pending": s.pending, "notes": list(s.notes), "counted": None if s.counted is None else format_kop(s.counted),
            "expected": None if s.expected is None else format_kop(s.expected)}


@cash.command("open")
@db_option
@devices
@click.option("--cashier", required=True, metavar="ФИО", help="Кассир (печатается в документах ККТ).")
@click.option("--inn", default=None, metavar="ИНН", help="ИНН кассира, 12 цифр.")
@click.option("--json", "as_json", is_flag=True, help="Вывести в JSON.")
@click.pass_obj
def open_(obj: Context, register, printer, cashier: str, inn: str | None, as_json: bool) -> None:
    """Открыть смену: в программе и в ККТ."""
    _show(obj.app.cash.open(cashier=cashier, inn=inn, register=register, printer=printer), as_json, _shift_json,
          _shift_lines)


@cash.command("status")
@db_option
@devices
@click.option("--json", "as_json", is_flag=True, help="Вывести в JSON.")
@click.pass_obj
def status(obj: Context, register, printer, as_json: bool) -> None:
    """Открытая смена и её итоги (несверенные операции сверяются с ККТ)."""
    _show(obj.app.cash.status(register=register, printer=printer), as_json, _shift_json, _shift_lines)


@cash.command("owed")
@db_option
@click.argument("account")
@click.pass_obj
def owed(obj: Context, account: str) -> None:
    """Что должен лицевой счёт: по получателям и услугам, пени отдельно."""
    found = obj.app.cash.owed(account)
    click.echo(f"Лицевой счёт {found.number}, {found.address}")
    for r in found.recipients:
        click.echo(f"  {r.name} (ИНН {r.inn}): {format_rub_ru(r.total)}")
        for s in r.services:
            click.echo(f"    {s.name} [{s.service}]: {format_rub_ru(s.charges)}"
                       + (f", пени {format_rub_ru(s.penalties)}" if s.penalties else ""))
    click.echo(f"Итого к оплате: {format_rub_ru(found.total)}" + (f"; аванс {format_rub_ru(found.advance)}"
                                                                  if found.advance else ""))
    if found.total:
        click.echo(f"Принять: bcenter cash pay --account {found.number} --amount {format_kop(found.total)}")


@cash.command("pay")
@db_option
@devices
@click.option("--account", default=None, metavar="НОМЕР", help="Лицевой счёт.")
@click.option("--qr", default=None, metavar="ТЕКСТ", help="QR-код счёта, как его набрал сканер.")
@click.option("--amount", default=None, metavar="РУБ", help="Сумма (по QR-коду — сумма из кода).")
@click.option("--given", default=None, metavar="РУБ", help="Получено наличными (сдача — разница).")
@click.option("--card", default=None, metavar="КОД", help="Оплата картой: код авторизации с чека терминала.")
@click.option("--service", "services", multiple=True, metavar="КОД=РУБ",
              help="Оплата по услуге (можно несколько): cold_water=500.00.")
@click.option("--key", default=None, metavar="КЛЮЧ", help="Ключ операции: повтор с тем же ключом не примет деньги дважды.")
@click.option("--contact", default="", metavar="ТЕЛЕФОН|E-MAIL", help="Куда прислать электронный чек.")
@click.option("--json", "as_json", is_flag=True, help="Вывести в JSON.")
@click.pass_obj
def pay(obj: Context, register, printer, account, qr, amount, given, card, services, key, contact,
        as_json: bool) -> None:
    """Принять оплату: чек ККТ, квитанция, платёж на лицевой счёт — один раз, что бы ни случилось."""
    split = {}
    for part in services:
        code, eq, rub = part.partition("=")
        if not eq:
            raise UsageError(f"--service: «{part}» — ожидается КОД=РУБ")
        split[code.strip()] = _rub(rub, "--service")
    kop = _rub(amount, "--amount")
    if split and kop is None:
        kop = sum(split.values())
    done = obj.app.cash.pay(account=account, qr=qr, amount=kop, given=_rub(given, "--given"), card=card,
                            services=split or None, key=key, contact=contact, register=register, printer=printer)
    _show(done, as_json, _pay_json, _pay_lines)


def _pay_json(d) -> dict:
    return {"receipt": d.receipt_number, "account": d.account, "amount": format_kop(d.amount),
            "cash": format_kop(d.cash), "card": format_kop(d.card), "change": format_kop(d.change),
            "state": d.state, "fiscal_document": d.fiscal_document, "fiscal_sign": d.fiscal_sign,
            "payment": d.payment_id, "printed": d.printed, "repeated": d.repeated, "notes": list(d.notes),
            "lines": [{"name": ln.name, "amount": format_kop(ln.amount), "supplier": ln.supplier,
                       "agent": None if ln.own else ln.agent} for ln in d.lines]}


def _pay_lines(d) -> list[str]:
    lines = [("Повтор: эта оплата уже принята. " if d.repeated else "")
             + f"Принято {format_rub_ru(d.amount)} на лицевой счёт {d.account}, квитанция {d.receipt_number}, "
               f"ФД № {d.fiscal_document}"]
    if d.change:
        lines.append(f"Сдача: {format_rub_ru(d.change)}")
    lines += list(d.notes)
    return lines


@cash.command("reprint")
@db_option
@devices
@click.argument("receipt", metavar="КВИТАНЦИЯ")
@click.pass_obj
def reprint(obj: Context, register, printer, receipt: str) -> None:
    """Копия квитанции проведённой оплаты (принтер не напечатал, плательщик просит ещё раз)."""
    done = obj.app.cash.reprint(receipt, register=register, printer=printer)
    click.echo(f"Напечатана копия квитанции {done.receipt_number}: лицевой счёт {done.account}, "
               f"{format_rub_ru(done.amount)}, ФД № {done.fiscal_document}")


@cash.command("x")
@db_option
@devices
@click.pass_obj
def x_report(obj: Context, register, printer) -> None:
    """X-отчёт: итоги смены без её закрытия."""
    _echo(_shift_lines(obj.app.cash.x_report(register=register, printer=printer)))


@cash.command("close")
@db_option
@devices
@click.option("--counted", required=True, metavar="РУБ", help="Пересчитанная наличность в кассе.")
@click.option("--json", "as_json", is_flag=True, help="Вывести в JSON.")
@click.pass_obj
def close(obj: Context, register, printer, counted: str, as_json: bool) -> None:
    """Закрыть смену: Z-отчёт ККТ и пересчёт наличности (излишек или недостача)."""
    _show(obj.app.cash.close(counted=_rub(counted, "--counted"), register=register, printer=printer), as_json,
          _shift_json, _shift_lines)


def _echo(lines: list[str]) -> None:
    for line in lines:
        click.echo(line)
