"""The ``bcenter`` command: parses, calls ``bcenter.app``, formats — nothing else (ARCHITECTURE.md §7).

It acts as the local administrator (``Actor.local_administrator``) until users exist. Long jobs draw a progress
bar on a terminal (quiet with ``--json`` or when the output is not a terminal); Ctrl+C stops them at the next safe
point — nothing half-written — and a second Ctrl+C interrupts at once.

Exit codes: 0 — done; 1 — the job failed (bad data, nothing written); 2 — wrong usage.
"""
from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import click

from bcenter.app import App, BcenterError, Job, UsageError
from bcenter.app.crash import crash_report
from bcenter.cli import output
from bcenter.core.dates import format_date_ru
from bcenter.core.money import format_rub_ru
from bcenter.core.period import Period
from bcenter.core.text import count_ru
from bcenter.core.vocabulary import TABLE_NAMES


class Context:
    """The command's database URL and, once a command needs it, the application opened on it."""

    def __init__(self, url: str | None):
        self.url = url
        self.create = False
        self._app: App | None = None

    @property
    def app(self) -> App:
        if self._app is None:
            self._app = App.open(self.url, create=self.create)
        return self._app

    def creating(self) -> "Context":
        """This command may start a new database (init, demo, import); the others refuse a missing file."""
        self.create = True
        return self

    def close(self) -> None:
        if self._app is not None:
            self._app.close()
            self._app = None


class Interrupted(BaseException):
    """The second Ctrl+C: stop at once (not a KeyboardInterrupt, which click turns into «Отменено.», exit 1)."""


@contextlib.contextmanager
def progress(desc: str, *, quiet: bool = False, unit: str = "") -> Iterator[Job]:
    """A job for a long use case: a bar on stderr when it is a terminal (and not ``quiet``); the first Ctrl+C asks
    the job to stop at its next safe point, a second one interrupts at once."""
    from tqdm import tqdm

    bar = None

    def shown():
        nonlocal bar
        if bar is None:
            bar = tqdm(total=None, desc=desc, unit=unit, disable=True if quiet else None, file=sys.stderr,
                       dynamic_ncols=True)
        return bar

    def total(n: int | None) -> None:
        shown().total = n
        shown().refresh()

    job = Job(on_total=total, on_advance=lambda n: shown().update(n))
    previous = None

    def interrupt(signum, frame):
        if job.cancelled:
            raise Interrupted
        job.cancel()
        click.echo("\nОстанавливаю после текущей части (ещё раз Ctrl+C — прервать сразу)…", err=True)

    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGINT, interrupt)
    try:
        yield job
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)
        if bar is not None:
            bar.close()


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
    ctx.obj = Context(url)
    ctx.call_on_close(ctx.obj.close)


def _set_db(ctx: click.Context, _param, value: str | None):
    if value is not None:
        ctx.find_object(Context).url = value
    return value


def db_option(command):
    """``--db URL`` accepted after the command name too: ``bcenter demo --accounts 2000 --db sqlite:///x.db``."""
    return click.option("--db", "db_url", metavar="URL", default=None, expose_value=False, is_eager=True,
                        callback=_set_db, help="База данных (то же, что --db перед командой).")(command)


def workers_option(what: str):
    return click.option("--workers", type=click.IntRange(min=0), default=0, show_default=True, metavar="N",
                        help=f"Процессов {what} (0 — по числу ядер; 1 — в одном процессе).")


def _period(text: str, option: str) -> Period:
    try:
        return Period.parse(text)
    except BcenterError:
        raise UsageError(f"{option}: ожидается месяц ГГГГ-ММ, получено «{text}»") from None


def _rubles(text: str, option: str) -> int:
    """An amount an option gives in rubles («12500.00», «12 500,00») → kopecks; anything else a usage error naming
    the option."""
    from bcenter.core.money import parse_rub_ru

    try:
        return parse_rub_ru(text)
    except BcenterError:
        raise UsageError(f"{option}: «{text}» — не сумма в рублях (например 12500.00)") from None


def _date(text: str, option: str) -> date:
    if len(text) == 10:
        try:
            day = date.fromisoformat(text)
        except ValueError:
            pass
        else:
            if 1900 <= day.year <= 2100:  # beyond, a typo — and day arithmetic near 9999 overflows
                return day
            raise UsageError(f"{option}: дата {text} вне 1900–2100 годов — проверьте год")
    raise UsageError(f"{option}: ожидается дата ГГГГ-ММ-ДД, получено «{text}»")


