"""``bcenter server`` (the central server: enrolment, the HTTP door) and ``bcenter sync`` (a site: join, push, what
waits) — over ``bcenter.app.sync``. A secret is shown once by ``server enroll`` and read from standard input by
``sync join``: never an argument (it would stay in the shell's history)."""
from __future__ import annotations

import sys
import time

import click

from bcenter.cli import Context, cli, db_option


@cli.group(invoke_without_command=True)
@db_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Адрес, на котором слушать (по умолчанию только этот компьютер).")
@click.option("--port", type=click.IntRange(1, 65535), default=8600, show_default=True)
@click.option("--max-body", type=click.IntRange(1), default=64, show_default=True, metavar="МБ",
              help="Наибольший размер одного пакета площадки.")
@click.pass_context
def server(ctx: click.Context, host: str, port: int, max_body: int) -> None:
    """Сервер синхронизации: принимает пакеты площадок (касс, планшетов, контор) в свою базу."""
    if ctx.invoked_subcommand is not None:
        return
    import uvicorn

    obj: Context = ctx.obj
    app = obj.app.sync.asgi(max_body=max_body * 1024 * 1024)
    click.echo(f"Сервер синхронизации: http://{host}:{port}/sync/push — остановить: Ctrl+C")
    uvicorn.run(app, host=host, port=port, log_level="info")


@server.command("enroll")
@db_option
@click.option("--site-id", required=True, metavar="ID", help="Идентификатор площадки (его показывает bcenter info на ней).")
@click.option("--code", required=True, metavar="КОД", help="Короткий код площадки (K1, T1, …).")
@click.option("--name", required=True, metavar="НАЗВАНИЕ")
@click.option("--scope", "scopes", multiple=True, required=True, metavar="ОБЛАСТЬ",
              help="Область (можно несколько): ref, finance (нераспознанные платежи банков: контора, центр), "
                   "house:КОД (house:* — все дома), route:ИМЯ, cashdesk:КОД, "
                   "* (всё: прежний центр, переносимый на новый сервер).")
@click.option("--after-seq", type=click.IntRange(0), default=0, show_default=True, metavar="N",
              help="Пакеты площадки начнутся после этого номера её outbox (0 — с начала).")
@click.pass_obj
def enroll(obj: Context, site_id: str, code: str, name: str, scopes: tuple[str, ...], after_seq: int) -> None:
    """Зарегистрировать площадку; её секрет печатается один раз (сервер хранит только его хеш)."""
    secret = obj.app.sync.enroll(site_id=site_id, code=code, name=name, scopes=list(scopes), after_seq=after_seq)
    click.echo(f"Площадка {code} зарегистрирована. Секрет (показывается один раз): {secret}")
    click.echo("На площадке: echo СЕКРЕТ | bcenter sync join --server http://СЕРВЕР:8600")


@server.command("parked")
@db_option
@click.option("--limit", type=click.IntRange(1), default=200, show_default=True)
@click.pass_obj
def parked(obj: Context, limit: int) -> None:
    """Единицы работы площадок, отклонённые сервером насовсем и сохранённые для разбора (новые сверху)."""
    rows = obj.app.sync.parked(limit=limit)
    if not rows:
        click.echo("Отклонённых единиц работы нет")
    for r in rows:
        click.echo(f"{r['at']}  площадка {r['site']}  {r['table']}: {r['detail'] or r['error']} (единица {r['unit']})")


@server.command("scopes")
@db_option
@click.argument("code", metavar="КОД")
@click.option("--add", "add", multiple=True, metavar="ОБЛАСТЬ", help="Добавить область (можно несколько).")
@click.option("--remove", "remove", multiple=True, metavar="ОБЛАСТЬ", help="Убрать область.")
@click.pass_obj
def scopes(obj: Context, code: str, add: tuple[str, ...], remove: tuple[str, ...]) -> None:
    """Области зарегистрированной площадки: добавить или убрать (контора, зарегистрированная до области finance, —
    --add finance)."""
    now = obj.app.sync.rescope(code, add=list(add), remove=list(remove))
    click.echo(f"Площадка {code}: области {', '.join(now)}. Новые области она получит при следующей синхронизации.")


_POLICY = {"centre": "центр прав, решает человек", "newer": "новее по часам", "add": "флаг ставится",
           "owner": "значение площадки-владельца"}
_STATE = {"open": "ждёт решения", "auto": "решено правилом", "kept": "оставлено значение центра",
          "taken": "принято значение площадки"}


