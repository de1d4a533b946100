"""Users, roles and signing in (issue 16, first step): an administrator adds users; a user signs in with a password
into one of their roles and gets the application acting as them — its permissions are the role's; failed attempts
are slowed down (a wait refused with its time, never slept) and audited; sessions end when idle, too long, signed
out or the user disabled. The clock is a fixed one moved by hand: no sleeps."""
from __future__ import annotations

import io
import sqlite3
from datetime import datetime, timedelta, timezone

import pytest

from bcenter.app import App
from bcenter.core.clock import FixedClock
from bcenter.core.errors import NotFound, PermissionDenied, UsageError
from bcenter.app.users import SessionExpired, SignInRefused
from bcenter.cli import main
from bcenter.modules.users.passwords import hash_password, verify_password

NOW = datetime(2026, 12, 5, 9, tzinfo=timezone.utc)


@pytest.fixture
def app(tmp_path):
    app = App.open(f"sqlite:///{tmp_path / 'u.db'}", create=True, clock=FixedClock(NOW))
    app.system.init()
    app.users.add(login="ivanova", full_name="Иванова А. А.", roles=["operator"], password="пароль-оператора")
    app.users.add(login="petrov", full_name="Петров П. П.", roles=["cashier", "meter_reader"],
                  password="касса-и-обход")
    yield app
    app.close()


def test_passwords_are_scrypt_hashes():
    stored = hash_password("correct horse")
    assert stored.startswith("scrypt$16384$8$1$") and "correct" not in stored
    assert verify_password("correct horse", stored) and not verify_password("correct horsE", stored)
    assert not verify_password("x", None) and not verify_password("x", "md5$abc")
    assert hash_password("correct horse") != stored  # salted


def test_a_signed_in_user_acts_with_the_permissions_of_the_role(app):
    signed = app.users.sign_in("Ivanova ", "пароль-оператора")
    assert signed.session.role == "operator" and signed.session.full_name == "Иванова А. А."
    assert signed.app.actor.user == "ivanova"
    with pytest.raises(PermissionDenied, match="оператор"):
        signed.app.users.list_users()  # only an administrator manages users — refused by the service
    cashier = app.users.sign_in("petrov", "касса-и-обход", role="cashier")
    with pytest.raises(PermissionDenied):
        cashier.app.month.calc  # noqa: B018 - reaching the group is allowed …
        cashier.app.month.calc(period=None)  # … using it is not
    with pytest.raises(SignInRefused, match="выберите роль: cashier .кассир., meter_reader .контролёр."):
        app.users.sign_in("petrov", "касса-и-обход")
    with pytest.raises(SignInRefused, match="нет роли «оператор»"):
        app.users.sign_in("petrov", "касса-и-обход", role="operator")


def test_failures_are_slowed_down_and_audited(app, tmp_path):
    clock = app.clock
    for _ in range(3):
        with pytest.raises(SignInRefused, match="неверный логин или пароль"):
            app.users.sign_in("ivanova", "не тот пароль")
    with pytest.raises(SignInRefused, match="попробуйте через 5 с"):
        app.users.sign_in("ivanova", "пароль-оператора")  # even the right password waits
    clock.advance(seconds=5)
    with pytest.raises(SignInRefused, match="неверный"):
        app.users.sign_in("ivanova", "опять не тот")
    with pytest.raises(SignInRefused, match="через 10 с"):  # the wait doubles
        app.users.sign_in("ivanova", "пароль-оператора")
    clock.advance(seconds=10)
    assert app.users.sign_in("ivanova", "пароль-оператора").session.login == "ivanova"
    assert app.users.sign_in("ivanova", "пароль-оператора")  # a success starts the count again
    with pytest.raises(SignInRefused, match="неверный логин или пароль"):  # an unknown login: the same answer
        app.users.sign_in("nobody", "что-нибудь")
    with sqlite3.connect(tmp_path / "u.db") as conn:
        actions = [a for (a,) in conn.execute("SELECT action FROM audit_log WHERE action LIKE 'users.sign_in%' "
                                              "ORDER BY at, id")]
    assert actions.count("users.sign_in.failed") == 5 and actions.count("users.sign_in.throttled") == 2
    assert actions.count("users.sign_in") == 2


