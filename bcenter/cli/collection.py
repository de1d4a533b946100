"""``bcenter debtors …`` and ``bcenter cases …``: debtor lists, notices to debtors, court cases from the application
for a судебный приказ to enforcement (issue 20) — over ``bcenter.app.collection``."""
from __future__ import annotations

from pathlib import Path

import click

from bcenter.cli import Context, _date, _rubles, cli, db_option, output, progress
from bcenter.core.money import format_kop, format_rub_ru


def _rub(text: str | None, option: str) -> int:
    return 0 if text is None else _rubles(text, option)


def _day(text: str | None, option: str):
    return None if text is None else _date(text, option)


def _write(out: Path, pdf: bytes) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_bytes(pdf)
    tmp.replace(out)


@cli.group()
def debtors() -> None:
    """Должники: списки по условиям, напоминания, предупреждения об ограничении, претензии."""


@debtors.command("list")
@db_option
@click.option("--as-of", default=None, metavar="ГГГГ-ММ-ДД", help="На какой день (по умолчанию — сегодня).")
@click.option("--min-debt", default=None, metavar="РУБ", help="Просроченный долг не меньше.")
@click.option("--months", type=int, default=0, metavar="N", help="Просрочено месяцев не меньше N.")
@click.option("--service", default=None, metavar="КОД", help="Только долг по услуге (код из документа обмена).")
@click.option("--supplier", default=None, metavar="КОД", help="Только долг перед поставщиком.")
@click.option("--house", default=None, metavar="КОД", help="Только дом.")
@click.option("--not-in-court", is_flag=True, help="Без открытого судебного дела.")
@click.option("--limitation-within", type=int, default=None, metavar="ДНЕЙ",
              help="Срок давности старейшего месяца истекает в ближайшие N дней.")
@click.option("--saved", default=None, metavar="ИМЯ", help="Условия сохранённого списка.")
@click.option("--save", default=None, metavar="ИМЯ", help="Сохранить условия под этим именем.")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Выгрузить список в CSV (для обзвона, SMS и рассылки).")
@click.option("--contacts", is_flag=True,
              help="Добавить в CSV телефоны и e-mail (только с правом на персональные данные).")
@click.option("--json", "as_json", is_flag=True, help="Вывести в JSON.")
@click.pass_obj
def debtors_list(obj: Context, as_of: str | None, min_debt: str | None, months: int, service: str | None,
                 supplier: str | None, house: str | None, not_in_court: bool, limitation_within: int | None,
                 saved: str | None, save: str | None, csv_path: Path | None, contacts: bool, as_json: bool) -> None:
    """Список должников: просроченный долг по условиям, самый большой первым."""
    from bcenter.app.collection import Criteria  # here, not at the top: it brings reportlab's platypus (0.35 s)
    # to every command — and to every worker process of `calc` and `close`, which import the CLI as their main

    criteria = None
    if saved is None:
        criteria = Criteria(min_debt=_rub(min_debt, "--min-debt"), min_months=months, service=service,
                            supplier=supplier, house=house, not_in_court=not_in_court,
                            limitation_within=limitation_within)
    if save:
        obj.app.collection.save_list(save, criteria or obj.app.collection.lists().get(saved))
    with progress("Должники", quiet=as_json, unit=" ЛС") as job:
        rows = obj.app.collection.debtors(criteria, saved=saved, as_of=_day(as_of, "--as-of"), job=job)
    if csv_path is not None:
        csv_path.write_text(obj.app.collection.debtors_csv(rows, contacts=contacts), encoding="utf-8-sig")
    if as_json:
        click.echo(output.dumps([{
            "account": r.account, "payer": r.payer, "address": r.address, "house": r.house,
            "debt": format_kop(r.debt), "total": format_kop(r.total), "months": r.months, "oldest": str(r.oldest),
            "limitation_ends": r.limitation_ends.isoformat() if r.limitation_ends else None,
            "services": list(r.services), "case": r.case, "case_stage": r.case_stage,
            "cases": [{"number": n, "stage": st} for n, st in r.cases]} for r in rows]))
        return
    for r in rows:
        case = f"  {'дело' if len(r.cases) == 1 else 'дела'} {r.case}" if r.cases else ""
        limit = f", давность до {r.limitation_ends:%d.%m.%Y}" if r.limitation_ends else ""
        click.echo(f"{r.account}  {format_rub_ru(r.debt):>16}  мес.: {r.months:>2} (с {r.oldest}{limit})  "
                   f"{r.payer}, {r.address}{case}")
    click.echo(f"Должников: {len(rows)}, просрочено всего {format_rub_ru(sum(r.debt for r in rows))}"
               + (f"; CSV: {csv_path}" if csv_path else "") + (f"; условия сохранены как «{save}»" if save else ""))
    if rows and not csv_path:
        click.echo(f"Дальше: bcenter debtors notice {rows[0].account} --kind reminder --out напоминание.pdf; "
                   f"bcenter cases open {rows[0].account}")


