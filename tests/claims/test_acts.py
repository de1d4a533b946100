"""Acts of interruptions (issue 19, first step) on a demo town, through ``bcenter.app`` and the CLI: a 30-hour
hot-water interruption in a house reduces every flat's hot water by 0.15 % per hour beyond the 4 hours allowed at a
time (ПП 354, Приложение 1, п. 5) with the act named in ``explain``; closing the act earlier recalculates again;
bad input is refused in Russian with nothing written."""
from __future__ import annotations

import pytest
from pypdf import PdfReader

from bcenter.cli import main
from bcenter.core.errors import ValidationFailed
from tests.finance.towns import OPEN, demo_town
from tests.ui.towns import copy_town

ACT = "акт АКТ-2026-000001: перерыв в предоставлении «Горячее водоснабжение» с 05.10.2026 08:00 по 06.10.2026 14:00"


@pytest.fixture(scope="module")
def town(tmp_path_factory):
    path = tmp_path_factory.mktemp("acts") / "town.db"
    app = demo_town(path, accounts=20, seed=7)
    app.month.calc(OPEN, workers=1)  # the month calculated before the act is drawn up
    app.close()
    return path


@pytest.fixture
def app(town, tmp_path):
    application = copy_town(town, tmp_path)
    yield application
    application.close()


def _hot_water(app, account):
    lines = [ln for ln in app.month.explain(OPEN, account=account).lines if ln.service == "Горячее водоснабжение"]
    charged = sum(ln.amount for ln in lines if ln.corrects_period is None and ln.kind in ("charge",))
    named = [ln for ln in lines if ln.reason and "основание: акт" in ln.reason]
    return charged, named


def _house_accounts(app, house: str) -> list[str]:
    return [n for (n,) in app.db.execute_sql(
        'SELECT a.number FROM "account" a JOIN "premises" p ON p.id = a.premises_id JOIN "house" h ON h.id = '
        'p.house_id WHERE h.ext_id = ? ORDER BY a.number', (house,))]


def test_a_30_hour_interruption_reduces_every_flat_and_closing_it_earlier_recalculates(app, tmp_path):
    request = app.claims.add(kind="quality", text="нет горячей воды с 5 октября", house="h00001")
    number = app.claims.act(service="hot_water", house="h00001", start="2026-10-05 08:00", end="2026-10-06 14:00",
                            request=request.number)
    assert number == "АКТ-2026-000001"
    assert app.claims.history(request.number)[-1][4] == f"составлен акт {number}"
    app.month.calc(OPEN, workers=1)
    reduced = {}
    for account in _house_accounts(app, "h00001"):
        charged, named = _hot_water(app, account)
        if charged == 0:
            continue
        assert len(named) == 1 and ACT in named[0].reason, account
        # 30 hours at once, 4 allowed: 26 hours × 0.15 % of the month's charge
        assert named[0].amount == -round(charged * 26 * 15 / 10000), account
        reduced[account] = named[0].amount
    assert len(reduced) >= 10
    account = next(iter(reduced))
    app.bills.print(OPEN, out=tmp_path / "bill.pdf", account=account)
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(tmp_path / "bill.pdf").pages)
    assert "АКТ-2026-000001" in text  # the bill's recalculation section names the act

    assert app.claims.close_act(number, end="2026-10-05 20:00") == "АКТ-2026-000001/1"
    app.month.calc(OPEN, workers=1)
    for account, first in reduced.items():
        charged, named = _hot_water(app, account)
        assert len(named) == 2 and "окончание исправлено: было 06.10.2026 14:00" in named[1].reason
        assert first + named[1].amount == -round(charged * 8 * 15 / 10000)  # 12 hours: 8 beyond the 4 allowed
    other = _house_accounts(app, "h00002")
    assert not other or all(not _hot_water(app, a)[1] for a in other)  # another house: nothing


