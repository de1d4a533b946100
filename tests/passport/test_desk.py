"""The passport desk on a demo town (issue 18), through ``bcenter.app`` and the CLI: a back-dated move-in recalculates
the months it touches with the registration named in ``explain`` and on the next bill; a de-registration ends the
person-days on its date; the forms carry the persons, dates and relations and reprint byte for byte; document
numbers go only to the passport officer and the administrator (by the use case), every view audited, and the
database file holds no plain passport number; bad input is refused in Russian with nothing written."""
from __future__ import annotations

import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader

from bcenter.app import Actor, PermissionDenied
from bcenter.app.passport import NewPerson
from bcenter.cli import main
from bcenter.core.errors import ValidationFailed
from bcenter.core.period import Period
from db.models import AuditLog
from tests.finance.towns import OPEN, demo_town
from tests.ui.towns import copy_town

AUG, SEP = Period(2026, 8), Period(2026, 9)
PASSPORT = {"birth_date": "1990-05-06", "birth_place": "г. Свердловск", "document_series": "4510",
            "document_number": "765432", "document_issued_by": "ОВД Заречного", "document_issued_on": "2010-06-01",
            "snils": "112-233-445 95", "phone": "+7 900 111-22-33"}


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture(scope="module")
def town(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("passport") / "town.db"
    demo_town(path, accounts=20, seed=7).close()
    return path


@pytest.fixture
def app(town, tmp_path):
    application = copy_town(town, tmp_path)
    yield application
    application.close()


def _account(app) -> str:
    return app.registry.search("Ленина")[0].number


def _recalcs(app, account: str) -> dict[Period, list]:
    out: dict[Period, list] = {}
    for line in app.month.explain(OPEN, account=account).lines:
        if line.corrects_period is not None:
            out.setdefault(line.corrects_period, []).append(line)
    return out


def _counts(app) -> tuple:
    return tuple(app.db.execute_sql(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0]
                 for t in ("person", "registration", "ownership", "absence", "outbox", "passport_document"))


def test_a_back_dated_move_in_and_out_recalculates_with_the_fact_named(app, tmp_path):
    account = _account(app)
    app.month.calc(OPEN, workers=1)
    written = app.passport.register(account, kind="permanent", start="2026-08-01", relation="брат",
                                    new=NewPerson("Петров", "Андрей", "Васильевич", "passport_ru", PASSPORT))
    assert written.recalculate_from == "2026-08"
    result = app.month.calc(OPEN, workers=1)
    assert {"2026-08", "2026-09"} <= result.recalculated_periods
    recalcs = _recalcs(app, account)
    for month in (AUG, SEP):
        assert recalcs[month], month
        for line in recalcs[month]:
            assert "основание: регистрация Петров А. В. по месту жительства с 01.08.2026" in line.reason
            assert line.amount > 0
    full = sum(ln.amount for ln in recalcs[SEP])

    app.bills.print(OPEN, out=tmp_path / "bill.pdf", account=account)
    text = re.sub(r"\s+", " ", _text((tmp_path / "bill.pdf").read_bytes()))
    assert "регистрация Петров А. В." in text  # the next bill's recalculation section names the fact

    app.passport.deregister(account, person=written.person, on="2026-09-16", departed_to="г. Москва")
    app.month.calc(OPEN, workers=1)
    after = _recalcs(app, account)
    named = [ln for ln in after[SEP] if "снятие с регистрационного учёта Петров А. В. с 16.09.2026" in ln.reason]
    assert named and sum(ln.amount for ln in named) == -round(full * 15 / 30)  # 1–15 September counted, not 16–30
    assert all(ln.amount <= 0 for ln in after[OPEN] if "снятие" in (ln.reason or "")) and \
        sum(ln.amount for ln in after[OPEN] if "снятие" in (ln.reason or "")) < 0
    card = app.passport.card(account)
    ended = next(r for r in card.residents if r.code == written.person)
    assert ended.registered_to.isoformat() == "2026-09-16" and ended.departed_to == "г. Москва"
    assert [r.code for r in card.residents].count(written.person) == 1  # the superseded registration is not shown


@pytest.mark.parametrize("form", ["form9", "form10", "form11", "extract", "family"])
def test_each_form_carries_persons_dates_relations_and_reprints_byte_for_byte(app, form):
    account = _account(app)
    written = app.passport.register(account, kind="temporary", start="2026-09-01", end="2027-03-01", relation="сын",
                                    new=NewPerson("Петров", "Иван", "Андреевич", "passport_ru", PASSPORT))
    card = app.passport.card(account, personal=True)
    doc = app.passport.issue(form, account, person=written.person if form in ("form9", "family") else None)
    assert re.fullmatch(r"ПС-2026-\d{6}", doc.number)
    text = re.sub(r"\s+", " ", _text(doc.pdf))
    assert doc.number in text and "Петров Иван Андреевич" in text and "01.09.2026" in text
    if form == "form9":
        assert "765432" in text and "06.05.1990" in text  # the person's document and birth date
    else:
        for resident in card.residents:
            assert resident.name in text
        if form != "form11":  # the house book has no column of relations (form 11)
            assert "сын" in text and "собственник" in text
    again = app.passport.reprint(doc.number)
    assert again.pdf == doc.pdf and again.same_as_first
    assert [d.number for d in app.passport.documents(account)] == [doc.number]


@pytest.mark.parametrize("role", ["operator", "cashier", "accountant", "meter_reader", "analyst"])
def test_document_numbers_are_refused_to_other_roles(app, role):
    account = _account(app)
    other = app.as_actor(Actor(user=f"{role}-1", role=role))
    with pytest.raises(PermissionDenied, match="нужно право"):
        other.passport.card(account, personal=True)
    with pytest.raises(PermissionDenied):
        other.passport.issue("form9", account, person="h00001-c1")
    if role == "operator":  # the names and dates of the card are the office's work; documents are not
        card = other.passport.card(account)
        assert card.residents and all(r.private is None for r in card.residents)


@pytest.mark.parametrize("role", ["cashier", "accountant", "meter_reader"])
def test_the_account_card_does_not_give_a_role_the_passport_desk_refuses_who_lives_and_owns(app, role):
    """A cashier, an accountant or a meter reader may find an account and read its card, but not who is registered
    there and who owns it (names, dates, shares): the passport desk's card refuses them that, so the account card
    leaves it out too — the payer stays (it is on the bill). The operator reads both."""
    account = _account(app)
    full = app.as_actor(Actor(user="oper-1", role="operator")).registry.card(account)
    assert full.residents and full.owners
    other = app.as_actor(Actor(user=f"{role}-1", role=role))
    with pytest.raises(PermissionDenied):
        other.passport.card(account)
    card = other.registry.card(account)
    assert card.residents is None and card.owners is None
    assert card.holder == full.holder and card.address == full.address


def test_the_audit_says_who_viewed_and_the_file_holds_no_plain_number(app, town):
    account = _account(app)
    officer = app.as_actor(Actor(user="pasport", role="passport_officer"))
    written = officer.passport.register(account, kind="permanent", start="2026-11-01", relation="муж",
                                        new=NewPerson("Сидоров", "Пётр", None, "passport_ru", PASSPORT))
    card = officer.passport.card(account, personal=True)
    assert next(r for r in card.residents if r.code == written.person).private["document_number"] == "765432"
    assert any((r.private or {}).get("document_number") == "420783" for r in card.residents)  # the demo owner's
    officer.passport.issue("form9", account, person=written.person)
    views = list(AuditLog.select().where(AuditLog.table_name == "person", AuditLog.actor == "pasport",
                                         AuditLog.action.startswith("passport.")).execute(app.db))
    assert {v.action for v in views} >= {"passport.personal_data.view", "passport.document.form9"}
    database = Path(app.db.database)
    app.close()
    # a demo owner's passport (series and number side by side, as a plain row would hold them) and СНИЛС; a bare
    # six-digit number might also be part of a meter reading
    demo_numbers = [b"6500420783", b"609-583-061 10"]
    files = sorted(database.parent.glob(database.name + "*"))  # the file, its WAL and shared memory
    assert database in files
    for path in files:
        data = path.read_bytes()
        for secret in [b"4510765432", "112-233-445 95".encode(), "+7 900 111-22-33".encode(), *demo_numbers]:
            assert secret not in data, (path.name, secret)
    original = Path(town).read_bytes()
    assert b"6500420783" not in original and b"609-583-061 10" not in original  # sealed from the first import


def test_bad_input_is_refused_in_russian_with_nothing_written(app):
    account = _account(app)
    other = app.registry.search("Ленина")[1].number
    before = _counts(app)
    with pytest.raises(ValidationFailed, match="уже зарегистрирован по месту жительства"):
        app.passport.register(other, kind="permanent", start="2026-11-01", person="h00001-c1")
    with pytest.raises(ValidationFailed, match="не позже даты начала"):
        app.passport.register(account, kind="temporary", start="2026-11-01", end="2026-10-01",
                              new=NewPerson("Новиков", "Олег", None, None, {"birth_date": "1980-01-01"}))
    with pytest.raises(ValidationFailed, match="превысили бы 1/1"):
        app.passport.own(account, share="1/2", start="2026-11-01", person="h00001-c1")
    with pytest.raises(ValidationFailed, match="не зарегистрирован в этом помещении"):
        app.passport.deregister(other, person="h00001-c1", on="2026-11-01")
    assert _counts(app) == before


def test_the_commands(app, tmp_path, capsys):
    url = app.url
    account = _account(app)
    assert main(["--db", url, "passport", "card", account]) == 0
    said, area = capsys.readouterr().out, app.passport.card(account).total_area
    assert "[h00001-c1]" in said and f", {area.replace('.', ',')} м²" in said  # an area with a decimal comma
    assert main(["--db", url, "passport", "register", account, "--last-name", "Орлова", "--first-name", "Вера",
                 "--birth-date", "1999-02-03", "--from", "2026-09-01", "--relation", "дочь"]) == 0
    said = capsys.readouterr().out
    assert "Зарегистрирован по месту жительства с 01.09.2026" in said and "будут пересчитаны" in said
    assert main(["--db", url, "passport", "register", account, "--last-name", "Орлова", "--first-name", "Вера",
                 "--from", "2026-09-31"]) == 1
    assert "from" in capsys.readouterr().err
    out = tmp_path / "extract.pdf"
    assert main(["--db", url, "passport", "extract", account, "--out", str(out)]) == 0
    number = re.search(r"№ (ПС-\S+)", capsys.readouterr().out).group(1)
    assert "Орлова Вера" in _text(out.read_bytes())
    again = tmp_path / "again.pdf"
    assert main(["--db", url, "passport", "reprint", number, "--out", str(again)]) == 0
    assert again.read_bytes() == out.read_bytes()
    assert main(["--db", url, "passport", "documents"]) == 0
    assert number in capsys.readouterr().out


def test_a_new_passport_a_phone_an_absence_and_an_ownership_ended(app, capsys):
    url, account = app.url, _account(app)
    assert main(["--db", url, "passport", "person", "h00001-c1", "--set", "document_number=111222",
                 "--set", "phone=+7 999 000-00-00", "--personal"]) == 0
    out = capsys.readouterr().out
    assert "Изменено: document_number, phone" in out and "номер 111222" in out and "телефон: +7 999 000-00-00" in out
    edits = list(AuditLog.select().where(AuditLog.table_name == "person",
                                         AuditLog.action.startswith("passport.person.edit")).execute(app.db))
    assert edits and "111222" not in str([(e.before, e.after) for e in edits])  # the audit: changed, not to what
    assert main(["--db", url, "passport", "absence", "--person", "h00001-c1", "--from", "2026-10-01",
                 "--to", "2026-10-20", "--document", "справка с места учёбы"]) == 0
    assert "Временное отсутствие с 01.10.2026 по 20.10.2026" in capsys.readouterr().out
    assert main(["--db", url, "passport", "absence", "--person", "h00001-c1", "--from", "2026-10-20",
                 "--to", "2026-10-01", "--document", "справка"]) == 1
    assert "раньше даты выезда" in capsys.readouterr().err
    assert main(["--db", url, "passport", "own-end", account, "--person", "h00001-c1", "--on", "2026-11-01"]) == 0
    assert "Право собственности h00001-c1 прекращено с 01.11.2026" in capsys.readouterr().out
    card = app.passport.card(account)
    assert [(o.share, o.until.isoformat()) for o in card.owners] == [("1/1", "2026-11-01")]
    app.passport.own(account, share="1/1", start="2026-11-01", new=NewPerson("Котов", "Илья", None, None, {}))
    assert len(app.passport.card(account).owners) == 2  # the seller's right ended, the buyer's begins that day


def test_an_absence_of_nobody_registered_or_over_another_is_refused_with_nothing_written(app):
    """Review of 2026-12: the desk took an absence of a person registered nowhere, one wholly after the person was
    taken off the register, and the same absence entered twice — which the month then took off twice."""
    account = _account(app)
    stranger = app.passport.register(account, kind="temporary", start="2026-01-01", end="2026-02-01",
                                     new=NewPerson("Гостев", "Олег", None, None, {}))
    app.passport.deregister(account, person="h00001-c1", on="2026-08-10")
    app.passport.absence(person="h00001-c1", start="2026-07-05", end="2026-07-20", documents=["билеты"])
    before = _counts(app)
    with pytest.raises(ValidationFailed, match="нигде не зарегистрирован"):
        app.passport.absence(person=stranger.person, start="2026-08-05", end="2026-08-20", documents=["билеты"])
    with pytest.raises(ValidationFailed, match="нигде не зарегистрирован.*по 09.08.2026"):
        app.passport.absence(person="h00001-c1", start="2026-08-12", end="2026-08-30", documents=["билеты"])
    with pytest.raises(ValidationFailed, match="уже отсутствует с 05.07.2026 по 20.07.2026"):
        app.passport.absence(person="h00001-c1", start="2026-07-15", end="2026-07-25", documents=["билеты"])
    assert _counts(app) == before
    app.passport.absence(person="h00001-c1", start="2026-07-20", end="2026-08-02", documents=["билеты"])  # next trip


def test_a_back_dated_absence_recalculates_once_with_the_absence_named(app):
    """Review of 2026-12: the recalculation of a back-dated absence said only «временное отсутствие» — not whose,
    not which days (a registration's names the person and the date); a rerun with nothing new posts nothing."""
    account = _account(app)
    app.month.calc(OPEN, workers=1)
    app.passport.absence(person="h00001-c1", start="2026-08-05", end="2026-08-18", documents=["командировка"])
    result = app.month.calc(OPEN, workers=1)
    assert result.recalculated_periods == {"2026-08"}
    lines = _recalcs(app, account)[AUG]
    assert lines and all(ln.amount < 0 for ln in lines)
    last, first, middle = app.passport.person("h00001-c1").name.split()
    for line in lines:
        assert f"основание: временное отсутствие {last} {first[0]}. {middle[0]}. с 05.08.2026 по 18.08.2026" \
            in line.reason
    assert app.month.calc(OPEN, workers=1).lines == 0


def test_an_absence_is_named_for_the_flat_the_person_lives_in_not_one_they_left(app):
    """Review of the day's change: an absence was a fact of every premises its person was ever registered in — a flat
    left in March had its house marked and its accounts' recalculation reasons ready to name an August trip. Only
    the registrations in force over the absence's days count."""
    from bcenter.modules.registry.dirty import dirty_houses
    from db.dialect import db_id

    account = _account(app)
    premises = app.db.execute_sql('SELECT premises_id FROM "account" WHERE number = ?', (account,)).fetchone()[0]
    other = app.db.execute_sql('SELECT number FROM "account" WHERE premises_id <> ? AND share IS NULL '
                               'ORDER BY number LIMIT 1', (db_id(str(premises)),)).fetchone()[0]
    app.passport.deregister(account, person="h00001-c1", on="2026-03-01")
    app.passport.register(other, kind="permanent", start="2026-03-01", person="h00001-c1")
    app.month.calc(OPEN, workers=1)
    (seq,) = app.db.execute_sql('SELECT MAX(seq) FROM "outbox"').fetchone()
    app.passport.absence(person="h00001-c1", start="2026-08-05", end="2026-08-18", documents=["командировка"])
    named = {app.db.execute_sql('SELECT number FROM "account" WHERE id = ?', (db_id(a),)).fetchone()[0]
             for by_account in dirty_houses(app.db, after_seq=seq).facts.values() for a in by_account}
    assert other in named and account not in named


def test_an_owner_of_two_shares_is_one_owner_for_the_norm(app):
    """Review of 2026-12: nobody registered, so the norm counts the owners (ПП 354 п. 56(2)); one of two owners sold
    his half to the other — one owner from August, but his two rights counted as two persons and nothing changed."""
    account, = app.db.execute_sql(
        'SELECT a.number FROM "account" a WHERE NOT EXISTS (SELECT 1 FROM "registration" r WHERE r.premises_id = '
        'a.premises_id) AND (SELECT COUNT(*) FROM "ownership" o WHERE o.premises_id = a.premises_id '
        'AND o.owner_person_id IS NOT NULL) = 2 ORDER BY a.number LIMIT 1').fetchone()
    app.month.calc(OPEN, workers=1)
    codes = [r[0] for r in app.db.execute_sql(
        'SELECT p.ext_id FROM "ownership" o JOIN "person" p ON p.id = o.owner_person_id JOIN "account" a '
        'ON a.premises_id = o.premises_id WHERE a.number = ? ORDER BY p.ext_id', (account,))]
    app.passport.end_ownership(account, person=codes[0], on="2026-08-01")
    app.passport.own(account, share="1/2", start="2026-08-01", person=codes[1])
    app.month.calc(OPEN, workers=1)
    recalcs = _recalcs(app, account)
    assert set(recalcs) == {AUG, SEP, OPEN}
    for month in (AUG, SEP, OPEN):
        for line in recalcs[month]:
            old, new = re.search(r"объём (\S+) → (\S+)", line.reason).groups()
            assert Decimal(new) * 2 == Decimal(old), line.reason  # two owners' norm → one owner's