@debtors.command("lists")
@db_option
@click.pass_obj
def debtors_lists(obj: Context) -> None:
    """Сохранённые списки должников и их условия."""
    found = obj.app.collection.lists()
    for name, criteria in found.items():
        click.echo(f"{name}: {criteria.describe()}")
    if not found:
        click.echo("Сохранённых списков нет: bcenter debtors list --months 3 --save «три месяца»")


@debtors.command("notice")
@db_option
@click.argument("account", metavar="ЛИЦЕВОЙ_СЧЁТ")
@click.option("--kind", type=click.Choice(["reminder", "restriction", "pretrial"]), required=True,
              help="reminder — напоминание, restriction — предупреждение об ограничении, pretrial — претензия.")
@click.option("--service", default=None, metavar="КОД", help="Для предупреждения: hot_water, electricity, gas.")
@click.option("--as-of", default=None, metavar="ГГГГ-ММ-ДД", help="На какой день долг и пени (по умолчанию — сегодня).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="Файл PDF.")
@click.pass_obj
def notice(obj: Context, account: str, kind: str, service: str | None, as_of: str | None, out: Path) -> None:
    """Документ должнику: долг по периодам и услугам и пени — как bcenter debts и bcenter penalties."""
    doc = obj.app.collection.notice(account, kind=kind, service=service, as_of=_day(as_of, "--as-of"))
    _write(out, doc.pdf)
    click.echo(f"{doc.number} — {out}. Когда документ вручат: bcenter debtors deliver {doc.number} --day ГГГГ-ММ-ДД "
               f"--how epd|mail|hand|email")


@debtors.command("deliver")
@db_option
@click.argument("number", metavar="НОМЕР")
@click.option("--day", required=True, metavar="ГГГГ-ММ-ДД", help="День доставки.")
@click.option("--how", type=click.Choice(["epd", "mail", "hand", "email", "sms", "gis"]), required=True,
              help="Как доставлен: в тексте ЕПД, заказным письмом, лично, e-mail, SMS, ГИС ЖКХ.")
@click.pass_obj
def deliver(obj: Context, number: str, day: str, how: str) -> None:
    """Записать доставку документа: от неё считаются 20 дней предупреждения (п. 119 ПП 354)."""
    doc = obj.app.collection.deliver(number, day=_date(day, "--day"), how=how)
    after = f"; ограничить можно с {doc.deadline:%d.%m.%Y}" if doc.kind == "restriction" and doc.deadline else ""
    click.echo(f"{doc.number}: доставлен {doc.delivered_on:%d.%m.%Y}{after}")


@debtors.command("documents")
@db_option
@click.option("--account", default=None, metavar="ЛИЦЕВОЙ_СЧЁТ")
@click.option("--case", default=None, metavar="НОМЕР_ДЕЛА")
@click.pass_obj
def documents(obj: Context, account: str | None, case: str | None) -> None:
    """Выданные документы: номер, вид, лицевой счёт, дело, доставка."""
    rows = obj.app.collection.documents(account=account, case=case)
    for d in rows:
        sent = f", доставлен {d.delivered_on:%d.%m.%Y}" if d.delivered_on else ", не доставлен"
        term = f", срок {d.deadline:%d.%m.%Y}" if d.deadline else ""
        click.echo(f"{d.number}  {d.issued_on:%d.%m.%Y}  {d.name}  ЛС {d.account}"
                   + (f"  дело {d.case}" if d.case else "") + sent + term)
    if not rows:
        click.echo("Документов ещё нет: bcenter debtors notice ЛИЦЕВОЙ_СЧЁТ --kind reminder --out напоминание.pdf")


@debtors.command("reprint")
@db_option
@click.argument("number", metavar="НОМЕР")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="Файл PDF.")
@click.pass_obj
def reprint(obj: Context, number: str, out: Path) -> None:
    """Повторная печать документа — тот же файл байт в байт."""
    _write(out, obj.app.collection.reprint(number))
    click.echo(f"{number} — {out}")


