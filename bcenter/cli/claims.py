"""``bcenter claims …``: residents' requests (add, list, assign, comment, attach, close, the deadline report), the
portal's intake, acts of interruptions and poor quality (issue 19) — over ``bcenter.app.claims``."""
from __future__ import annotations

from pathlib import Path

import click

from bcenter.cli import Context, cli, db_option


@cli.group()
def claims() -> None:
    """Учёт претензий: акты о перерывах и ненадлежащем качестве услуг."""


@claims.command("act")
@db_option
@click.option("--service", required=True, metavar="КОД", help="Услуга (код из документа обмена): hot_water …")
@click.option("--house", default=None, metavar="КОД", help="Дом (акт на весь дом).")
@click.option("--entrance", type=int, default=None, metavar="N", help="Только этот подъезд дома.")
@click.option("--account", default=None, metavar="ЛИЦЕВОЙ_СЧЁТ", help="Или помещение этого лицевого счёта.")
@click.option("--from", "start", required=True, metavar="'ГГГГ-ММ-ДД ЧЧ:ММ'", help="Начало (местное время).")
@click.option("--to", "end", required=True, metavar="'ГГГГ-ММ-ДД ЧЧ:ММ'", help="Окончание.")
@click.option("--kind", type=click.Choice(["interruption", "temperature", "pressure", "composition"]),
              default="interruption", show_default=True, help="Перерыв или отклонение качества.")
@click.option("--measured", default=None, help="Измеренное значение (°C, давление) для акта о качестве.")
@click.option("--note", default=None, help="Примечание (причина, кто составил).")
@click.option("--request", default=None, metavar="НОМЕР", help="Заявка, по которой составлен акт.")
@click.pass_obj
def act(obj: Context, service: str, house: str | None, account: str | None, start: str, end: str, kind: str,
        measured: str | None, note: str | None, request: str | None, entrance: int | None) -> None:
    """Составить акт: следующий расчёт снизит плату (ПП 354, прил. 1) и назовёт акт в перерасчёте."""
    number = obj.app.claims.act(service=service, house=house, account=account, start=start, end=end, kind=kind,
                                measured=measured, note=note, request=request, entrance=entrance)
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


KIND_HELP = "emergency — авария, quality — качество/перерыв, repair — ремонт, billing — начисления, inquiry — обращение"


def _line(r, now) -> str:
    late = " — ПРОСРОЧЕНА" if r.state != "closed" and r.overdue(now) else ""
    who = f", исполнитель: {r.assignee}" if r.assignee else ""
    return (f"{r.number}  {r.kind_name}  до {r.deadline_at:%d.%m.%Y %H:%M}{late}  [{r.state}{who}]  {r.place}: "
            f"{r.text}")


@claims.command("add")
@db_option
@click.option("--kind", required=True, help=KIND_HELP)
@click.option("--text", required=True, help="Суть заявки, как её сказал житель.")
@click.option("--account", default=None, metavar="ЛИЦЕВОЙ_СЧЁТ")
@click.option("--house", default=None, metavar="КОД", help="Или дом (заявка о доме).")
@click.option("--channel", type=click.Choice(["phone", "kiosk", "portal", "office"]), default="phone",
              show_default=True)
@click.pass_obj
def add(obj: Context, kind: str, text: str, account: str | None, house: str | None, channel: str) -> None:
    """Принять заявку: номер и срок исполнения по её виду."""
    r = obj.app.claims.add(kind=kind, text=text, account=account, house=house, channel=channel)
    click.echo(f"Заявка {r.number} принята: {r.kind_name}, срок — до {r.deadline_at:%d.%m.%Y %H:%M}. "
               f"Поручить: bcenter claims assign {r.number} --to ИСПОЛНИТЕЛЬ")


@claims.command("list")
@db_option
@click.option("--which", type=click.Choice(["open", "new", "overdue", "mine", "all"]), default="open",
              show_default=True, help="Открытые, новые, просроченные, мои, все.")
@click.pass_obj
def list_(obj: Context, which: str) -> None:
    """Заявки по сроку исполнения: сначала самые срочные."""
    found = obj.app.claims.listing(which)
    now = obj.app.clock.now()
    if not found:
        click.echo("Заявок нет: принять — bcenter claims add --kind quality --account НОМЕР --text ТЕКСТ")
    for r in found:
        click.echo(_line(r, now))


@claims.command("assign")
@db_option
@click.argument("number", metavar="НОМЕР")
@click.option("--to", "assignee", required=True, help="Исполнитель.")
@click.option("--note", default=None)
@click.pass_obj
def assign(obj: Context, number: str, assignee: str, note: str | None) -> None:
    """Поручить заявку исполнителю."""
    r = obj.app.claims.assign(number, assignee=assignee, note=note)
    click.echo(_line(r, obj.app.clock.now()))