@server.command("conflicts")
@db_option
@click.option("--all", "show_all", is_flag=True, help="И решённые (правилом или человеком), не только ждущие.")
@click.pass_obj
def conflicts(obj: Context, show_all: bool) -> None:
    """Правки, встретившиеся на сервере: поле, его значение до правки, значение площадки и значение центра."""
    found = obj.app.sync.conflicts(open_only=not show_all)
    if not found:
        click.echo("Конфликтов нет" + ("" if show_all else " (ждущих решения)"))
        return
    for c in found:
        field = "строка удалена/изменена" if c.field == "*" else c.field
        state = _STATE.get(c.state, c.state)
        if c.resolved_by and c.resolved_by.startswith("policy:"):
            state += ": " + ("принято значение площадки" if c.resolved_by.endswith("taken") else "оставлено прежнее")
        elif c.resolved_by:
            state += f" ({c.resolved_by})"
        click.echo(f"{c.id}  {c.table}.{field} [{c.row_id}] — {_POLICY.get(c.policy, c.policy)}; {state}")
        click.echo(f"    было: {c.base!r}; площадка: {c.theirs!r}; центр: {c.ours!r}")
    if any(c.state == "open" for c in found):
        click.echo("Решить: bcenter server resolve ID --take ours (оставить центра) | theirs (принять площадки)")


@server.command("resolve")
@db_option
@click.argument("conflict_id", metavar="ID")
@click.option("--take", type=click.Choice(["ours", "theirs"]), required=True,
              help="ours — оставить значение центра, theirs — принять значение площадки.")
@click.pass_obj
def resolve(obj: Context, conflict_id: str, take: str) -> None:
    """Решить конфликт: значение уйдёт на все площадки, которым видна строка."""
    c = obj.app.sync.resolve(conflict_id, take=take)
    click.echo(f"Конфликт {c.id}: {_STATE[c.state]} ({c.table}.{c.field})")


@cli.group("sync", invoke_without_command=True)
@db_option
@click.option("--server", "server_url", default=None, metavar="АДРЕС", help="Сервер (по умолчанию — из sync join).")
@click.option("--watch", type=click.FloatRange(min=1), default=None, metavar="СЕК",
              help="Повторять с этим промежутком, пока не прервут (Ctrl+C); сбой сети или сервера не прерывает — "
                   "следующая попытка через тот же промежуток.")
@click.option("--retries", type=click.IntRange(0), default=None, metavar="N",
              help="Повторов пакета при сбое сети (по умолчанию 6, с удвоением паузы).")
@click.pass_context
def sync_(ctx: click.Context, server_url: str | None, watch: float | None, retries: int | None) -> None:
    """Отправить на сервер всё, что ждёт в outbox этой площадки (пакетами, каждый — один раз), и получить с сервера
    изменения своих областей (справочники, дома, обходы, кассы)."""
    if ctx.invoked_subcommand is not None:
        return
    obj: Context = ctx.obj
    while True:
        try:
            _sync_once(obj, server_url, retries)
        except click.ClickException as failed:
            if watch is None:
                raise
            click.echo(f"Ошибка: {failed.format_message()} — следующая попытка через {watch:g} с", err=True)
        if watch is None:
            return
        try:
            time.sleep(watch)
        except KeyboardInterrupt:
            click.echo("Остановлено")
            return


def _sync_once(obj: Context, server_url: str | None, retries: int | None) -> None:
    """One push and one pull, reported; a failure raises ``ClickException`` with what stays for the next run."""
    report = obj.app.sync.push(server=server_url, retries=retries)
    click.echo(f"Отправлено пакетов: {report.batches}, строк: {report.rows}; принято сервером: {report.inserted}, "
               f"уже было: {report.exists}" + (f"; повторов: {report.retries}" if report.retries else ""))
    for alarm in report.alarms:
        click.echo(f"  ТРЕВОГА: {alarm['table']} {alarm['id']}: {alarm['result']} — строка сервера не изменена",
                   err=True)
    for parked in report.parked:
        click.echo(f"  ОТКАЗ: единица работы {parked.get('unit')} не принята сервером — "
                   f"{parked.get('detail') or parked.get('error')}; она сохранена на сервере для разбора, "
                   f"остальное принято", err=True)
    if not report.ok:
        detail = report.error.get("detail") or report.error.get("error")
        raise click.ClickException(f"Синхронизация не завершена: {detail} ({report.error}); неотправленное "
                                   "останется в outbox и уйдёт при следующем запуске")
    got = obj.app.sync.pull(server=server_url, retries=retries)
    rows = sum(n for table, n in got.rows.items() if table != "parts")
    click.echo(f"Получено страниц: {got.pages}, единиц работы: {got.units}, строк: {rows}"
               + (f" (и частей проводок: {got.rows['parts']})" if got.rows.get("parts") else "")
               + f"; области: {', '.join(got.scopes) or '—'}")
    for scope in got.held_back:
        click.echo(f"  {scope}: на сервере идёт долгая транзакция — остальное придёт при следующем запуске")
    for scope in got.refetched:
        click.echo(f"  {scope}: сервер попросил начать область заново (восстановлен из копии?) — получена заново")
    if not got.ok:
        detail = got.error.get("detail") or got.error.get("error")
        raise click.ClickException(f"Получение не завершено: {detail} ({got.error}); полученные страницы "
                                   "сохранены, остальное придёт при следующем запуске")


