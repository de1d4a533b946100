"""Files and databases a person may point bcenter at by mistake (issue 10): each is refused with a message, untouched;
what bcenter creates is readable by its owner only; a killed run's leftovers do not block the next one; an error
nobody foresaw is a message and a log file, not a traceback."""
from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

import pytest

from bcenter.cli import main

pytestmark = pytest.mark.slow


def run(capsys, *args) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def content(path: Path) -> list:
    conn = sqlite3.connect(path)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return [(t, sorted(map(repr, conn.execute(f'SELECT * FROM "{t}"').fetchall()))) for t in tables]
    finally:
        conn.close()


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(scope="module")
def town(tmp_path_factory) -> Path:
    """A small demo town, September 2025 calculated (a calculated month to print bills of)."""
    path = tmp_path_factory.mktemp("files") / "town.db"
    url = f"sqlite:///{path}"
    assert main(["--db", url, "demo", "--accounts", "40", "--until", "2025-09"]) == 0
    assert main(["--db", url, "calc", "--period", "2025-09"]) == 0
    return path


def test_a_mistyped_path_is_not_a_new_empty_database(tmp_path, capsys):
    missing = tmp_path / "tоwn.db"  # a Cyrillic «о»: what a mistyped path looks like
    for command in (("calc", "--period", "2025-09"), ("info",), ("charges", "--period", "2025-09"),
                    ("bills", "--period", "2025-09", "--out", tmp_path / "b.pdf")):
        code, _, err = run(capsys, "--db", f"sqlite:///{missing}", *command)
        assert code == 1 and "нет: проверьте путь" in err, (command, err)
    assert not missing.exists()
    code, _, _ = run(capsys, "--db", f"sqlite:///{missing}", "init")  # init starts one
    assert code == 0 and missing.exists()


def test_another_program_s_database_is_refused_untouched(tmp_path, capsys):
    foreign = tmp_path / "shop.db"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE goods (id INTEGER PRIMARY KEY, name TEXT)")
    conn.commit()
    conn.close()
    before = foreign.read_bytes()
    for command in (("info",), ("init",), ("demo", "--accounts", "5"), ("calc", "--period", "2025-09")):
        code, _, err = run(capsys, "--db", f"sqlite:///{foreign}", *command)
        assert code == 1 and "база другой программы" in err and "goods" in err and "Traceback" not in err, err
    assert foreign.read_bytes() == before


def test_a_file_that_is_not_a_database_and_an_application_id_of_another(tmp_path, capsys):
    text = tmp_path / "notes.db"
    text.write_text("это не база\n" * 100, encoding="utf-8")
    code, _, err = run(capsys, "--db", f"sqlite:///{text}", "info")
    assert code == 1 and "не является базой" in err and "Traceback" not in err
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("PRAGMA application_id = 1234")
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    code, _, err = run(capsys, "--db", f"sqlite:///{other}", "info")
    assert code == 1 and "application_id 0x4d2" in err


def test_a_newer_schema_is_refused_with_the_version_found(town, tmp_path, capsys):
    newer = tmp_path / "newer.db"
    assert run(capsys, "--db", f"sqlite:///{town}", "backup", newer)[0] == 0
    conn = sqlite3.connect(newer)
    conn.execute("INSERT INTO schema_migration (version, name, applied_at) VALUES (99, 'future', '2030-01-01')")
    conn.commit()
    conn.close()
    code, _, err = run(capsys, "--db", f"sqlite:///{newer}", "info")
    assert code == 1 and "версия 99" in err
    copy = tmp_path / "copy.db"
    assert run(capsys, "--db", f"sqlite:///{town}", "backup", copy)[0] == 0
    code, _, err = run(capsys, "--db", f"sqlite:///{copy}", "restore", newer, "--yes")
    assert code == 1 and "более новой версией" in err


def test_restore_refuses_a_foreign_file(town, tmp_path, capsys):
    foreign = tmp_path / "foreign.db"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE schema_migration (version INTEGER PRIMARY KEY, name TEXT, applied_at TEXT)")
    conn.execute("INSERT INTO schema_migration VALUES (1, 'x', 'y')")
    conn.commit()
    conn.close()
    copy = tmp_path / "copy.db"
    assert run(capsys, "--db", f"sqlite:///{town}", "backup", copy)[0] == 0
    before = content(copy)
    code, _, err = run(capsys, "--db", f"sqlite:///{copy}", "restore", foreign, "--yes")
    assert code == 1 and "не резервная копия базы bcenter" in err
    assert content(copy) == before