@claims.command("comment")
@db_option
@click.argument("number", metavar="НОМЕР")
@click.option("--note", required=True)
@click.pass_obj
def comment(obj: Context, number: str, note: str) -> None:
    """Комментарий к заявке (в её историю)."""
    obj.app.claims.comment(number, note=note)
    for at, actor, state, who, text in obj.app.claims.history(number):
        click.echo(f"{at[:16].replace('T', ' ')}  {actor}  {state}" + (f" → {who}" if who else "")
                   + (f": {text}" if text else ""))


@claims.command("close")
@db_option
@click.argument("number", metavar="НОМЕР")
@click.option("--note", required=True, help="Что сделано (ответ жителю).")
@click.pass_obj
def close(obj: Context, number: str, note: str) -> None:
    """Закрыть заявку с ответом."""
    r = obj.app.claims.close(number, note=note)
    late = "с нарушением срока" if r.overdue(obj.app.clock.now()) else "в срок"
    click.echo(f"Заявка {r.number} закрыта {late}")


@claims.command("deadlines")
@db_option
@click.option("--from", "start", required=True, type=click.DateTime(["%Y-%m-%d"]), metavar="ГГГГ-ММ-ДД")
@click.option("--to", "end", required=True, type=click.DateTime(["%Y-%m-%d"]), metavar="ГГГГ-ММ-ДД")
@click.pass_obj
def deadlines(obj: Context, start, end) -> None:
    """Соблюдение сроков: принято, закрыто в срок и с нарушением, открыто в срок и просрочено — по видам."""
    rows = obj.app.claims.deadlines(start=start.date(), end=end.date())
    click.echo(f"{'вид':<40} {'принято':>8} {'в срок':>8} {'позже':>8} {'идут':>8} {'просрочены':>11}")
    for t in rows:
        click.echo(f"{t.name:<40} {t.received:>8} {t.closed_in_time:>8} {t.closed_late:>8} {t.open_in_time:>8} "
                   f"{t.open_overdue:>11}")
    total = [sum(getattr(t, f) for t in rows) for f in ("received", "closed_in_time", "closed_late", "open_in_time",
                                                           "open_overdue")]
    click.echo(f"{'Итого':<40} {total[0]:>8} {total[1]:>8} {total[2]:>8} {total[3]:>8} {total[4]:>11}")


@claims.command("portal-token")
@db_option
@click.option("--name", required=True, help="Имя портала (кто будет присылать заявки).")
@click.pass_obj
def portal_token(obj: Context, name: str) -> None:
    """Ключ портала жителей для приёма заявок (показывается один раз; повтор с тем же именем — новый ключ)."""
    token = obj.app.claims.portal_token(name)
    click.echo(f"Ключ портала «{name}» (сохраните, больше он не показывается): {token}")
    click.echo("Портал присылает: POST /claims, Authorization: Bearer КЛЮЧ, Idempotency-Key: …, "
               '{"kind": "quality", "text": "…", "account": "…"}')


@claims.command("intake")
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Адрес (по умолчанию только этот компьютер).")
@click.option("--port", default=8700, show_default=True, type=int)
@click.option("--max-body", default=16 * 1024, show_default=True, type=int, help="Наибольший размер заявки, байт.")
@click.option("--per-minute", default=60, show_default=True, type=int, help="Заявок в минуту от одного портала.")
@click.pass_obj
def intake(obj: Context, host: str, port: int, max_body: int, per_minute: int) -> None:
    """Приём заявок от портала жителей по HTTP (JSON): POST /claims."""
    import uvicorn

    from bcenter.ui.intake import make_intake

    obj.app.system.ensure_initialized()
    asgi = make_intake(obj.app, max_body=max_body, per_minute=per_minute)
    click.echo(f"Приём заявок: http://{host}:{port}/claims — остановить: Ctrl+C")
    uvicorn.run(asgi, host=host, port=port, log_level="info")


@claims.command("attach")
@db_option
@click.argument("number", metavar="НОМЕР")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path), metavar="ФАЙЛ")
@click.pass_obj
def attach(obj: Context, number: str, file: Path) -> None:
    """Приложить к заявке файл: PDF, JPEG или PNG до 10 МБ (фото, скан письма)."""
    kept = obj.app.claims.attach(number, file)
    click.echo(f"Файл {file.name} приложен к заявке {number}: {kept}")


@claims.command("kinds")
@db_option
@click.option("--set", "code", default=None, metavar="КОД", help="Изменить срок этого вида (администратор).")
@click.option("--hours", type=click.IntRange(min=1), default=None, help="Срок в часах (подряд).")
@click.option("--working-days", type=click.IntRange(min=1), default=None, help="Или в рабочих днях.")
@click.option("--basis", default=None, help="Основание срока (договор, пункт правил).")
@click.pass_obj
def kinds(obj: Context, code: str | None, hours: int | None, working_days: int | None, basis: str | None) -> None:
    """Виды заявок и сроки исполнения; с --set — изменить срок."""
    if code is not None:
        obj.app.claims.set_deadline(code, hours=hours, working_days=working_days, basis=basis)
    for k in obj.app.claims.kinds():
        term = f"{k.hours} ч" if k.hours else f"{k.working_days} раб. дн."
        click.echo(f"{k.code:<10} {k.name:<40} {term:>12}  {k.basis or ''}")
