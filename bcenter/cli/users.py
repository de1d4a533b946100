"""``bcenter users …``: who works in bcenter and in which role — over ``bcenter.app.users``. A password is never an
argument (it would stay in the shell's history and the process list): it is typed twice, hidden, or read from
standard input with ``--password-stdin``."""
from __future__ import annotations

import sys

import click

from bcenter.cli import Context, _show, cli, db_option

ROLE_CHOICE = click.Choice(["administrator", "operator", "accountant", "cashier", "passport_officer", "meter_reader",
                            "analyst"])


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Пароль", hide_input=True, confirmation_prompt="Пароль ещё раз")


def _line(u) -> str:
    state = "" if u.active else " — отключён"
    return f"{u.login:<16} {u.full_name} ({u.roles_text}){state}"


@cli.group()
def users() -> None:
    """Пользователи и роли: добавить, сменить пароль, отключить."""


@users.command("add")
@db_option
@click.argument("login", metavar="ЛОГИН")
@click.option("--name", "full_name", required=True, metavar="ФИО")
@click.option("--role", "roles", multiple=True, required=True, type=ROLE_CHOICE,
              help="Роль (можно несколько): администратор, оператор, бухгалтер, кассир, паспортист, контролёр, аналитик.")
@click.option("--password-stdin", is_flag=True, help="Прочитать пароль из стандартного ввода (одна строка).")
@click.pass_obj
def add(obj: Context, login: str, full_name: str, roles: tuple[str, ...], password_stdin: bool) -> None:
    """Добавить пользователя с ролью и паролем (не короче 8 знаков)."""
    user = obj.app.users.add(login=login, full_name=full_name, roles=list(roles), password=_password(password_stdin))
    click.echo(f"Добавлен: {_line(user)}")


@users.command("passwd")
@db_option
@click.argument("login", metavar="ЛОГИН")
@click.option("--password-stdin", is_flag=True, help="Прочитать пароль из стандартного ввода (одна строка).")
@click.pass_obj
def passwd(obj: Context, login: str, password_stdin: bool) -> None:
    """Сменить пароль пользователя."""
    user = obj.app.users.passwd(login, _password(password_stdin))
    click.echo(f"Пароль пользователя «{user.login}» изменён")


@users.command("disable")
@db_option
@click.argument("login", metavar="ЛОГИН")
@click.pass_obj
def disable(obj: Context, login: str) -> None:
    """Отключить пользователя: войти он не сможет, его сеансы завершены."""
    user = obj.app.users.disable(login)
    click.echo(f"Отключён: {_line(user)}. Включить снова: bcenter users enable {user.login}")


@users.command("enable")
@db_option
@click.argument("login", metavar="ЛОГИН")
@click.pass_obj
def enable(obj: Context, login: str) -> None:
    """Включить отключённого пользователя."""
    user = obj.app.users.enable(login)
    click.echo(f"Включён: {_line(user)}")


@users.command("list")
@db_option
@click.option("--json", "as_json", is_flag=True, help="Вывести в JSON.")
@click.pass_obj
def list_users(obj: Context, as_json: bool) -> None:
    """Пользователи, их роли и состояние."""
    found = obj.app.users.list_users()

    def text(rows) -> list[str]:
        if not rows:
            return ["Пользователей нет. Добавить: bcenter users add ЛОГИН --name «ФИО» --role operator"]
        return [_line(u) for u in rows]

    _show(found, as_json, lambda rows: [{"login": u.login, "name": u.full_name, "roles": list(u.roles),
                                         "active": u.active} for u in rows], text)
