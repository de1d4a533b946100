"""The ``bcenter`` command: a thin layer over the services (ARCHITECTURE.md §7).

Exit codes: 0 — done; 1 — the job failed (bad data, nothing written); 2 — wrong usage.
"""
from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

import click

from bcenter.core.errors import BcenterError, UsageError
from bcenter.core.money import format_kop, format_rub_ru
from bcenter.core.period import Period
from bcenter.core.text import count_ru


class Context:
    def __init__(self, url: str):
        self.url = url
        self._db = None

    @property
    def db(self):
        if self._db is None:
            from db.connection import open_database

            self._db = open_database(self.url)
        return self._db


def _db_option_default() -> str:
    from db.connection import default_url

    return default_url()


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110})
@click.option("--db", "url", metavar="URL", default=None,
              help="База данных: sqlite:///путь или postgresql://… (по умолчанию $BCENTER_DB или файл в каталоге "
                   "данных пользователя).")
@click.version_option(package_name="bcenter", prog_name="bcenter")
@click.pass_context
def cli(ctx: click.Context, url: str | None) -> None:
    """bcenter — «Биллинговый Центр»: расчёт и приём платы за ЖКУ.

    Начните с `bcenter demo` (демонстрационный город) или `bcenter init` и `bcenter import ФАЙЛ`.
    """
    ctx.obj = Context(url or _db_option_default())


def _set_db(ctx: click.Context, _param, value: str | None):
    if value is not None:
        ctx.find_object(Context).url = value
    return value


def db_option(command):
    """``--db URL`` accepted after the command name too: ``bcenter demo --accounts 2000 --db sqlite:///x.db``."""
    return click.option("--db", "db_url", metavar="URL", default=None, expose_value=False, is_eager=True,
                        callback=_set_db, help="База данных (то же, что --db перед командой).")(command)


def _progress(total: int | None, desc: str):
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit=" ЛС" if "город" in desc else "", disable=None, file=sys.stderr,
                dynamic_ncols=True)


@cli.command()
@db_option
@click.option("--site-code", default=None, help="Короткий код этого рабочего места (по умолчанию S01).")
@click.option("--site-kind", type=click.Choice(["office", "kiosk", "tablet", "central"]), default="office",
              show_default=True, help="Вид рабочего места.")
@click.pass_obj
def init(obj: Context, site_code: str | None, site_kind: str) -> None:
    """Создать или обновить базу: схема, код рабочего места, встроенные таблицы законодательства."""
    from bcenter.modules.registry.service import initialize

    result = initialize(obj.db, site_code=site_code, site_kind=site_kind)
    added = sum(result["law_rows"].values())
    click.echo(f"База готова: {obj.url}\nРабочее место: {result['site_code']}; добавлено строк таблиц "
               f"законодательства: {added}.")


def _ensure_init(obj: Context) -> None:
    from bcenter.modules.registry.service import initialize
    from db.models import LocalSetting

    db = obj.db
    if LocalSetting.get_or_none(LocalSetting.key == "site_id") is None:
        initialize(db)


@cli.command()
@db_option
@click.option("--accounts", type=click.IntRange(1, 200_000), default=2000, show_default=True,
              help="Сколько лицевых счетов в городе.")
@click.option("--seed", type=int, default=1, show_default=True, help="Зерно генератора (тот же — тот же город).")
@click.option("--until", "until", metavar="ГГГГ-ММ", default=None,
              help="Последний месяц истории (по умолчанию — месяц перед текущим).")
@click.option("--ledger", is_flag=True,
              help="Рассчитать и закрыть все месяцы истории, последний — рассчитать и оставить открытым "
                   "(как в работающей конторе: сальдо, пени, счета).")