def test_sessions_end(app):
    clock = app.clock
    token = app.users.sign_in("ivanova", "пароль-оператора").session.token
    clock.advance(minutes=29)
    assert app.users.resume(token).app.actor.role == "operator"
    clock.advance(minutes=29)  # used 29 minutes ago: still alive
    assert app.users.resume(token)
    clock.advance(minutes=30)
    with pytest.raises(SessionExpired, match="истёк"):
        app.users.resume(token)
    for _ in range(25):  # in use all day: ends after 12 hours anyway
        token = token if _ else app.users.sign_in("ivanova", "пароль-оператора").session.token
        clock.advance(minutes=29)
        try:
            app.users.resume(token)
        except SessionExpired:
            break
    assert clock.now() - NOW >= timedelta(hours=12)
    token = app.users.sign_in("ivanova", "пароль-оператора").session.token
    app.users.sign_out(token)
    with pytest.raises(SessionExpired):
        app.users.resume(token)
    token = app.users.sign_in("ivanova", "пароль-оператора").session.token
    app.users.disable("ivanova")
    with pytest.raises(SessionExpired):
        app.users.resume(token)
    with pytest.raises(SignInRefused, match="отключён"):
        app.users.sign_in("ivanova", "пароль-оператора")
    app.users.enable("ivanova")
    assert app.users.sign_in("ivanova", "пароль-оператора")
    with pytest.raises(SessionExpired, match="не найден"):
        app.users.resume("a-token-nobody-gave")


def test_a_signed_in_persons_use_cases_stop_with_the_session(app):
    """The screens act through the signed-in app: an idle, signed-out or disabled session refuses the next use case
    in the service, whatever the screen still shows; a use case in use keeps it alive."""
    clock = app.clock
    signed = app.users.sign_in("ivanova", "пароль-оператора")
    for _ in range(3):  # working: each action within the half hour keeps the session
        clock.advance(minutes=25)
        assert signed.app.system.info() is not None
    clock.advance(minutes=31)
    with pytest.raises(SessionExpired, match="истёк"):
        signed.app.system.info()
    signed = app.users.sign_in("ivanova", "пароль-оператора")
    app.users.sign_out(signed.session.token)
    with pytest.raises(SessionExpired):
        signed.app.system.info()
    signed = app.users.sign_in("ivanova", "пароль-оператора")
    app.users.disable("ivanova")
    with pytest.raises(SessionExpired):
        signed.app.system.info()
    assert app.system.info() is not None  # the terminal's own actor has no session to lose


def test_a_new_password_ends_the_sessions_signed_in_with_the_old_one(app):
    """An administrator changes a password (it leaked): a screen signed in with the old one is refused at its next
    action and cannot resume — the new password signs in."""
    stolen = app.users.sign_in("ivanova", "пароль-оператора")
    assert stolen.app.system.info() is not None
    app.users.passwd("ivanova", "новый-пароль-оператора")
    with pytest.raises(SessionExpired):
        stolen.app.system.info()
    with pytest.raises(SessionExpired):
        app.users.resume(stolen.session.token)
    with pytest.raises(SignInRefused, match="неверный логин или пароль"):
        app.users.sign_in("ivanova", "пароль-оператора")
    assert app.users.sign_in("ivanova", "новый-пароль-оператора").app.system.info() is not None


def test_bad_users_are_refused(app):
    for kwargs, message in [
        ({"login": "Иванова", "full_name": "И", "roles": ["operator"], "password": "12345678"}, "латинские"),
        ({"login": "sidorov", "full_name": " ", "roles": ["operator"], "password": "12345678"}, "ФИО"),
        ({"login": "sidorov", "full_name": "С", "roles": ["boss"], "password": "12345678"}, "Неизвестная роль"),
        ({"login": "sidorov", "full_name": "С", "roles": ["operator"], "password": "1234567"}, "не меньше 8"),
        ({"login": "ivanova", "full_name": "И", "roles": ["operator"], "password": "12345678"}, "уже есть"),
    ]:
        with pytest.raises(UsageError, match=message):
            app.users.add(**kwargs)
    with pytest.raises(NotFound, match="Нет пользователя"):
        app.users.passwd("sidorov", "12345678")


def test_the_audit_never_holds_a_password_or_its_hash(app, tmp_path):
    app.users.passwd("ivanova", "новый-пароль-1")
    with sqlite3.connect(tmp_path / "u.db") as conn:
        text = " ".join(str(r) for r in conn.execute("SELECT before, after, summary FROM audit_log"))
    assert "scrypt$" not in text and "новый-пароль-1" not in text and "***" in text


def test_bcenter_users(tmp_path, capsys, monkeypatch):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert main(["--db", url, "init"]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("длинный-пароль\n"))
    assert main(["--db", url, "users", "add", "buh", "--name", "Сидорова С. С.", "--role", "accountant",
                 "--password-stdin"]) == 0
    assert "buh" in capsys.readouterr().out
    assert main(["--db", url, "users", "list"]) == 0
    assert "Сидорова С. С. (бухгалтер)" in capsys.readouterr().out
    monkeypatch.setattr("sys.stdin", io.StringIO("коротко\n"))
    assert main(["--db", url, "users", "passwd", "buh", "--password-stdin"]) != 0
    assert "не меньше 8" in capsys.readouterr().err
    assert main(["--db", url, "users", "disable", "buh"]) == 0
    assert "bcenter users enable buh" in capsys.readouterr().out
    assert main(["--db", url, "users", "list", "--json"]) == 0
    assert '"active": false' in capsys.readouterr().out