def test_a_month_that_has_not_begun_is_not_calculated_and_nothing_is_written(town, tmp_path, capsys):
    copy = tmp_path / "copy.db"
    assert run(capsys, "--db", f"sqlite:///{town}", "backup", copy)[0] == 0
    conn = sqlite3.connect(copy)
    before = [conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone() for t in ("billing_period", "calc_run", "outbox")]
    conn.close()
    for command in ("calc", "close", "storno"):
        extra = ("--reason", "x") if command == "storno" else ()
        code, _, err = run(capsys, "--db", f"sqlite:///{copy}", command, "--period", "2099-01", *extra)
        assert code == 2 and "ещё не наступил" in err
    conn = sqlite3.connect(copy)
    assert [conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()
            for t in ("billing_period", "calc_run", "outbox")] == before
    conn.close()


def test_what_bcenter_creates_is_its_owner_s_only(town, tmp_path, capsys):
    fresh = tmp_path / "fresh.db"
    assert run(capsys, "--db", f"sqlite:///{fresh}", "init")[0] == 0
    backup, export, bills = tmp_path / "backup.db", tmp_path / "town.json", tmp_path / "bills.pdf"
    assert run(capsys, "--db", f"sqlite:///{town}", "backup", backup)[0] == 0
    assert run(capsys, "--db", f"sqlite:///{town}", "export", export)[0] == 0
    assert run(capsys, "--db", f"sqlite:///{town}", "bills", "--period", "2025-09", "--house", "h00001",
               "--out", bills)[0] == 0
    folder = tmp_path / "per-account"
    assert run(capsys, "--db", f"sqlite:///{town}", "bills", "--period", "2025-09", "--house", "h00001",
               "--out", folder)[0] == 0
    for path in (fresh, backup, export, bills, *folder.iterdir()):
        assert mode(path) & 0o077 == 0, f"{path.name}: {oct(mode(path))}"


def test_a_killed_bill_run_s_leftovers_do_not_block_the_next(town, tmp_path, capsys):
    folder = tmp_path / "bills"
    leftover = folder / ".bills.partial-999999-abc"  # a process that is long gone
    leftover.mkdir(parents=True)
    (leftover / "0000-00000_1.pdf").write_bytes(b"%PDF half")
    code, out, err = run(capsys, "--db", f"sqlite:///{town}", "bills", "--period", "2025-09", "--house", "h00001",
                         "--out", folder)
    assert code == 0, err
    assert not leftover.exists() and all(p.suffix == ".pdf" and not p.name.startswith(".") for p in folder.iterdir())


def test_an_error_nobody_foresaw_is_a_message_and_a_log_file(town, tmp_path, capsys, monkeypatch):
    from bcenter.app import system

    def broken(*args, **kwargs):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(system, "summary", broken)
    monkeypatch.setenv("BCENTER_LOG_DIR", str(tmp_path / "logs"))
    code, _, err = run(capsys, "--db", f"sqlite:///{town}", "info")
    assert code == 1 and "Внутренняя ошибка bcenter (ZeroDivisionError)" in err and "Traceback" not in err
    log, = (tmp_path / "logs").iterdir()
    assert str(log) in err and "ZeroDivisionError" in log.read_text(encoding="utf-8") and mode(log) == 0o600


