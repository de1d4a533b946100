"""``bcenter ui``: the screens in a browser — over ``bcenter.ui`` (which stands on ``bcenter.app``)."""
from __future__ import annotations

from pathlib import Path

import click

from bcenter.cli import Context, cli, db_option


@cli.command("ui")
@db_option
@click.option("--role", type=click.Choice(["office", "kiosk", "tablet"]), default="office", show_default=True,
              help="Какой экран: office — контора, kiosk — касса (сенсорный экран кассира), tablet — планшет "
                   "контролёра.")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Адрес, на котором слушать (по умолчанию только этот компьютер).")
@click.option("--port", type=click.IntRange(1, 65535), default=8550, show_default=True)
@click.option("--open", "open_browser", is_flag=True, help="Открыть экран в браузере по умолчанию.")
@click.option("--kiosk", "kiosk_window", is_flag=True,
              help="Открыть экран в Chromium на весь экран (--kiosk --app), если есть дисплей и Chromium.")
@click.option("--register", default=None, metavar="АДРЕС",
              help="Касса: ККТ Штрих-М — /dev/ttyACM0, socket://host:7778, sim://shtrih (по умолчанию — симулятор).")
@click.option("--printer", default=None, metavar="АДРЕС",
              help="Касса: принтер чеков — /dev/ttyUSB1, socket://host:9100, sim://escpos (по умолчанию), none.")
@click.option("--idle", type=click.FloatRange(0), default=120, show_default=True, metavar="СЕК",
              help="Касса: через сколько секунд без касаний показать экран ожидания (0 — никогда).")
@click.option("--probe", default=None, metavar="ПОРТ",
              help="Планшет: оптический зонд — /dev/ttyUSB0, socket://…, sim://mercury230.")
@click.option("--protocol", default="mercury230", show_default=True,
              type=click.Choice(["mercury230", "iec62056-21", "mbus"]), help="Планшет: протокол счётчиков зонда.")
@click.option("--inbox", type=click.Path(file_okay=False, path_type=Path), default=None, metavar="ПАПКА",
              help="Контора: папка, куда приходят реестры банков (по умолчанию — папка базы SQLite).")
@click.pass_obj
def ui(obj: Context, role: str, host: str, port: int, open_browser: bool, kiosk_window: bool, register, printer,
       idle: float, probe, protocol: str, inbox: Path | None) -> None:
    """Экраны bcenter в браузере: контора (поиск, карточка счёта, месяц, платежи, показания), касса и планшет
    контролёра — вход по логину и паролю."""
    from bcenter.ui.main import ScreenOptions, serve

    app = obj.app
    app.system.ensure_initialized()
    if not app.users.list_users():
        raise click.UsageError("В базе нет пользователей: добавьте — bcenter users add ЛОГИН --name «ФИО» --role "
                               "operator (bcenter demo заводит их сам)")
    files = None
    if app.url.startswith("sqlite:///") and ":memory:" not in app.url:
        database = Path(app.url.removeprefix("sqlite:///")).resolve()
        inbox = inbox or database.parent
        files = database.parent / f"{database.name}-ui"  # the PDFs the office opens, beside the database
    else:
        import tempfile

        files = Path(tempfile.mkdtemp(prefix="bcenter-ui-"))
    options = ScreenOptions(role=role, register=register, printer=printer, inbox=inbox, idle_after=idle, files=files,
                            probe={"port": probe, "protocol": protocol} if probe else None)
    click.echo(f"Экран «{role}»: http://{host}:{port}/ — остановить: Ctrl+C")
    serve(app, host=host, port=port, open_browser=open_browser, options=options, kiosk_window=kiosk_window)