def _echo_lines(lines: list[str]) -> None:
    for line in lines:
        click.echo(line)


def _show(result, as_json: bool, to_json, to_text) -> None:
    """A report as JSON (the shape EXCHANGE.md fixes) or as lines for people."""
    if as_json:
        click.echo(output.dumps(to_json(result)))
    else:
        _echo_lines(to_text(result))


@cli.command()
@db_option
@click.option("--site-code", default=None, help="Короткий код этого рабочего места (по умолчанию S01).")
@click.option("--site-kind", type=click.Choice(["office", "kiosk", "tablet", "central"]), default="office",
              show_default=True, help="Вид рабочего места.")
@click.pass_obj
def init(obj: Context, site_code: str | None, site_kind: str) -> None:
    """Создать или обновить базу: схема, код рабочего места, встроенные таблицы законодательства."""
    from bcenter.app.system import safe_url

    result = obj.creating().app.system.init(site_code=site_code, site_kind=site_kind)
    click.echo(f"База готова: {safe_url(obj.app.url)}\nРабочее место: {result.site_code}; добавлено строк таблиц "
               f"законодательства: {sum(result.law_rows.values())}.")


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
@click.option("--payments", type=click.Choice(["bills", "estimates"]), default=None,
              help="Откуда платежи: bills — жители оплачивают рассчитанные счета месяц за месяцем (по умолчанию с "
                   "--ledger); estimates — по прикидке счетов (без --ledger; так строили город выпуски до "
                   "2026-12-05).")
@click.pass_obj
def demo(obj: Context, accounts: int, seed: int, until: str | None, ledger: bool, payments: str | None) -> None:
    """Построить демонстрационный город в базе (детерминированно по зерну) и выйти."""
    app = obj.creating().app
    until_period = _period(until, "--until") if until else Period.of(app.clock.today()) - 1
    payments = payments or ("bills" if ledger else "estimates")
    if payments == "bills" and not ledger:
        raise UsageError("--payments bills: платежи по счетам появляются при расчёте месяцев — добавьте --ledger")
    with progress("Демо-город", unit=" ЛС") as job:
        result = app.demo.build(accounts=accounts, seed=seed, until=until_period, job=job, payments=payments)
    inserted = result.inserted
    click.echo(f"Демо-город построен: {count_ru(inserted.get('account', 0), 'лицевой счёт', 'лицевых счёта', 'лицевых счетов')}, "
               f"{count_ru(inserted.get('house', 0), 'дом', 'дома', 'домов')}, "
               f"{count_ru(inserted.get('meter_reading', 0), 'показание', 'показания', 'показаний')}, "
               + (f"{count_ru(inserted.get('payment', 0), 'платёж', 'платежа', 'платежей')} " if payments != "bills"
                  else "платежи — по рассчитанным счетам ") + f"(история по {until_period}).")
    if result.unchanged:
        click.echo(f"Уже были в базе и не изменились: {result.unchanged} объектов.")
    if ledger:
        with progress("Расчёт и закрытие месяцев") as job:
            months = app.demo.ledger(until=until_period, job=job, pay_bills=payments == "bills", seed=seed)
        closed = months.closed
        click.echo(f"Закрыто месяцев: {len(closed)}" + (f" ({closed[0]} — {closed[-1]})" if closed else "")
                   + f"; {months.open} рассчитан и открыт."
                   + (f" Жители оплатили счета: {count_ru(months.payments, 'платёж', 'платежа', 'платежей')}."
                      if months.payments else ""))
    folder = _sqlite_folder(app.url)
    if folder is not None:  # a day's bank registry beside the database, to try `payments import` on
        sample = app.demo.sample_registry(folder / "demo-sber.txt", until=until_period, seed=seed)
        click.echo(f"Реестр платежей банка за {sample.day:%d.%m.%Y} "
                   f"({count_ru(sample.lines, 'строка', 'строки', 'строк')}): {sample.path} — "
                   f"загрузить: bcenter payments import {sample.path} --profile sber")
    made = app.demo.users()
    if made:
        from bcenter.app.users import ROLE_NAMES

        lines = [f"  {login:<10} {password:<14} {ROLE_NAMES[role]}" for login, _name, role, password in made]
        kept = ""
        if folder is not None:  # beside the database, readable by its owner only: the demo's screens sign in with them
            path = folder / "demo-users.txt"
            path.touch(mode=0o600)
            path.write_text("\n".join(["Пользователи демо-города: логин, пароль, роль"] + lines) + "\n",
                            encoding="utf-8")
            kept = f"; они же в {path}"
        click.echo(f"Пользователи демо-города (сменить пароль: bcenter users passwd ЛОГИН{kept}):")
        for line in lines:
            click.echo(line)