@click.pass_obj
def demo(obj: Context, accounts: int, seed: int, until: str | None, ledger: bool) -> None:
    """Построить демонстрационный город в базе (детерминированно по зерну) и выйти."""
    import os

    from bcenter.modules.registry.service import build_demo, build_demo_ledger

    until_period = _period(until, "--until") if until else Period.of(date.today()) - 1
    _ensure_init(obj)
    with _progress(accounts, "Демо-город") as bar:
        result = build_demo(obj.db, accounts=accounts, seed=seed, until=str(until_period), progress=bar.update)
    inserted = result["inserted"]
    click.echo(f"Демо-город построен: {count_ru(inserted.get('account', 0), 'лицевой счёт', 'лицевых счёта', 'лицевых счетов')}, "
               f"{count_ru(inserted.get('house', 0), 'дом', 'дома', 'домов')}, "
               f"{count_ru(inserted.get('meter_reading', 0), 'показание', 'показания', 'показаний')}, "
               f"{count_ru(inserted.get('payment', 0), 'платёж', 'платежа', 'платежей')} (история по {until_period}).")
    if result["unchanged"]:
        click.echo(f"Уже были в базе и не изменились: {result['unchanged']} объектов.")
    if ledger:
        from db.demo.calendar import HISTORY_MONTHS

        with _progress(HISTORY_MONTHS, "Расчёт и закрытие месяцев") as bar:
            closed = build_demo_ledger(obj.db, until=str(until_period), workers=os.cpu_count() or 1, url=obj.url,
                                       progress=lambda _p: bar.update(1))
        click.echo(f"Закрыто месяцев: {len(closed)}" + (f" ({closed[0]} — {closed[-1]})" if closed else "")
                   + f"; {until_period} рассчитан и открыт.")


@cli.command("import")
@db_option
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_obj
def import_(obj: Context, file: Path) -> None:
    """Импортировать документ формата обмена (всё или ничего; все ошибки — списком)."""
    from bcenter.modules.exchange.service import import_file

    _ensure_init(obj)
    with _progress(None, "Импорт") as bar:
        def advance(n: int, total: int) -> None:
            bar.total = total
            bar.update(n)

        result = import_file(file, db=obj.db, progress=advance)
    objects = {k: v for k, v in result.inserted.items() if not k.endswith(("_service", "_split", "bank_detail"))}
    if not result.changed:
        click.echo(f"Ничего не изменилось: все {sum(result.unchanged.values())} объектов уже были импортированы.")
        return
    if objects:
        click.echo("Импортировано: " + ", ".join(f"{k} {v}" for k, v in sorted(objects.items())))
    if result.unchanged:
        click.echo(f"Уже были в базе: {sum(result.unchanged.values())} объектов.")
    if result.updated:
        click.echo("Обновлено: " + ", ".join(result.updated))