# --- cases ----------------------------------------------------------------------------------------------------
@cli.group()
def cases() -> None:
    """Судебные дела о взыскании долга: приказ, иск, исполнительное производство."""


STAGES = ["order_issued", "order_cancelled", "claim", "judgment", "enforcement"]


def _card(c) -> list[str]:
    lines = [f"Дело {c.number}: ЛС {c.account}, {c.debtors_text}, {c.address}",
             f"Стадия: {c.stage_name}" + (f" ({c.closed_reason})" if c.closed_reason else ""),
             f"Суд: {c.court or '—'}; номер дела: {c.court_number or '—'}",
             "Должники: " + "; ".join(
                 f"{d.name}" + (" (солидарно)" if d.joint else f" (доля {d.share})" if d.share else "")
                 for d in c.debtors),
             f"Месяцы: {c.months}",
             *(f"Не взыскивается: {text}" for text in c.not_claimed),
             f"Основной долг {format_rub_ru(c.principal)}, пени на {c.penalty_as_of:%d.%m.%Y} "
             f"{format_rub_ru(c.penalties)}, цена {format_rub_ru(c.price)}; госпошлина {format_rub_ru(c.duty)} "
             f"(уплачено всего {format_rub_ru(c.duty_paid)}), прочие расходы {format_rub_ru(c.other_costs)}",
             f"Взыскано {format_rub_ru(c.recovered)}; осталось {format_rub_ru(c.owed)} на {c.as_of:%d.%m.%Y} "
             f"(долг {format_rub_ru(c.principal_owed)}, пени {format_rub_ru(c.penalties_owed)}, "
             f"расходы {format_rub_ru(c.costs_owed)})"]
    if c.objection_deadline and c.stage == "order_issued":
        lines.append(f"Возражения должника — по {c.objection_deadline:%d.%m.%Y}")
    barred = [ln for ln in c.lines if ln.barred]
    if barred:
        left = sum(ln.amount for ln in barred if not ln.included)
        lines.append(f"За пределами давности: месяцев {len({ln.period for ln in barred})}"
                     + (f", не взыскивается {format_rub_ru(left)}" if left else ", включены по решению"))
    lines.append("Ход дела:")
    lines += [f"  {e.day:%d.%m.%Y}  {e.name}" + (f", {e.court}" if e.court else "")
              + (f", № {e.number}" if e.number else "") + (f" — {e.note}" if e.note else "") for e in c.events]
    if c.recoveries:
        lines.append("Взыскания:")
        lines += [f"  {r.received_on:%d.%m.%Y}  {r.number}  {format_rub_ru(r.amount)}: расходы "
                  f"{format_rub_ru(r.costs)}, долг {format_rub_ru(r.principal)}, пени {format_rub_ru(r.penalties)}"
                  + (f", сверх {format_rub_ru(r.overpaid)}" if r.overpaid else "") for r in c.recoveries]
    return lines


def _card_json(c) -> dict:
    return {"number": c.number, "account": c.account, "stage": c.stage, "opened_on": c.opened_on.isoformat(),
            "closed_on": c.closed_on.isoformat() if c.closed_on else None, "court": c.court,
            "court_number": c.court_number, "principal": format_kop(c.principal), "penalties": format_kop(c.penalties),
            "penalty_as_of": c.penalty_as_of.isoformat() if c.penalty_as_of else None, "price": format_kop(c.price),
            "duty": format_kop(c.duty), "duty_paid": format_kop(c.duty_paid), "court_costs": format_kop(c.court_costs),
            "owed": format_kop(c.owed), "principal_owed": format_kop(c.principal_owed),
            "debtors": [{"name": d.name, "share": d.share, "joint": d.joint} for d in c.debtors],
            "debts_not_claimed": list(c.unclaimed_debts), "penalties_not_claimed": list(c.unclaimed_penalties),
            "lines": [{"period": str(ln.period), "service": ln.service, "due": ln.due.isoformat(),
                       "amount": format_kop(ln.amount), "owed": format_kop(ln.owed), "barred": ln.barred,
                       "included": ln.included} for ln in c.lines],
            "penalty_rows": [{"period": str(r.period), "service": r.service, "start": r.start.isoformat(),
                              "end": r.end.isoformat(), "days": r.days, "debt": format_kop(r.debt),
                              "rate": str(r.rate), "fraction": r.fraction, "amount": format_kop(r.amount)}
                             for r in c.penalty_rows],
            "events": [{"stage": e.stage, "day": e.day.isoformat(), "court": e.court, "number": e.number,
                        "note": e.note} for e in c.events]}