@sync_.command("adopt")
@db_option
@click.option("--code", required=True, metavar="КОД", help="Код новой площадки (K1, T1, O2, …).")
@click.option("--kind", type=click.Choice(["office", "kiosk", "tablet"]), required=True, help="Вид площадки.")
@click.option("--name", default=None, metavar="НАЗВАНИЕ", help="Название (по умолчанию — имя компьютера).")
@click.pass_obj
def adopt(obj: Context, code: str, kind: str, name: str | None) -> None:
    """Сделать эту базу — копию базы центра — новой площадкой: свой идентификатор и код; строки центра в её outbox
    не отправляются. Печатает команду регистрации для сервера."""
    done = obj.app.sync.adopt(code=code, kind=kind, name=name)
    click.echo(f"Площадка {done.code}: идентификатор {done.site_id} (копия базы площадки {done.previous_site_id}).")
    click.echo(f"На сервере: bcenter server enroll --site-id {done.site_id} --code {done.code} --name "
               f"\"{name or done.code}\" --scope ref --scope house:КОД --after-seq {done.after_seq}")
    click.echo("Затем здесь: echo СЕКРЕТ | bcenter sync join --server http://СЕРВЕР:8600")


@sync_.command("join")
@db_option
@click.option("--server", "server_url", required=True, metavar="АДРЕС",
              help="Адрес сервера: https://сервер:8600 (http:// — только этот компьютер, или с --insecure-http).")
@click.option("--insecure-http", is_flag=True,
              help="Разрешить http:// к другому компьютеру: секрет площадки пойдёт по сети открытым текстом "
                   "(только своя закрытая сеть).")
@click.pass_obj
def join(obj: Context, server_url: str, insecure_http: bool) -> None:
    """Подключить площадку к серверу: секрет (из bcenter server enroll) — одной строкой со стандартного ввода."""
    state = obj.app.sync.join(server=server_url, secret=sys.stdin.readline().rstrip("\r\n"),
                              insecure_http=insecure_http)
    click.echo(f"Площадка {state.site_id} подключена к {state.server}; ждут отправки: {state.waiting_rows} строк outbox")


@sync_.command("status")
@db_option
@click.pass_obj
def status(obj: Context) -> None:
    """Что ждёт отправки на сервер."""
    s = obj.app.sync.status()
    click.echo(f"Площадка {s.site_id}: " + (f"сервер {s.server}" if s.joined else "не подключена (bcenter sync join)"))
    click.echo(f"Ждут отправки: {s.waiting_rows} строк outbox в {s.waiting_units} единицах работы; "
               f"подтверждено сервером до № {s.pushed_to}")
    for scope, cursor in sorted(s.cursors.items()):
        click.echo(f"Получено из области {scope}: до позиции {cursor}")
    if s.joined and not s.cursors:
        click.echo("С сервера ещё ничего не получено (bcenter sync)")
    if s.parked:
        click.echo(f"Не принято сервером (сохранено там для разбора, повторно не отправляется): {len(s.parked)} — "
                   "сверьте с центром (bcenter server parked), затем bcenter sync forget-parked")
        for p in s.parked[-10:]:
            click.echo(f"  {p.get('at')}  {p.get('table') or '—'}: {p.get('detail') or p.get('error')}")


@sync_.command("forget-parked")
@db_option
@click.pass_obj
def forget_parked(obj: Context) -> None:
    """Убрать из «bcenter sync status» отказы сервера, разобранные с центром."""
    click.echo(f"Забыто отказов: {obj.app.sync.forget_parked()}")