@cli.command()
@db_option
@click.argument("file", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@click.option("--mask-personal-data", is_flag=True, help="Скрыть документы, СНИЛС, телефоны и e-mail.")
@click.pass_obj
def export(obj: Context, file: Path, mask_personal_data: bool) -> None:
    """Выгрузить базу в документ формата обмена."""
    from bcenter.modules.exchange.service import export_file

    with _progress(None, "Выгрузка") as bar:
        counts = export_file(file, db=obj.db, mask_personal_data=mask_personal_data,
                             progress=lambda section, n: bar.update(n))
    click.echo(f"Выгружено в {file}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))


@cli.command()
@db_option
@click.option("--json", "as_json", is_flag=True, help="Вывести в JSON.")
@click.pass_obj
def info(obj: Context, as_json: bool) -> None:
    """Что в базе: количества, периоды, размер."""
    from bcenter.modules.registry.service import INFO_TABLES, summary

    data = summary(obj.db, url=obj.url)
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    click.echo(f"База: {data['database']} (схема v{data['schema_version']}, {data['size_bytes'] / 1e6:.1f} МБ), "
               f"рабочее место {data['site_code'] or '— (не инициализирована)'}")
    for town in data["towns"]:
        click.echo(f"Город: {town['city']} — {count_ru(town['houses'], 'дом', 'дома', 'домов')}")
    for table, label in INFO_TABLES:
        click.echo(f"  {label:<24} {data['counts'][table]:>10}")
    readings, payments = data["periods"]["readings"], data["periods"]["payments"]
    if readings[0]:
        click.echo(f"Показания: {readings[0]} — {readings[1]}")
    if payments[0]:
        click.echo(f"Платежи: {payments[0]} — {payments[1]}, всего {format_rub_ru(data['payments_total_kop'])}")
    if data["billing_periods"]:
        click.echo("Расчётные периоды: " + ", ".join(f"{k} {v}" for k, v in data["billing_periods"].items()))


@cli.command()
@db_option
@click.argument("text")
@click.option("--limit", type=int, default=20, show_default=True, help="Сколько результатов показать.")
@click.option("--json", "as_json", is_flag=True, help="Вывести в JSON.")
@click.pass_obj
def search(obj: Context, text: str, limit: int, as_json: bool) -> None:
    """Найти лицевой счёт по номеру, адресу или ФИО."""
    from db.search import search_accounts

    rows = search_accounts(obj.db, text, limit=limit)
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo("Ничего не найдено.")
    for row in rows:
        click.echo(f"{row['number']}  {row['address']}  {row['names']}")


@cli.command()
@db_option
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_obj
def backup(obj: Context, file: Path) -> None:
    """Резервная копия базы SQLite в файл (онлайн, без остановки работы)."""
    from db.backup import backup_sqlite

    pages = backup_sqlite(obj.db, file)
    click.echo(f"Резервная копия записана: {file} ({pages} страниц)")


@cli.command()
@db_option
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Не спрашивать подтверждения.")
@click.pass_obj
def restore(obj: Context, file: Path, yes: bool) -> None:
    """Восстановить базу SQLite из резервной копии (текущее содержимое заменяется)."""
    from db.backup import restore_sqlite

    if not yes and sys.stdin.isatty():
        click.confirm(f"Заменить содержимое {obj.url} копией {file}?", abort=True)
    restore_sqlite(obj.db, file)
    click.echo(f"База восстановлена из {file}")


@cli.command()
@db_option
@click.option("--period", "period_text", metavar="ГГГГ-ММ", required=True, help="Расчётный период.")
@click.option("--json", "as_json", is_flag=True, help="Итоги в JSON.")
@click.option("--workers", type=click.IntRange(min=0), default=0, show_default=True, metavar="N",
              help="Процессов расчёта (0 — по числу ядер; 1 — в одном процессе).")
@click.pass_obj
def calc(obj: Context, period_text: str, as_json: bool, workers: int) -> None:
    """Начислить период и пересчитать прошлые периоды, где изменились исходные данные."""
    import os

    from bcenter.modules.registry.month import run_month

    period = _period(period_text, "--period")
    _ensure_init(obj)
    houses = obj.db.execute_sql('SELECT COUNT(*) FROM "account"').fetchone()[0]
    with _progress(houses, "Расчёт") as bar:
        result = run_month(obj.db, period, progress=bar.update, workers=workers or os.cpu_count() or 1, url=obj.url)
    summary = {"period": str(period), "houses_ok": result.houses_ok, "houses_failed": len(result.failed),
               "lines": dict(result.posted), "amounts": {k: format_kop(v) for k, v in result.amounts.items()},
               "recalculated_periods": sorted(result.recalculated_periods),
               "failed": [{"house": h, "gaps": list(g)} for h, g in result.failed]}
    if as_json:
        click.echo(json.dumps(summary, ensure_ascii=False, indent=2))
    else:
        click.echo(f"Период {period}: рассчитано домов {result.houses_ok}, проведено строк {result.lines}.")
        for kind, amount in sorted(result.amounts.items()):
            click.echo(f"  {kind:<16} {result.posted[kind]:>8} строк  {format_rub_ru(amount)}")
        if result.recalculated_periods:
            click.echo("Пересчитаны периоды: " + ", ".join(sorted(result.recalculated_periods)))
        for house, gaps in result.failed:
            click.echo(f"Дом {house} не рассчитан:", err=True)
            for gap in gaps:
                click.echo(f"  {gap}", err=True)
    if result.failed:
        raise BcenterError(f"Не рассчитано домов: {len(result.failed)} (причины выше); остальные дома проведены.")


@cli.command()
@db_option
@click.option("--period", "period_text", metavar="ГГГГ-ММ", required=True, help="Расчётный период.")
@click.option("--account", default=None, metavar="НОМЕР", help="Только этот лицевой счёт.")
@click.option("--json", "as_json", is_flag=True, help="Вывести в JSON (формат EXCHANGE.md).")
@click.pass_obj
def charges(obj: Context, period_text: str, account: str | None, as_json: bool) -> None:
    """Начисления периода по строкам: услуга, способ, объём, тариф, сумма."""
    from bcenter.modules.registry.statements import charge_lines

    data = charge_lines(obj.db, _period(period_text, "--period"), account=account)
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    for line in data["lines"]:
        click.echo(f"{line['account']}  {line['service']:<16} {line['kind']:<15} {line['method'] or '':<18} "
                   f"{line['volume'] or '':>12} {line['tariff'] or '':>10} {line['amount']:>12}"
                   + (f"  ({line['reason']})" if line["reason"] else ""))
    click.echo("Итого: " + ", ".join(f"{k} {v}" for k, v in data["totals"].items()))


@cli.command()
@db_option
@click.option("--account", required=True, metavar="НОМЕР", help="Номер лицевого счёта.")
@click.option("--period", "period_text", metavar="ГГГГ-ММ", required=True, help="Расчётный период.")
@click.pass_obj
def explain(obj: Context, account: str, period_text: str) -> None:
    """Каждая строка начисления: формула, исходные данные и основание."""
    from bcenter.modules.registry.statements import explain as explain_lines

    for line in explain_lines(obj.db, account=account, period=_period(period_text, "--period")):
        click.echo(line)


@cli.command()
@db_option
@click.option("--period", "period_text", metavar="ГГГГ-ММ", required=True, help="Расчётный период.")
@click.option("--workers", type=click.IntRange(min=0), default=0, show_default=True, metavar="N",
              help="Процессов для расчёта сальдо и пеней (0 — по числу ядер; 1 — в одном процессе).")
@click.pass_obj
def close(obj: Context, period_text: str, workers: int) -> None:
    """Закрыть период: сальдо по счетам, услугам и поставщикам; проводить в него больше нельзя."""
    import os

    from bcenter.modules.registry.closing import close_period

    period = _period(period_text, "--period")
    rows = close_period(obj.db, period, workers=workers or os.cpu_count() or 1, url=obj.url)
    click.echo(f"Период {period} закрыт: записано сальдо {rows} строк.")


@cli.command()
@db_option
@click.option("--period", "period_text", metavar="ГГГГ-ММ", required=True, help="Открытый расчётный период.")
@click.option("--account", default=None, metavar="НОМЕР", help="Только этот лицевой счёт.")
@click.option("--reason", required=True, help="Причина сторно: попадёт в строки и в журнал.")
@click.pass_obj
def storno(obj: Context, period_text: str, account: str | None, reason: str) -> None:
    """Сторнировать начисления и перерасчёты открытого периода; следующий calc начислит их заново."""
    from bcenter.modules.registry.storno import storno_charges

    period = _period(period_text, "--period")
    _ensure_init(obj)
    result = storno_charges(obj.db, period, reason=reason, account=account)
    if not result.entries:
        click.echo(f"В периоде {period} нет несторнированных начислений" + (f" по счёту {account}." if account else "."))
        return
    click.echo(f"Сторнировано проводок {result.entries}, строк {result.lines} на сумму {format_rub_ru(result.amount)}.")
    click.echo(f"Начислить заново:  bcenter calc --period {period}")


@cli.command()
@db_option
@click.option("--period", "period_text", metavar="ГГГГ-ММ", required=True, help="Расчётный период.")
@click.option("--json", "as_json", is_flag=True, help="Вывести в JSON (формат EXCHANGE.md).")
@click.pass_obj
def balances(obj: Context, period_text: str, as_json: bool) -> None:
    """Сальдо периода: входящее, начислено, перерасчёт, оплачено, пени, исходящее."""
    from bcenter.modules.registry.closing import balances_report

    data = balances_report(obj.db, _period(period_text, "--period"))
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    for row in data["accounts"]:
        click.echo(f"{row['account']} {row['service']:<16} вх. {row['opening']:>10} нач. {row['charged']:>10} "
                   f"перерасч. {row['recalculated']:>9} опл. {row['paid']:>10} исх. {row['closing']:>10}")


@cli.command()
@db_option
@click.option("--period", "period_text", metavar="ГГГГ-ММ", required=True, help="Расчётный период.")
@click.option("--kind", type=click.Choice(["monthly", "debt", "advance"]), default="monthly", show_default=True,
              help="Вид счёта: monthly — ЕПД за месяц, debt — на оплату долга, advance — на оплату вперёд.")
@click.option("--house", default=None, metavar="ДОМ", help="Только этот дом (код из обмена или id).")
@click.option("--account", default=None, metavar="НОМЕР", help="Только этот лицевой счёт.")
@click.option("--months", type=click.IntRange(1, 36), default=3, show_default=True,
              help="Счёт вперёд (--kind advance): на сколько месяцев.")
@click.option("--as-of", "as_of", metavar="ГГГГ-ММ-ДД", default=None,
              help="Счёт на долг (--kind debt): долг и пени на эту дату (по умолчанию — последний день периода).")
@click.option("--out", "out", required=True, type=click.Path(path_type=Path),
              help="Куда: файл .pdf (все счета в одном) или каталог (по файлу на лицевой счёт).")
@click.option("--workers", type=click.IntRange(min=0), default=0, show_default=True, metavar="N",
              help="Процессов печати (0 — по числу ядер; 1 — в одном процессе).")
@click.pass_obj
def bills(obj: Context, period_text: str, kind: str, house: str | None, account: str | None, months: int,
          as_of: str | None, out: Path, workers: int) -> None:
    """Платёжные документы (ЕПД) с QR-кодом оплаты: в порядке разноски — дом, подъезд, квартира."""
    import os

    from bcenter.modules.bills.batch import Job, print_bills

    period = _period(period_text, "--period")
    day = _date(as_of, "--as-of").isoformat() if as_of else None
    _ensure_init(obj)
    job = Job(url=obj.url, period=str(period), kind=kind, months=months, as_of=day)
    with _progress(None, "Счета") as bar:
        def total(n: int) -> None:
            bar.total = n
            bar.refresh()

        result = print_bills(obj.db, job, out=out, house=house, account=account,
                             workers=workers or os.cpu_count() or 1, progress=bar.update, total=total)
    where = out if out.suffix.lower() == ".pdf" else f"{out}{os.sep} ({count_ru(len(result.files), 'файл', 'файла', 'файлов')})"
    if result.printed:
        click.echo(f"Счета за {period.label_ru}: {count_ru(result.printed, 'счёт', 'счёта', 'счетов')}, "
                   f"{count_ru(result.pages, 'страница', 'страницы', 'страниц')} → {where}")
    else:
        click.echo("Счетов нет: " + ("файл не создан." if out.suffix.lower() == ".pdf" else "файлы не созданы."))
    if result.skipped:
        click.echo(f"Пропущено (нечего предъявить): {count_ru(result.skipped, 'лицевой счёт', 'лицевых счёта', 'лицевых счетов')}"
                   + (f" — {', '.join(result.skipped_accounts[:10])}{' …' if result.skipped > 10 else ''}"))


def as_of_options(command):
    """--as-of, --account and --json of the money reports (debts, penalties)."""
    for option in reversed([
        click.option("--as-of", "as_of", metavar="ГГГГ-ММ-ДД", required=True, help="На какую дату (включительно)."),
        click.option("--account", default=None, metavar="НОМЕР", help="Только этот лицевой счёт."),
        click.option("--json", "as_json", is_flag=True, help="Вывести в JSON (формат EXCHANGE.md)."),
        click.pass_obj,
    ]):
        command = option(command)
    return command


def _date(text: str, option: str) -> date:
    if len(text) == 10:
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    raise UsageError(f"{option}: ожидается дата ГГГГ-ММ-ДД, получено «{text}»")


@cli.command()
@db_option
@as_of_options
def debts(obj: Context, as_of: str, account: str | None, as_json: bool) -> None:
    """Долги по периодам начисления после всех оплат по дату включительно."""
    from bcenter.modules.finance.position import Finance

    data = Finance(obj.db).debts(as_of=_date(as_of, "--as-of"), number=account)
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    for acc in data["accounts"]:
        click.echo(f"{acc['account']}: долг {acc['total']}")
        for line in acc["periods"]:
            click.echo(f"  {line['period']} {line['service']:<16} начислено {line['charged']:>10} оплачено "
                       f"{line['paid']:>10} долг {line['debt']:>10} срок {line['due']}")


@cli.command()
@db_option
@as_of_options
def penalties(obj: Context, as_of: str, account: str | None, as_json: bool) -> None:
    """Пени (ч. 14 и 14.1 ст. 155 ЖК РФ) по периодам с расчётом по интервалам."""
    from bcenter.modules.finance.position import Finance

    data = Finance(obj.db).penalties(as_of=_date(as_of, "--as-of"), number=account)
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    for acc in data["accounts"]:
        click.echo(f"{acc['account']}: пени {acc['total']}")
        for row in acc["rows"]:
            click.echo(f"  {row['period']} {row['service'] or '':<16} {row['from']}–{row['to']} {row['days']:>4} дн. "
                       f"долг {row['debt']:>10} × {row['rate']} % × {row['fraction']} = {row['amount']}")


def _period(text: str, option: str) -> Period:
    try:
        return Period.parse(text)
    except BcenterError:
        raise UsageError(f"{option}: ожидается месяц ГГГГ-ММ, получено «{text}»") from None


def main(argv: list[str] | None = None) -> int:
    """Entry point: runs the command, turns our errors into messages and exit codes."""
    try:
        cli.main(args=argv, prog_name="bcenter", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Отменено.", err=True)
        return 1
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except BcenterError as exc:
        click.echo(f"Ошибка: {exc.message_ru}", err=True)
        return exc.exit_code
    except click.exceptions.Exit as exc:
        return exc.exit_code
    finally:
        from db.connection import close_database

        close_database()
    return 0


if __name__ == "__main__":
    sys.exit(main())