def test_an_act_for_one_flat_and_bad_acts(app, capsys):
    account = _house_accounts(app, "h00001")[0]
    before = app.db.execute_sql('SELECT COUNT(*) FROM "quality_event"').fetchone()[0]
    for kwargs, message in (
            ({"service": "hot_water", "house": "h00001", "start": "2026-10-06 14:00", "end": "2026-10-05 08:00"},
             "окончание не позже начала"),
            ({"service": "no_such", "house": "h00001", "start": "2026-10-05 08:00", "end": "2026-10-06 08:00"},
             "нет услуги с кодом «no_such»"),
            ({"service": "hot_water", "start": "2026-10-05 08:00", "end": "2026-10-06 08:00"}, "одно из двух"),
            ({"service": "hot_water", "house": "h00001", "start": "5 октября", "end": "2026-10-06 08:00"},
             "ГГГГ-ММ-ДД ЧЧ:ММ"),
            ({"service": "hot_water", "house": "h00001", "kind": "temperature", "start": "2026-10-05 08:00",
              "end": "2026-10-06 08:00"}, "измеренное значение")):
        with pytest.raises(ValidationFailed, match=message):
            app.claims.act(**kwargs)
    assert app.db.execute_sql('SELECT COUNT(*) FROM "quality_event"').fetchone()[0] == before

    url = app.url
    assert main(["--db", url, "claims", "act", "--service", "hot_water", "--account", account,
                 "--from", "2026-10-10 09:00", "--to", "2026-10-10 21:00"]) == 0
    out = capsys.readouterr().out
    assert "АКТ-2026-000001" in out and "bcenter calc" in out
    assert main(["--db", url, "calc", "--period", str(OPEN)]) == 0
    capsys.readouterr()
    charged, named = _hot_water(app, account)
    assert len(named) == 1 and named[0].amount == -round(charged * 8 * 15 / 10000)
    assert main(["--db", url, "claims", "act-close", "АКТ-2026-000001", "--to", "2026-10-11 09:00"]) == 1
    assert "между началом 10.10.2026 09:00 и прежним окончанием 10.10.2026 21:00" in capsys.readouterr().err


def test_an_act_before_the_month_is_charged_is_named_in_its_quality_line(app):
    """Charges reversed (storno) and the act drawn up before the next calc: the fresh charge of the month carries
    its quality line with the act among its inputs (there is no recalculation whose reason could name it)."""
    account = _house_accounts(app, "h00001")[0]
    app.month.storno(OPEN, reason="до акта", account=account)
    app.claims.act(service="hot_water", house="h00001", start="2026-10-05 08:00", end="2026-10-06 14:00")
    app.month.calc(OPEN, workers=1)
    lines = app.month.explain(OPEN, account=account).lines
    quality = [ln for ln in lines if ln.service == "Горячее водоснабжение" and ln.kind == "quality"]
    assert len(quality) == 1 and quality[0].amount < 0 and quality[0].corrects_period is None
    assert quality[0].inputs["акт"] == "АКТ-2026-000001"  # the month's own line: the act among its inputs


def test_an_act_for_one_entrance_reduces_its_flats_only(app):
    codes = [c for (c,) in app.db.execute_sql(
        'SELECT p.ext_id FROM "premises" p JOIN "house" h ON h.id = p.house_id WHERE h.ext_id = \'h00001\' '
        'ORDER BY p.number')]
    for code in codes[len(codes) // 2:]:  # the demo's small house has one entrance: the upper half becomes the 2nd
        app.registry.edit("premises", code, {"entrance": "2"})
    app.month.calc(OPEN, workers=1)
    entrances = dict(app.db.execute_sql(
        'SELECT a.number, p.entrance FROM "account" a JOIN "premises" p ON p.id = a.premises_id JOIN "house" h '
        "ON h.id = p.house_id WHERE h.ext_id = 'h00001'").fetchall())
    assert len(set(entrances.values())) > 1  # the demo house has several entrances
    with pytest.raises(ValidationFailed, match="нет подъезда 99"):
        app.claims.act(service="hot_water", house="h00001", entrance=99, start="2026-10-05 08:00",
                       end="2026-10-06 14:00")
    app.claims.act(service="hot_water", house="h00001", entrance=1, start="2026-10-05 08:00", end="2026-10-06 14:00")
    app.month.calc(OPEN, workers=1)
    for account, entrance in entrances.items():
        charged, named = _hot_water(app, account)
        if charged == 0:
            continue
        if entrance == 1:
            assert len(named) == 1 and "(подъезд 1)" in named[0].reason, account
        else:
            assert named == [], account


def test_a_negative_pressure_is_refused_by_claims_act_as_by_the_import(app):
    with pytest.raises(ValidationFailed, match="не может быть меньше 0"):
        app.claims.act(service="cold_water", house="h00001", start="2026-10-05 08:00", end="2026-10-06 08:00",
                       kind="pressure", measured="-0.1")


def test_an_act_closed_earlier_twice_by_the_number_it_now_has(app):
    """The dispatcher closes an act earlier, then again by the number the screen now shows («…/1»): the new act is
    «…/2», a revision of the same act — not «…/1/1»."""
    number = app.claims.act(service="hot_water", house="h00001", start="2026-10-05 08:00", end="2026-10-06 14:00")
    first = app.claims.close_act(number, end="2026-10-06 08:00")
    assert first == f"{number}/1"
    assert app.claims.close_act(first, end="2026-10-05 20:00") == f"{number}/2"
    assert app.claims.close_act(number, end="2026-10-05 18:00") == f"{number}/3"
