"""``bcenter payments …``: bank registries, payments, the suspense queue — over ``app.payments``."""
from __future__ import annotations

from pathlib import Path

import click

from bcenter.cli import Context, _date, _show, cli, db_option
from bcenter.core.money import format_kop, format_rub_ru
from bcenter.core.text import count_ru


def _rub(kop: int | None) -> str:
    return "—" if kop is None else format_rub_ru(kop)


@cli.group()
def payments() -> None:
    """Платежи: загрузка реестров банков, просмотр оплат, невыясненные платежи."""


@payments.command("profiles")
def profiles() -> None:
    """Форматы реестров, которые знает bcenter (assets/registries/*.toml)."""
    from bcenter.app.payments import registry_profiles

    found, folder = registry_profiles()
    for profile in found:
        click.echo(f"{profile.name:<12} {profile.title} — {profile.encoding}, {profile.format}")
    click.echo(f"Свой формат: скопируйте файл из {folder} и укажите путь к копии в --profile.")


@payments.command("import")
@db_option
@click.argument("path", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--profile", required=True, metavar="ИМЯ|ФАЙЛ",
              help="Формат реестра: sber, sber_tagged, csv, dbf или путь к своему профилю .toml "
                   "(bcenter payments profiles).")
@click.option("--agent", default=None, help="Платёжный агент (по умолчанию — из профиля).")
@click.option("--dry-run", is_flag=True, help="Проверить и показать, что будет загружено, ничего не записывая.")
@click.option("--repeats", is_flag=True,
              help="Все строки файла совпадают с загруженными ранее (нет номеров операций), но по выписке это новые "
                   "платежи: загрузить их в невыясненные для сверки.")
@click.option("--json", "as_json", is_flag=True, help="Вывести в JSON.")
@click.pass_obj
def import_(obj: Context, path: Path, profile: str, agent: str | None, dry_run: bool, repeats: bool,
            as_json: bool) -> None:
    """Загрузить реестр платежей банка: всё или ничего; неизвестные лицевые счета — в невыясненные."""
    result = obj.app.payments.import_registry(path, profile=profile, agent=agent, dry_run=dry_run, repeats=repeats)
    _show(result, as_json, _import_json, _import_text)


def _import_json(r) -> dict:
    money = lambda k: None if k is None else format_kop(k)  # noqa: E731  (rubles as strings: EXCHANGE.md)
    return {"file": r.file_name, "profile": r.profile, "agent": r.agent, "registry": r.registry_id,
            "dry_run": r.dry_run, "lines": r.lines, "total": money(r.total), "payments": r.payments,
            "paid": money(r.paid), "suspense": r.suspense, "suspense_total": money(r.suspense_total),
            "known": r.known, "known_total": money(r.known_total),
            "repeats": [{"line": n, "before": where} for n, where in r.repeats],
            "repeats_total": money(r.repeats_total), "transfer": money(r.transfer),
            "commission": money(r.commission),
            "order_number": r.order_number,
            "unknown_accounts": [{"line": n, "account": a} for n, a in r.unknown_accounts],
            "readings": r.readings, "readings_held": dict(r.readings_held),
            "readings_refused": [{"line": n, "counter": c, "value": v, "reason": why}
                                 for n, c, v, why in r.readings_refused]}


def _import_text(r) -> list[str]:
    head = "Проверка реестра (ничего не записано)" if r.dry_run else "Реестр загружен"
    out = [f"{head}: {r.file_name} ({r.profile}, {r.agent}) — {count_ru(r.lines, 'строка', 'строки', 'строк')} "
           f"на {_rub(r.total)}"]
    out.append(f"  платежей на лицевые счета{' будет' if r.dry_run else ''}: {r.payments} на {_rub(r.paid)}")
    if r.suspense:
        out.append(f"  в невыясненные (лицевой счёт не найден): {r.suspense} на {_rub(r.suspense_total)}")
        for line, account in r.unknown_accounts[:10]:
            out.append(f"    строка {line}: лицевой счёт «{account}»")
        if len(r.unknown_accounts) > 10:
            out.append(f"    … ещё {len(r.unknown_accounts) - 10}")
        out.append("  Разнести: bcenter payments suspense, затем bcenter payments resolve НОМЕР --account ЛС")
    if r.known:
        out.append(f"  уже загружены раньше (пропущены): {r.known} на {_rub(r.known_total)}")
    if r.repeats:
        out.append(f"  возможные повторы (нет номера операции; в невыясненные): {len(r.repeats)} на "
                   f"{_rub(r.repeats_total)}")
        out += [f"    строка {line}: такой же платёж уже загружен ({where})" for line, where in r.repeats[:10]]
        if len(r.repeats) > 10:
            out.append(f"    … ещё {len(r.repeats) - 10}")
        out.append("  Сверьте с выпиской банка: bcenter payments suspense, затем bcenter payments resolve НОМЕР "
                   "--account ЛС или bcenter payments return НОМЕР --reason «повтор»")
    if r.readings or r.readings_refused:
        held = dict(r.readings_held)
        out.append(f"  показаний приборов учёта{' будет' if r.dry_run else ''} принято: {r.readings}"
                   + (f", не принято: {len(r.readings_refused)} (сохранены с платежом)" if r.readings_refused else ""))
        if held:
            out.append(f"    из принятых в расчёт не идут, пока их не подтвердят: ждут подтверждения "
                       f"{held.get('unconfirmed', 0)}, отклонены правилами проверки {held.get('rejected', 0)} — "
                       "bcenter readings list --status pending")
        for line, counter, value, why in r.readings_refused[:10]:
            out.append(f"    {r.file_name}:{line}:CounterVal_{counter}: «{value}» — {why}")
        if len(r.readings_refused) > 10:
            out.append(f"    … ещё {len(r.readings_refused) - 10}")
    if r.transfer is not None or r.commission is not None:
        out.append(f"  перечислено банком: {_rub(r.transfer)}, комиссия: {_rub(r.commission)}"
                   + (f", п/п № {r.order_number}" if r.order_number else ""))
    return out


