"""``bcenter ui``: the screens in a browser — over ``bcenter.ui`` (which stands on ``bcenter.app``)."""
from __future__ import annotations

import click

from bcenter.cli import Context, cli, db_option


@cli.command("ui")
@db_option
@click.option("--role", type=click.Choice(["office"]), default="office", show_default=True,
              help="Какой экран: контора (касса и планшет контролёра — следующие шаги).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Адрес, на котором слушать (по умолчанию только этот компьютер).")
@click.option("--port", type=click.IntRange(1, 65535), default=8550, show_default=True)
@click.option("--open", "open_browser", is_flag=True, help="Открыть экран в браузере по умолчанию.")
@click.pass_obj
def ui(obj: Context, role: str, host: str, port: int, open_browser: bool) -> None:
    """Экраны bcenter в браузере: вход по логину и паролю, поиск лицевых счетов, карточка счёта."""
    from bcenter.ui.main import serve

    app = obj.app
    app.system.ensure_initialized()
    if not app.users.list_users():
        raise click.UsageError("В базе нет пользователей: добавьте — bcenter users add ЛОГИН --name «ФИО» --role "
                               "operator (bcenter demo заводит их сам)")
    click.echo(f"Экран «{role}»: http://{host}:{port}/ — остановить: Ctrl+C")
    serve(app, host=host, port=port, open_browser=open_browser)