def _sqlite_folder(url: str) -> Path | None:
    """The folder of an SQLite database file (None for PostgreSQL or an in-memory database)."""
    if not url.startswith("sqlite:///") or url.endswith(":memory:"):
        return None
    return Path(url[len("sqlite:///"):]).expanduser().resolve().parent


@cli.command("import")
@db_option
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_obj
def import_(obj: Context, file: Path) -> None:
    """Импортировать документ формата обмена (всё или ничего; все ошибки — списком)."""
    with progress("Импорт") as job:
        result = obj.creating().app.exchange.import_file(file, job=job)
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
    kept_out = result.readings.get("rejected", 0) + result.readings.get("unconfirmed", 0)
    if kept_out:
        click.echo(f"Показаний не принято к расчёту: {kept_out} (отклонено {result.readings.get('rejected', 0)}, "
                   f"ждут подтверждения {result.readings.get('unconfirmed', 0)}) — они сохранены с причинами; "
                   "список: bcenter readings list --status pending")
    if result.reading_notes:
        click.echo("Правила проверки показаний:")
        for note in result.reading_notes:
            click.echo(f"  {note}")


@cli.command()
@db_option
@click.argument("file", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@click.option("--mask-personal-data", is_flag=True, help="Скрыть документы, СНИЛС, телефоны и e-mail.")
@click.pass_obj
def export(obj: Context, file: Path, mask_personal_data: bool) -> None:
    """Выгрузить базу в документ формата обмена."""
    with progress("Выгрузка") as job:
        counts = obj.app.exchange.export_file(file, mask_personal_data=mask_personal_data, job=job)
    click.echo(f"Выгружено в {file}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    if counts.get("closed_periods"):
        click.echo(f"Закрытые месяцы ({counts['closed_periods']}) выгружены как закрытые, без их начислений и сальдо: "
                   "документ переносит картотеку и факты (для другой системы или частичной загрузки). Базу целиком, "
                   "с проводками, переносит в PostgreSQL команда bcenter copy-to postgresql://…")


@cli.command("copy-to")
@db_option
@click.argument("url", metavar="POSTGRESQL_URL")
@click.pass_obj
def copy_to(obj: Context, url: str) -> None:
    """Перенести базу SQLite целиком (с проводками и закрытыми месяцами) в пустую базу PostgreSQL."""
    data = obj.app.system.copy_to(url)
    closed = data.billing_periods.get("closed", 0)
    click.echo(f"База перенесена в {data.database}: лицевых счетов {data.counts.get('account', 0)}, платежей "
               f"{data.counts.get('payment', 0)}, закрытых месяцев {closed}. Дальше работайте с ней: "
               f"bcenter --db {data.database} info")


@cli.command()
@db_option
@click.option("--json", "as_json", is_flag=True, help="Вывести в JSON.")
@click.pass_obj
def info(obj: Context, as_json: bool) -> None:
    """Что в базе: количества, периоды, размер."""
    data = obj.app.system.info()
    if as_json:
        click.echo(output.dumps(output.info_json(data)))
        return
    click.echo(f"База: {data.database} (схема v{data.schema_version}, {data.size_bytes / 1e6:.1f} МБ), "
               f"рабочее место {data.site_code or '— (не инициализирована)'}")
    for town in data.towns:
        click.echo(f"Город: {town.city} — {count_ru(town.houses, 'дом', 'дома', 'домов')}")
    for table, label in TABLE_NAMES.items():
        click.echo(f"  {label:<24} {data.counts[table]:>10}")
    readings, payments = data.periods["readings"], data.periods["payments"]
    if readings[0]:
        click.echo(f"Показания: {format_date_ru(readings[0])} — {format_date_ru(readings[1])}")
    if payments[0]:
        click.echo(f"Платежи: {format_date_ru(payments[0])} — {format_date_ru(payments[1])}, всего "
                   f"{format_rub_ru(data.payments_total_kop)}")
    if data.billing_periods:
        click.echo("Расчётные периоды: " + ", ".join(f"{k} {v}" for k, v in data.billing_periods.items()))


@cli.command()
@db_option
@click.argument("text")
@click.option("--limit", type=int, default=20, show_default=True, help="Сколько результатов показать.")
@click.option("--json", "as_json", is_flag=True, help="Вывести в JSON.")
@click.pass_obj
def search(obj: Context, text: str, limit: int, as_json: bool) -> None:
    """Найти лицевой счёт по номеру, адресу или ФИО."""
    found = obj.app.registry.search(text, limit=limit)
    if as_json:
        click.echo(output.dumps(output.search_json(found)))
        return
    if not found:
        click.echo("Ничего не найдено.")
    for account in found:
        click.echo(f"{account.number}  {account.address}  {account.names}")


@cli.command()
@db_option
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_obj
def backup(obj: Context, file: Path) -> None:
    """Резервная копия базы SQLite в файл (онлайн, без остановки работы)."""
    pages = obj.app.system.backup(file)
    click.echo(f"Резервная копия записана: {file} ({pages} страниц)")


@cli.command()
@db_option
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Не спрашивать подтверждения.")
@click.pass_obj
def restore(obj: Context, file: Path, yes: bool) -> None:
    """Восстановить базу SQLite из резервной копии (текущее содержимое заменяется)."""
    if not yes and sys.stdin.isatty():
        click.confirm(f"Заменить содержимое {obj.url or 'базы'} копией {file}?", abort=True)
    obj.creating().app.system.restore(file)  # a backup may be restored onto a new machine
    click.echo(f"База восстановлена из {file}")


@cli.command()
@db_option
@click.option("--period", "period_text", metavar="ГГГГ-ММ", required=True, help="Расчётный период.")
@click.option("--json", "as_json", is_flag=True, help="Итоги в JSON.")
@workers_option("расчёта")
@click.pass_obj
def calc(obj: Context, period_text: str, as_json: bool, workers: int) -> None:
    """Начислить период и пересчитать прошлые периоды, где изменились исходные данные."""
    period = _period(period_text, "--period")
    with progress("Расчёт", quiet=as_json, unit=" дом.") as job:
        result = obj.app.month.calc(period, workers=workers, job=job)
    if as_json:
        click.echo(output.dumps(output.calc_json(result)))
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
    statement = obj.app.month.charges(_period(period_text, "--period"), account=account)
    _show(statement, as_json, output.charges_json, output.charges_text)


@cli.command()
@db_option
@click.option("--account", required=True, metavar="НОМЕР", help="Номер лицевого счёта.")
@click.option("--period", "period_text", metavar="ГГГГ-ММ", required=True, help="Расчётный период.")
@click.pass_obj
def explain(obj: Context, account: str, period_text: str) -> None:
    """Каждая строка начисления: формула, исходные данные и основание."""
    _echo_lines(output.explain_text(obj.app.month.explain(_period(period_text, "--period"), account=account)))


@cli.command()
@db_option
@click.option("--period", "period_text", metavar="ГГГГ-ММ", required=True, help="Расчётный период.")
@workers_option("для расчёта сальдо и пеней")
@click.pass_obj
def close(obj: Context, period_text: str, workers: int) -> None:
    """Закрыть период: сальдо по счетам, услугам и поставщикам; проводить в него больше нельзя."""
    period = _period(period_text, "--period")
    with progress("Закрытие", unit=" ЛС") as job:
        result = obj.app.month.close(period, workers=workers, job=job)
    click.echo(f"Период {result.period} закрыт: записано сальдо {result.rows} строк.")


@cli.command()
@db_option
@click.option("--period", "period_text", metavar="ГГГГ-ММ", required=True, help="Открытый расчётный период.")
@click.option("--account", default=None, metavar="НОМЕР", help="Только этот лицевой счёт.")
@click.option("--reason", required=True, help="Причина сторно: попадёт в строки и в журнал.")
@click.pass_obj
def storno(obj: Context, period_text: str, account: str | None, reason: str) -> None:
    """Сторнировать начисления и перерасчёты открытого периода; следующий calc начислит их заново."""
    period = _period(period_text, "--period")
    result = obj.app.month.storno(period, reason=reason, account=account)
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
    with progress("Сальдо", quiet=as_json, unit=" ЛС") as job:
        report = obj.app.month.balances(_period(period_text, "--period"), job=job)
    _show(report, as_json, output.balances_json, output.balances_text)


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
@workers_option("печати")
@click.pass_obj
def bills(obj: Context, period_text: str, kind: str, house: str | None, account: str | None, months: int,
          as_of: str | None, out: Path, workers: int) -> None:
    """Платёжные документы (ЕПД) с QR-кодом оплаты: в порядке разноски — дом, подъезд, квартира."""
    period = _period(period_text, "--period")
    day = _date(as_of, "--as-of") if as_of else None
    with progress("Счета") as job:
        result = obj.app.bills.print(period, out=out, kind=kind, house=house, account=account, months=months,
                                     as_of=day, workers=workers, job=job)
    single = out.suffix.lower() == ".pdf"
    where = out if single else f"{out}{os.sep} ({count_ru(len(result.files), 'файл', 'файла', 'файлов')})"
    if result.printed:
        click.echo(f"Счета за {period.label_ru}: {count_ru(result.printed, 'счёт', 'счёта', 'счетов')}, "
                   f"{count_ru(result.pages, 'страница', 'страницы', 'страниц')} → {where}")
    else:
        click.echo("Счетов нет: " + ("файл не создан." if single else "файлы не созданы."))
    if result.skipped:
        shown = ", ".join(result.skipped_accounts[:10]) + (" …" if result.skipped > 10 else "")
        click.echo(f"Пропущено (нечего предъявить): "
                   f"{count_ru(result.skipped, 'лицевой счёт', 'лицевых счёта', 'лицевых счетов')} — {shown}")


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


@cli.command()
@db_option
@as_of_options
def debts(obj: Context, as_of: str, account: str | None, as_json: bool) -> None:
    """Долги по периодам начисления после всех оплат по дату включительно."""
    _money_report("Долги", obj.app.finance.debts, as_of, account, as_json, output.debts_json, output.debts_text)


@cli.command()
@db_option
@as_of_options
def penalties(obj: Context, as_of: str, account: str | None, as_json: bool) -> None:
    """Пени (ч. 14 и 14.1 ст. 155 ЖК РФ) по периодам с расчётом по интервалам."""
    _money_report("Пени", obj.app.finance.penalties, as_of, account, as_json, output.penalties_json,
                  output.penalties_text)


def _money_report(title: str, use_case, as_of: str, account: str | None, as_json: bool, to_json, to_text) -> None:
    with progress(title, quiet=as_json, unit=" ЛС") as job:
        report = use_case(as_of=_date(as_of, "--as-of"), account=account, job=job)
    _show(report, as_json, to_json, to_text)


def main(argv: list[str] | None = None) -> int:
    """Entry point: runs the command, turns our errors into messages and exit codes. Files the command creates are
    its owner's only (the umask tightened to 077: databases, backups, exports and bills carry personal data)."""
    os.umask(os.umask(0o077) | 0o077)
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
    except (KeyboardInterrupt, Interrupted):
        click.echo("Прервано.", err=True)
        return 130
    except Exception as exc:  # an error nobody foresaw: a message and a log file, never a traceback on the screen
        log = crash_report(exc, argv=list(sys.argv[1:] if argv is None else argv))
        click.echo(f"Внутренняя ошибка bcenter ({type(exc).__name__}): задание не выполнено, записанное раньше не "
                   f"пострадало. " + (f"Подробности для сопровождающего — в {log}" if log else
                                      "Журнал ошибки записать не удалось."), err=True)
        return 1
    return 0


__all__ = ["cli", "main"]


from bcenter.cli import payments as _payments  # noqa: E402,F401  (registers `bcenter payments …`)
from bcenter.cli import settlements as _settlements  # noqa: E402,F401  (registers `bcenter settlements`, `transfers`, `contracts`)
from bcenter.cli import cash as _cash  # noqa: E402,F401  (registers `bcenter cash …`)
from bcenter.cli import meters as _meters  # noqa: E402,F401  (registers `bcenter meters …`)
from bcenter.cli import readings as _readings  # noqa: E402,F401  (registers `bcenter readings …`, `routes …`)
from bcenter.cli import users as _users  # noqa: E402,F401  (registers `bcenter users …`)
from bcenter.cli import ui as _ui  # noqa: E402,F401  (registers `bcenter ui`)
from bcenter.cli import sync as _sync  # noqa: E402,F401  (registers `bcenter server`, `bcenter sync`)
from bcenter.cli import passport as _passport  # noqa: E402,F401  (registers `bcenter passport …`)
from bcenter.cli import claims as _claims  # noqa: E402,F401  (registers `bcenter claims …`)
from bcenter.cli import collection as _collection  # noqa: E402,F401  (registers `bcenter debtors …`, `bcenter cases …`)
from bcenter.cli import reports as _reports  # noqa: E402,F401  (registers `bcenter report`)
