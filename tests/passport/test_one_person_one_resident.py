"""One person is one resident of a premises whatever their registrations there (ПП 354 п. 56(1)): a permanent
registration over a running temporary one in the same flat ends the temporary one the day before; any other overlap
of a person's registrations in one flat is refused naming it; and the month's basis merges a person's overlapping
stays in a premises, so imported data with overlaps counts once too."""
from __future__ import annotations

from datetime import date

import pytest

from bcenter.app.passport import NewPerson
from bcenter.core.dates import DateInterval
from bcenter.core.errors import ValidationFailed
from bcenter.core.period import Period
from bcenter.engine.persons import merged_stays
from bcenter.modules.collection.accounts import accounts_info
from bcenter.modules.registry.basis import BasisReader
from db.models import Registration
from db.uow import UnitOfWork

OCT = Period(2026, 10)


def _residents(app, account, period=OCT):
    info = accounts_info(app.db, [account])[account]
    basis = BasisReader(app.db, period).house(info.house)
    return next(a for a in basis.accounts if a.key == info.id).residents


def _account(app) -> str:
    return app.registry.search("Ленина")[0].number


def test_a_lodger_registered_for_good_in_the_same_flat_counts_once(app):
    account = _account(app)
    before = _residents(app, account)
    w = app.passport.register(account, kind="temporary", start="2026-09-01", end="2027-09-01",
                              new=NewPerson("Сидоров", "Олег", "Ильич"))
    assert _residents(app, account) == before + 1
    app.passport.register(account, kind="permanent", start="2026-10-01", person=w.person)
    assert _residents(app, account) == before + 1
    stays = [r for r in app.passport.card(account).residents if r.code == w.person]
    assert sorted((r.kind, r.registered_from, r.registered_to) for r in stays) == [
        ("permanent", date(2026, 10, 1), None), ("temporary", date(2026, 9, 1), date(2026, 10, 1))]


def test_an_overlap_of_a_persons_registrations_in_one_flat_is_refused_naming_it(app):
    account = _account(app)
    w = app.passport.register(account, kind="permanent", start="2026-09-01", new=NewPerson("Сидоров", "Олег", "Ильич"))
    with pytest.raises(ValidationFailed, match="уже зарегистрирован здесь по месту жительства \\(с 01.09.2026\\)"):
        app.passport.register(account, kind="temporary", start="2026-10-01", end="2027-01-01", person=w.person)
    t = app.passport.register(account, kind="temporary", start="2026-10-01", end="2027-01-01",
                              new=NewPerson("Петров", "Пётр", "Петрович"))
    with pytest.raises(ValidationFailed, match="по месту пребывания \\(с 01.10.2026 по 31.12.2026\\)"):
        app.passport.register(account, kind="permanent", start="2026-09-15", person=t.person)


def test_imported_overlapping_registrations_of_one_person_count_once(app):
    account = _account(app)
    before = _residents(app, account)
    w = app.passport.register(account, kind="temporary", start="2026-09-01", end="2027-09-01",
                              new=NewPerson("Сидоров", "Олег", "Ильич"))
    from bcenter.modules.passport.desk import person_id, place_of

    pid, place = person_id(app.db, w.person), place_of(app.db, account)
    with UnitOfWork(action="test.import", db=app.db, actor="test") as uow:  # what an import may bring
        uow.insert(Registration, person=pid, premises=place.premises_id, kind="permanent",
                   valid_from=date(2026, 10, 16))
    assert _residents(app, account) == before + 1


def test_merged_stays():
    d = date
    assert merged_stays([DateInterval(d(2026, 1, 1), d(2026, 2, 1)), DateInterval(d(2026, 3, 1), d(2026, 4, 1)),
                         DateInterval(d(2026, 1, 15), d(2026, 3, 1))]) == [DateInterval(d(2026, 1, 1), d(2026, 4, 1))]
    assert merged_stays([DateInterval(d(2026, 5, 1), d(2026, 6, 1)), DateInterval(d(2026, 1, 1), d(2026, 2, 1))]) == [
        DateInterval(d(2026, 1, 1), d(2026, 2, 1)), DateInterval(d(2026, 5, 1), d(2026, 6, 1))]