@cases.command("open")
@db_option
@click.argument("account", metavar="ЛИЦЕВОЙ_СЧЁТ")
@click.option("--claim", is_flag=True, help="Сразу иск (по умолчанию — заявление о вынесении судебного приказа).")
@click.option("--filed", default=None, metavar="ГГГГ-ММ-ДД", help="День подачи (долг и пени на этот день).")
@click.option("--court", default=None, help="Кому: «мировому судье судебного участка № 1 …».")
@click.option("--include-barred", is_flag=True, help="Включить месяцы за пределами срока давности.")
@click.option("--costs", default=None, metavar="РУБ", help="Прочие судебные расходы (почта, выписка ЕГРН).")
@click.pass_obj
def case_open(obj: Context, account: str, claim: bool, filed: str | None, court: str | None, include_barred: bool,
              costs: str | None) -> None:
    """Завести дело: долг по месяцам и услугам, пени на день подачи, госпошлина, должники. Месяц взыскивается с тех,
    кто отвечал за него (собственники или семья нанимателя в том месяце): если собственник сменился — по делу на
    каждый состав должников."""
    opened = obj.app.collection.open_case(account, stage="claim" if claim else "court_order",
                                          filed_on=_day(filed, "--filed"), court=court, include_barred=include_barred,
                                          other_costs=_rub(costs, "--costs"))
    if len(opened) > 1:
        click.echo(f"Заведено дел: {len(opened)} ({', '.join(c.number for c in opened)}) — по одному на каждый "
                   "состав должников: долг месяца взыскивается с тех, кто отвечал за него")
    for i, c in enumerate(opened):
        if i:
            click.echo("")
        for line in _card(c):
            click.echo(line)
        click.echo(f"Заявление: bcenter cases document {c.number} --out заявление-{c.number}.pdf"
                   if len(opened) > 1 else f"Заявление: bcenter cases document {c.number} --out заявление.pdf")


@cases.command("list")
@db_option
@click.option("--all", "show_all", is_flag=True, help="И закрытые.")
@click.option("--account", default=None, metavar="ЛИЦЕВОЙ_СЧЁТ")
@click.pass_obj
def case_list(obj: Context, show_all: bool, account: str | None) -> None:
    """Судебные дела: открытые (или все), с должниками каждого дела."""
    rows = obj.app.collection.cases(which="all" if show_all else "open", account=account)
    for c in rows:
        click.echo(f"{c.number}  {c.opened_on:%d.%m.%Y}  ЛС {c.account}  {c.debtors}  {c.stage_name}  долг "
                   f"{format_rub_ru(c.principal)}, пени {format_rub_ru(c.penalties)}")
    if not rows:
        click.echo("Дел нет: bcenter debtors list --months 3 --not-in-court, затем bcenter cases open ЛИЦЕВОЙ_СЧЁТ")


@cases.command("card")
@db_option
@click.argument("number", metavar="НОМЕР")
@click.option("--as-of", default=None, metavar="ГГГГ-ММ-ДД")
@click.option("--json", "as_json", is_flag=True, help="Вывести в JSON.")
@click.pass_obj
def case_card(obj: Context, number: str, as_of: str | None, as_json: bool) -> None:
    """Карточка дела: стадия, суммы, ход дела, взыскания."""
    c = obj.app.collection.case(number, as_of=_day(as_of, "--as-of"))
    if as_json:
        click.echo(output.dumps(_card_json(c)))
    else:
        for line in _card(c):
            click.echo(line)


@cases.command("stage")
@db_option
@click.argument("number", metavar="НОМЕР")
@click.option("--to", "stage", type=click.Choice(STAGES), required=True,
              help="order_issued — приказ вынесен, order_cancelled — отменён, claim — подан иск, judgment — решение, "
                   "enforcement — исполнительный документ / ФССП.")
