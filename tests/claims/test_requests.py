"""Residents' requests (issue 19): deadlines by kind (hours round the clock, working days by the production calendar),
assignment, comments and closing with a history, the overdue list by deadline, the report of deadlines kept and
missed matching a hand count, a request answered by an act; bad input refused in Russian with nothing written."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from bcenter.app import App
from bcenter.cli import main
from bcenter.core.clock import FixedClock
from bcenter.core.errors import ValidationFailed
from tests.ui.towns import copy_town

MSK = timezone(timedelta(hours=3))
MONDAY = datetime(2026, 11, 2, 10, 0, tzinfo=MSK)  # 4 November (Wednesday) is a holiday (ст. 112 ТК РФ)


@pytest.fixture(scope="module")
def town(tmp_path_factory):
    from tests.finance.towns import demo_town

    path = tmp_path_factory.mktemp("requests") / "town.db"
    demo_town(path, accounts=20, seed=7).close()
    return path


@pytest.fixture
def path(town, tmp_path):
    copy_town(town, tmp_path).close()
    return tmp_path / "town.db"


def at(path, moment: datetime) -> App:
    return App.open(f"sqlite:///{path}", clock=FixedClock(moment))


def _account(app) -> str:
    return app.registry.search("Ленина")[0].number


def test_deadlines_by_kind_and_the_calendar(path):
    app = at(path, MONDAY)
    account = _account(app)
    quality = app.claims.add(kind="quality", text="нет горячей воды", account=account)
    assert quality.number == "З-2026-000001" and quality.deadline_at == MONDAY + timedelta(hours=2)
    repair = app.claims.add(kind="repair", text="течёт стояк", house="h00001")
    assert repair.deadline_at == MONDAY + timedelta(hours=72) and repair.place.startswith("ул. Ленина, д. 1")
    inquiry = app.claims.add(kind="inquiry", text="копия договора", account=account, channel="kiosk")
    # 10 working days from the day after receipt: 3, 5, 6, 9, 10, 11, 12, 13, 16, 17 November (4th a holiday)
    assert inquiry.deadline_at == datetime(2026, 11, 17, 23, 59, 59, tzinfo=MSK)
    billing = app.claims.add(kind="billing", text="двойное начисление", account=account)
    assert billing.deadline_at == datetime(2026, 11, 6, 23, 59, 59, tzinfo=MSK)
    app.close()


def test_the_desk_assigns_comments_closes_and_reports_what_was_late(path):
    app = at(path, MONDAY)
    account = _account(app)
    made = [app.claims.add(kind=k, text=t, account=account) for k, t in (
        ("quality", "холодные батареи"), ("emergency", "затопление"), ("repair", "дверь подъезда"),
        ("inquiry", "справка"), ("billing", "пени"))]
    app.claims.assign(made[0].number, assignee="слесарь Иванов")
    app.close()

    later = at(path, MONDAY + timedelta(hours=1))  # the quality check done in time
    later.claims.close(made[0].number, note="проверено, акт не требуется")
    later.claims.comment(made[2].number, note="нужен доступ в подвал")
    later.close()

    late = at(path, MONDAY + timedelta(hours=5))  # the emergency closed after its 2 hours
    late.claims.close(made[1].number, note="устранено")
    overdue = [r.number for r in late.claims.listing("overdue")]
    assert overdue == []  # nothing open is past due yet at 15:00 (the repair has 72 hours)
    late.close()

    days = at(path, MONDAY + timedelta(days=4))  # Friday: the repair (72 h) and billing (3 working days) are late
    overdue = days.claims.listing("overdue")
    assert [r.kind for r in overdue] == ["repair"]  # billing: until the end of Friday 6 November
    report = {t.kind: t for t in days.claims.deadlines(start=MONDAY.date(), end=MONDAY.date())}
    # the hand count: quality closed in 1 h (in time), emergency closed in 5 h (late), repair open past 72 h,
    # inquiry and billing open and in time
    assert (report["quality"].closed_in_time, report["emergency"].closed_late, report["repair"].open_overdue,
            report["inquiry"].open_in_time, report["billing"].open_in_time) == (1, 1, 1, 1, 1)
    assert sum(t.received for t in report.values()) == 5
    history = days.claims.history(made[2].number)
    assert [(h[2], h[4]) for h in history] == [("new", None), ("new", "нужен доступ в подвал")]
    with pytest.raises(ValidationFailed, match="уже закрыта"):
        days.claims.close(made[0].number, note="ещё раз")
    days.close()


def test_a_request_answered_by_an_act(path, capsys):
    app = at(path, MONDAY)
    request = app.claims.add(kind="quality", text="нет горячей воды второй день", house="h00001")
    number = app.claims.act(service="hot_water", house="h00001", start="2026-10-05 08:00",
                            end="2026-10-06 14:00", request=request.number)
    assert [h[4] for h in app.claims.history(request.number)][-1] == f"составлен акт {number}"
    app.close()
    url = f"sqlite:///{path}"
    assert main(["--db", url, "claims", "list"]) == 0
    assert request.number in capsys.readouterr().out
    assert main(["--db", url, "claims", "deadlines", "--from", "2026-11-01", "--to", "2026-12-31"]) == 0
    assert "Итого" in capsys.readouterr().out


def test_bad_requests_are_refused_with_nothing_written(path):
    app = at(path, MONDAY)
    count = lambda: app.db.execute_sql('SELECT COUNT(*) FROM "claim"').fetchone()[0]  # noqa: E731
    before = count()
    for kwargs, message in (({"kind": "no_such", "text": "x", "house": "h00001"}, "вид заявки «no_such» неизвестен"),
                            ({"kind": "quality", "text": "  ", "house": "h00001"}, "текст заявки пуст"),
                            ({"kind": "quality", "text": "x", "account": "0000000000"}, "нет лицевого счёта"),
                            ({"kind": "quality", "text": "x"}, "укажите лицевой счёт")):
        with pytest.raises(ValidationFailed, match=message):
            app.claims.add(**kwargs)
    assert count() == before
    with pytest.raises(ValidationFailed, match="кому поручить"):
        app.claims.assign(app.claims.add(kind="quality", text="x", house="h00001").number, assignee=" ")
    app.close()


def test_attachments_are_checked_by_size_and_content(path, tmp_path):
    from bcenter.modules.claims import attachments

    app = at(path, MONDAY)
    request = app.claims.add(kind="repair", text="течёт крыша", house="h00001")
    photo = tmp_path / "крыша.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0" + b"\x00" * 2000)
    kept = app.claims.attach(request.number, photo)
    assert kept.read_bytes() == photo.read_bytes() and kept.parent == path.with_name(path.name + "-files") / "claims"
    assert app.claims.attach(request.number, photo) == kept  # the same file twice: stored once
    assert "вложение: крыша.jpg (1 КБ)" in app.claims.history(request.number)[-1][4]
    fake = tmp_path / "письмо.pdf"
    fake.write_bytes(b"MZ\x90\x00 not a pdf")
    with pytest.raises(ValidationFailed, match="принимаются PDF, JPEG и PNG"):
        app.claims.attach(request.number, fake)
    big = tmp_path / "big.pdf"
    big.write_bytes(b"%PDF-1.7\n" + b"0" * (attachments.LIMIT + 1))
    with pytest.raises(ValidationFailed, match="больше 10 МБ"):
        app.claims.attach(request.number, big)
    with pytest.raises(ValidationFailed, match="файла нет"):
        app.claims.attach(request.number, tmp_path / "нет.pdf")
    assert len(app.claims.history(request.number)) == 3  # received and the two attachments of the same photo
    app.close()


def test_a_kind_s_deadline_is_changed_for_the_requests_taken_after(path, capsys):
    url = f"sqlite:///{path}"
    assert main(["--db", url, "claims", "kinds", "--set", "repair", "--hours", "48", "--basis", "договор, п. 4.2"]) == 0
    assert "48 ч" in capsys.readouterr().out
    assert main(["--db", url, "claims", "kinds", "--set", "repair", "--hours", "48", "--working-days", "2"]) == 1
    assert "одно из двух" in capsys.readouterr().err
    app = at(path, MONDAY)
    assert app.claims.add(kind="repair", text="дверь", house="h00001").deadline_at == MONDAY + timedelta(hours=48)
    app.close()
