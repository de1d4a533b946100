"""What the passport forms print about a registration's days: a temporary registration's last day (the stored end is
the first day without it), and a справка о составе семьи only to a person registered on its day, its temporary
lodgers marked with their kind and last day."""
from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from bcenter.app.passport import NewPerson
from bcenter.core.errors import NotFound, ValidationFailed


def _text(pdf: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())


def _account(app) -> str:
    return app.registry.search("Ленина")[0].number


def test_the_extract_prints_the_last_day_of_a_temporary_registration(app):
    account = _account(app)
    app.passport.register(account, kind="temporary", start="2026-11-01", end="2027-05-01",
                          new=NewPerson("Временный", "Пётр", "Петрович"))
    text = _text(app.passport.issue("extract", account).pdf)
    assert "по 30.04.2027" in text and "01.05.2027" not in text


def test_the_card_prints_the_last_day_of_a_temporary_registration(app):
    account = _account(app)
    w = app.passport.register(account, kind="temporary", start="2026-11-01", end="2027-05-01",
                              new=NewPerson("Временный", "Пётр", "Петрович"))
    mine = next(r for r in app.passport.card(account).residents if r.code == w.person)
    assert mine.last_day.isoformat() == "2027-04-30"


def test_a_family_certificate_is_not_issued_to_someone_who_left(app):
    account = _account(app)
    w = app.passport.register(account, kind="permanent", start="2026-01-10",
                              new=NewPerson("Уехавший", "Иван", "Иванович"))
    app.passport.deregister(account, person=w.person, on="2026-11-01", departed_to="г. Москва")
    with pytest.raises((ValidationFailed, NotFound), match="не зарегистрирован"):
        app.passport.issue("family", account, person=w.person)


def test_a_temporary_lodger_is_marked_in_the_family_certificate(app):
    account = _account(app)
    w = app.passport.register(account, kind="temporary", start="2026-11-01", end="2027-05-01",
                              relation="квартирант", new=NewPerson("Временный", "Пётр", "Петрович"))
    text = _text(app.passport.issue("family", account, person=w.person).pdf)
    assert "пребывания" in text and "30.04.2027" in text
