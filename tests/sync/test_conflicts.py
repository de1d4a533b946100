"""Two sites editing the same records (issue 17): edits travel with their before-images and merge per field at
the server by the field's class (``sync.conflicts``) — different fields both stay; the same legally significant
field keeps the centre's value and waits in the queue until a person keeps it or takes the site's; contacts go to
the newer edit by the hybrid logical clock (a site whose wall clock is hours behind still wins with an edit made
after it saw the other; a clock days ahead wins against edits it had not seen — the loser kept as history); a delete
against an edit is not applied; the site that lost gets the kept value back on its next pull. The kiosk K1 (every
house) and the tablet T1 (house h1) share the centre's registry; the server on SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

import db.hlc
from bcenter.core.errors import UsageError
from db.context import bound
from db.models import AccountService, Person, Premises
from db.sealing import keyring
from db.uow import UnitOfWork
from sync.push import acknowledge, apply_push, next_batch
from tests.sync.conftest import pull_in_process as _pull
from tests.sync.conftest import site_id


def _id(app, model, ext: str | None = None) -> str:
    """The id of the row of ``model`` with this ``ext_id`` (the first row when None)."""
    with bound(app.db):
        query = model.select(model.id).order_by(model.id)
        return str((query.where(model.ext_id == ext) if ext else query).get().id)


def _edit(site, model, row_id: str, **changes) -> None:
    with UnitOfWork(action="test.edit", db=site.db) as uow:
        uow.update(model, row_id, **changes)


def _value(app, model, row_id: str, field: str):
    with bound(app.db):
        return getattr(model.get_by_id(row_id), field)


def _push(server, site) -> dict:
    totals = {"updated": 0, "deleted": 0, "conflicts": 0}
    while (batch := next_batch(site.db)) is not None:
        answer = apply_push(server.db, batch, site_id=site_id(site))
        assert answer.status == 200, answer.body
        acknowledge(site.db, batch["to_seq"])
        for key in totals:
            totals[key] += answer.body[key]
    return totals


@pytest.fixture
def pulled(server, sites):
    """Both sites pulled to the end first (their cursors start at the beginning of the centre's change log)."""
    for site in sites:
        _pull(server, site)
    return sites


def test_edits_of_different_fields_both_stay(server, pulled):
    kiosk, tablet = pulled
    p1 = _id(server, Premises, "p1")
    _edit(kiosk, Premises, p1, total_area=Decimal("55.00"))
    _edit(tablet, Premises, p1, rooms=3)
    assert _push(server, kiosk)["updated"] == 1 and _push(server, tablet) == {"updated": 1, "deleted": 0,
                                                                              "conflicts": 0}
    for app in (server, kiosk, tablet):
        _pull(server, app) if app is not server else None
        assert (_value(app, Premises, p1, "total_area"), _value(app, Premises, p1, "rooms")) == (Decimal("55.00"), 3)


def test_the_same_legal_field_keeps_the_centre_value_until_a_person_decides(server, pulled):
    kiosk, tablet = pulled
    p1 = _id(server, Premises, "p1")
    _edit(kiosk, Premises, p1, total_area=Decimal("55.00"))
    _edit(tablet, Premises, p1, total_area=Decimal("56.00"))
    _push(server, kiosk)
    assert _push(server, tablet)["conflicts"] == 1
    assert _value(server, Premises, p1, "total_area") == Decimal("55.00")  # the centre's value stays
    (waiting,) = server.sync.conflicts()
    assert (waiting.table, waiting.field, waiting.policy) == ("premises", "total_area", "centre")
    assert (Decimal(waiting.base), Decimal(waiting.theirs), Decimal(waiting.ours)) == (
        Decimal("54.30"), Decimal("56.00"), Decimal("55.00"))
    _pull(server, tablet)
    assert _value(tablet, Premises, p1, "total_area") == Decimal("55.00")  # the site that lost gets it back
    done = server.sync.resolve(waiting.id, take="theirs")
    assert done.state == "taken" and server.sync.conflicts() == []
    with pytest.raises(UsageError, match="не найден"):
        server.sync.resolve(waiting.id, take="ours")
    for site in (kiosk, tablet):
        _pull(server, site)
        assert _value(site, Premises, p1, "total_area") == Decimal("56.00")


def _phone(text: str) -> str:
    """A person's phone as stored since issue 18: inside the sealed personal data (``db.sealing``)."""
    return keyring().seal({"phone": text})


def _phone_of(sealed: str) -> str:
    return keyring().unseal(sealed)["phone"]


def test_contacts_go_to_the_newer_edit_by_the_hybrid_clock_whatever_the_wall_clocks_say(server, pulled,
                                                                                       monkeypatch):
    kiosk, tablet = pulled
    per1 = _id(server, Person, "per1")
    now = db.hlc.wall_ms()
    _edit(kiosk, Person, per1, sealed=_phone("+7 900 000-00-01"))
    _push(server, kiosk)
    _pull(server, tablet)  # the tablet has seen the kiosk's edit (and the centre's clock)
    monkeypatch.setattr(db.hlc, "wall_ms", lambda: now - 3 * 3600 * 1000)  # its wall clock three hours behind
    _edit(tablet, Person, per1, sealed=_phone("+7 900 000-00-02"))
    monkeypatch.undo()
    assert _push(server, tablet)["conflicts"] == 0  # made after what it saw: newer, whatever its wall clock
    assert _phone_of(_value(server, Person, per1, "sealed")) == "+7 900 000-00-02"

    # days ahead: the kiosk's edit wins against the tablet's later one it had not seen — kept as history
    monkeypatch.setattr(db.hlc, "wall_ms", lambda: now + 2 * 86400 * 1000)
    _edit(kiosk, Person, per1, sealed=_phone("+7 900 000-00-03"))
    monkeypatch.undo()
    _edit(tablet, Person, per1, sealed=_phone("+7 900 000-00-04"))
    _push(server, kiosk)
    _push(server, tablet)
    assert _phone_of(_value(server, Person, per1, "sealed")) == "+7 900 000-00-03"
    history = [c for c in server.sync.conflicts(open_only=False) if c.field == "sealed"]
    assert [(c.policy, _phone_of(c.theirs), _phone_of(c.ours), c.resolved_by) for c in history] == [
        ("newer", "+7 900 000-00-03", "+7 900 000-00-02", "policy:taken"),  # the kiosk had not seen 02: by the clock
        ("newer", "+7 900 000-00-04", "+7 900 000-00-03", "policy:kept")]
    assert server.sync.conflicts() == []  # nothing waits for a person
    _pull(server, tablet)
    assert _phone_of(_value(tablet, Person, per1, "sealed")) == "+7 900 000-00-03"


def test_a_flag_either_site_set_stays_set(server, pulled):
    kiosk, tablet = pulled
    p1 = _id(server, Premises, "p1")
    _edit(kiosk, Premises, p1, communal_flat=True)
    _edit(tablet, Premises, p1, communal_flat=True)
    _push(server, kiosk)
    _push(server, tablet)
    _pull(server, tablet)
    assert _value(server, Premises, p1, "communal_flat") is True and _value(tablet, Premises, p1, "communal_flat")


def test_a_delete_against_an_edit_keeps_the_row_and_waits_for_a_person(server, pulled):
    kiosk, tablet = pulled
    link = _id(server, AccountService)
    _edit(kiosk, AccountService, link, valid_to=date(2026, 12, 31))
    with UnitOfWork(action="test.delete", db=tablet.db) as uow:
        uow.delete_rows(AccountService, [link])
    _push(server, kiosk)
    assert _push(server, tablet)["conflicts"] == 1
    assert _value(server, AccountService, link, "valid_to") == date(2026, 12, 31)  # the row stays
    (waiting,) = server.sync.conflicts()
    assert waiting.field == "*" and waiting.theirs is None
    _pull(server, tablet)
    assert _value(tablet, AccountService, link, "valid_to") == date(2026, 12, 31)  # back at the site
    server.sync.resolve(waiting.id, take="theirs")  # the person agrees with the delete
    _pull(server, kiosk)
    with bound(kiosk.db):
        assert AccountService.get_or_none(AccountService.id == link) is None