@click.option("--day", default=None, metavar="ГГГГ-ММ-ДД", help="Дата шага (по умолчанию — сегодня).")
@click.option("--court", default=None, help="Суд (если сменился).")
@click.option("--number", "court_number", default=None, help="Номер дела, приказа, исполнительного листа или ИП.")
@click.option("--received", default=None, metavar="ГГГГ-ММ-ДД", help="Приказ получен должником (срок возражений).")
@click.option("--note", default=None)
@click.option("--costs", default=None, metavar="РУБ", help="Новые прочие расходы.")
@click.pass_obj
def case_stage(obj: Context, number: str, stage: str, day: str | None, court: str | None, court_number: str | None,
               received: str | None, note: str | None, costs: str | None) -> None:
    """Следующий шаг дела."""
    c = obj.app.collection.advance(number, stage=stage, day=_day(day, "--day"), court=court, court_number=court_number,
                                   received_on=_day(received, "--received"), note=note,
                                   other_costs=_rub(costs, "--costs"))
    click.echo(f"Дело {c.number}: {c.stage_name}" + (f"; возражения — по {c.objection_deadline:%d.%m.%Y}"
                                                     if stage == "order_issued" and c.objection_deadline else "")
               + (f"; госпошлина иска {format_rub_ru(c.duty)}" if stage == "claim" else ""))


@cases.command("recover")
@db_option
@click.argument("number", metavar="НОМЕР")
@click.option("--amount", required=True, metavar="РУБ")
@click.option("--day", default=None, metavar="ГГГГ-ММ-ДД", help="День поступления.")
@click.option("--source", type=click.Choice(["fssp", "bank", "employer", "voluntary"]), default="fssp",
              show_default=True)
@click.option("--document", default=None, help="Платёжное поручение, номер ИП.")
@click.pass_obj
def case_recover(obj: Context, number: str, amount: str, day: str | None, source: str, document: str | None) -> None:
    """Взысканные деньги: расходы, затем месяцы дела от старых к новым, затем пени."""
    r = obj.app.collection.recover(number, amount=_rub(amount, "--amount"), day=_day(day, "--day"), source=source,
                                   document=document)
    months = ", ".join(f"{p}: {format_rub_ru(a)}" for p, a in r.by_month)
    click.echo(f"{r.number}: расходы {format_rub_ru(r.costs)}, долг {format_rub_ru(r.principal)}"
               + (f" ({months})" if months else "") + f", пени {format_rub_ru(r.penalties)}"
               + (f", сверх долга {format_rub_ru(r.overpaid)} — к возврату должнику: за другие месяцы лицевого "
                  "счёта отвечают другие лица" if r.refund else f", сверх долга {format_rub_ru(r.overpaid)} — оплата "
                  "лицевого счёта" if r.overpaid else "")
               + ("; дело закрыто: долг погашен" if r.closed else ""))


@cases.command("close")
@db_option
@click.argument("number", metavar="НОМЕР")
@click.option("--day", default=None, metavar="ГГГГ-ММ-ДД")
@click.pass_obj
def case_close(obj: Context, number: str, day: str | None) -> None:
    """Закрыть дело, по которому ничего не осталось (должник заплатил сам)."""
    c = obj.app.collection.close_case(number, day=_day(day, "--day"))
    click.echo(f"Дело {c.number}: {c.stage_name}")


@cases.command("write-off")
@db_option
@click.argument("number", metavar="НОМЕР")
@click.option("--reason", required=True, help="Истекла давность, банкротство, смерть должника без наследников …")
@click.option("--day", default=None, metavar="ГГГГ-ММ-ДД")
@click.pass_obj
def case_write_off(obj: Context, number: str, reason: str, day: str | None) -> None:
    """Списать долг по делу с указанием причины."""
    c = obj.app.collection.write_off(number, reason=reason, day=_day(day, "--day"))
    click.echo(f"Дело {c.number}: {c.stage_name} — {c.closed_reason}")


@cases.command("document")
@db_option
@click.argument("number", metavar="НОМЕР")
@click.option("--day", default=None, metavar="ГГГГ-ММ-ДД", help="Дата документа.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="Файл PDF.")
@click.pass_obj
def case_document(obj: Context, number: str, day: str | None, out: Path) -> None:
    """Заявление о вынесении судебного приказа (или исковое заявление после отмены приказа) с расчётами."""
    doc = obj.app.collection.court_document(number, day=_day(day, "--day"))
    _write(out, doc.pdf)
    click.echo(f"{doc.number} — {out}")