@payments.command("list")
@db_option
@click.option("--account", default=None, metavar="НОМЕР", help="Только этот лицевой счёт.")
@click.option("--date", "day", default=None, metavar="ГГГГ-ММ-ДД", help="Только оплаты этого дня.")
@click.option("--limit", type=click.IntRange(1, 100_000), default=50, show_default=True, help="Сколько строк.")
@click.option("--json", "as_json", is_flag=True, help="Вывести в JSON.")
@click.pass_obj
def list_(obj: Context, account: str | None, day: str | None, limit: int, as_json: bool) -> None:
    """Оплаты — новые первыми."""
    rows = obj.app.payments.list(account=account, day=_date(day, "--date") if day else None, limit=limit)
    _show(rows, as_json, lambda rs: [{"id": r.id, "account": r.account, "amount": format_kop(r.amount),
                                      "paid_on": r.paid_on.isoformat(), "period": r.period, "channel": r.channel,
                                      "agent": r.agent, "registry": r.registry, "storno_of": r.storno_of} for r in rs],
          lambda rs: [f"{r.paid_on:%d.%m.%Y}  ЛС {r.account}  {_rub(r.amount):>14}  {r.channel}"
                      + (f"  {r.agent}" if r.agent else "") + (f"  за {r.period}" if r.period else "")
                      + (f"  реестр {r.registry}" if r.registry else "")
                      + (f"  сторно платежа {r.storno_of}" if r.storno_of else "") + f"  [{r.id}]" for r in rs]
          or ["Оплат не найдено."])


@payments.command("suspense")
@db_option
@click.option("--all", "show_all", is_flag=True, help="И разнесённые, и возвращённые.")
@click.option("--json", "as_json", is_flag=True, help="Вывести в JSON.")
@click.pass_obj
def suspense(obj: Context, show_all: bool, as_json: bool) -> None:
    """Невыясненные платежи: лицевой счёт из реестра не найден в картотеке."""
    rows = obj.app.payments.suspense(open_only=not show_all)
    _show(rows, as_json, lambda rs: [{"id": r.id, "registry": r.registry, "line": r.line_no,
                                      "account_number": r.account_number, "amount": format_kop(r.amount),
                                      "paid_on": r.paid_on.isoformat(), "reason": r.reason,
                                      "resolved_to": r.resolved_to, "returned": r.returned} for r in rs],
          _suspense_text)


def _suspense_text(rows) -> list[str]:
    if not rows:
        return ["Невыясненных платежей нет."]
    out = []
    for r in rows:
        state = (f" → ЛС {r.resolved_to}" if r.resolved_to else "") + (f" → возвращён: {r.returned}"
                                                                       if r.returned else "")
        out.append(f"{r.id}  {r.paid_on:%d.%m.%Y}  {_rub(r.amount):>14}  «{r.account_number or ''}»  "
                   f"{r.registry or ''}:{r.line_no or ''}  {r.reason}{state}")
    out.append("Разнести: bcenter payments resolve НОМЕР --account ЛС; вернуть: bcenter payments return НОМЕР "
               "--reason …")
    return out


@payments.command("resolve")
@db_option
@click.argument("suspense_id", metavar="НОМЕР")
@click.option("--account", required=True, metavar="ЛС", help="Лицевой счёт, на который отнести платёж.")
@click.option("--reason", default=None, help="Основание (например, «заявление плательщика от 05.12»).")
@click.pass_obj
def resolve(obj: Context, suspense_id: str, account: str, reason: str | None) -> None:
    """Отнести невыясненный платёж на лицевой счёт."""
    done = obj.app.payments.resolve(suspense_id, account=account, reason=reason)
    click.echo(f"Платёж {done.payment} отнесён на лицевой счёт {account}.")
    for text in done.readings_text():
        click.echo(f"  {text}")



@payments.command("return")
@db_option
@click.argument("suspense_id", metavar="НОМЕР")
@click.option("--reason", required=True, help="Почему платёж возвращается банку плательщика.")
@click.pass_obj
def return_(obj: Context, suspense_id: str, reason: str) -> None:
    """Вернуть невыясненный платёж банку плательщика."""
    obj.app.payments.return_(suspense_id, reason=reason)
    click.echo(f"Невыясненный платёж {suspense_id} отмечен возвращённым: {reason}")


@payments.command("storno")
@db_option
@click.argument("payment_id", metavar="НОМЕР")
@click.option("--reason", required=True, help="Почему: не тот лицевой счёт, не та сумма, дубль.")
@click.option("--to-account", default=None, metavar="ЛС", help="Перенести платёж на этот лицевой счёт (с его датой).")
@click.pass_obj
def storno(obj: Context, payment_id: str, reason: str, to_account: str | None) -> None:
    """Сторнировать ошибочный платёж (платёж не правится: запись с обратной суммой) и, если нужно, перенести."""
    result = obj.app.payments.storno(payment_id, reason=reason, to_account=to_account)
    click.echo(f"Платёж {payment_id} сторнирован (запись {result.storno}).")
    if result.reposted:
        click.echo(f"Перенесён на лицевой счёт {to_account}: платёж {result.reposted}.")