def test_the_error_log_keeps_no_passport_number_nor_database_password(town, tmp_path, capsys, monkeypatch):
    """A crash while the passport desk registers a person: the log names the command, but the passport's series and
    number, СНИЛС, phone and birth date typed on the command line (sealed in the database) are masked in it — and so
    is the password of a database address."""
    from bcenter.app.crash import crash_report
    from bcenter.app.passport import PassportCases

    def broken(*args, **kwargs):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(PassportCases, "register", broken)
    monkeypatch.setenv("BCENTER_LOG_DIR", str(tmp_path / "logs"))
    typed = ("4510", "654321", "112-233-445 95", "+79161234567", "1980-01-02", "a.petrova@example.ru")
    code, _, err = run(capsys, "--db", f"sqlite:///{town}", "passport", "register", "1000010015", "--last-name",
                       "Петрова", "--first-name", "Анна", "--document-series", typed[0],
                       f"--document-number={typed[1]}", "--snils", typed[2], "--phone", typed[3],
                       "--birth-date", typed[4], "--from", "2025-09-01")
    assert code == 1 and "Внутренняя ошибка bcenter (ZeroDivisionError)" in err
    log, = (tmp_path / "logs").iterdir()
    text = log.read_text(encoding="utf-8")
    assert "passport register 1000010015" in text and "--snils ***" in text and "ZeroDivisionError" in text
    assert not [value for value in typed if value in text], text
    edited = crash_report(ZeroDivisionError(), argv=["--db", "postgresql://bc:Pa55-word@10.0.0.5:5432/bcenter",
                                                     "passport", "person", "p1", "--set", f"email={typed[5]}",
                                                     "--set=phone=+7 916 123-45-67", "--set", "last_name=Петрова",
                                                     "copy-to", "--db=postgresql://bc:Pa55-word@10.0.0.5/x"])
    text = edited.read_text(encoding="utf-8")
    assert "Pa55-word" not in text and typed[5] not in text and "123-45" not in text, text
    assert "postgresql://bc:***@10.0.0.5:5432/bcenter" in text and "last_name=Петрова" in text


def test_a_database_password_is_never_printed(any_url, tmp_path, capsys, monkeypatch):
    """`bcenter init` says which database is ready, a mistyped scheme and another program's PostgreSQL database are
    refused naming the address — each without the password in it (a terminal, a CI log, a screenshot keep them)."""
    import re
    import uuid

    from bcenter.app import application
    from db.connection import connect

    secret = "Pa55-word"
    code, _, err = run(capsys, "--db", f"postgresq://bc:{secret}@127.0.0.1/bcenter", "info")
    assert code == 1 and "Неизвестный адрес базы данных «postgresq://bc:***@127.0.0.1/bcenter»" in err, err
    monkeypatch.setattr(application, "connect", lambda url, create=False: connect(any_url, create=True))
    code, out, err = run(capsys, "--db", f"postgresql://bc:{secret}@db.example:5432/bcenter", "init")
    assert code == 0 and "База готова: postgresql://bc:***@db.example:5432/bcenter" in out, (out, err)
    assert secret not in out + err
    monkeypatch.undo()
    if any_url.startswith("sqlite"):
        return
    import psycopg2

    base = any_url.split("?")[0]  # another program's tables in a schema of their own
    schema = f"shop_{uuid.uuid4().hex[:12]}"
    conn = psycopg2.connect(base)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute(f'CREATE SCHEMA "{schema}"')
            cur.execute(f'CREATE TABLE "{schema}".goods (id INTEGER PRIMARY KEY)')
        with_password = re.sub(r"^postgresql://([^:@/]+)(:[^@/]*)?@", rf"postgresql://\1:{secret}@", base)
        assert secret in with_password, "the test database's URL names no user"
        code, _, err = run(capsys, "--db", f"{with_password}?schema={schema}", "info")
        assert code == 1 and "база другой программы" in err and "goods" in err and secret not in err, err
    finally:
        with conn.cursor() as cur:
            cur.execute(f'DROP SCHEMA "{schema}" CASCADE')
        conn.close()


def test_copy_to_goes_into_postgresql_only_and_export_says_what_it_leaves_out(tmp_path, capsys):
    """`bcenter copy-to` refuses a target that is not PostgreSQL; `bcenter export` of a database with closed months
    says the document carries them without their postings, and which command moves the database whole."""
    from bcenter.cli import main

    url = f"sqlite:///{tmp_path / 'town.db'}"
    assert main(["--db", url, "demo", "--accounts", "12", "--until", "2026-03", "--ledger"]) == 0
    capsys.readouterr()
    assert main(["--db", url, "copy-to", f"sqlite:///{tmp_path / 'other.db'}"]) == 1
    assert "только в PostgreSQL" in capsys.readouterr().err
    assert main(["--db", url, "export", str(tmp_path / "town.json")]) == 0
    out = capsys.readouterr().out
    assert "без их начислений и сальдо" in out and "bcenter copy-to" in out, out
