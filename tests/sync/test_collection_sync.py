"""Debt collection at an office (issue 20): a case filed for a debtor of the office's house, its court application
and the money ФССП recovered travel to the server — which then shows the same case, the same documents and the same
debts — and on to the town-wide desk; the other house's office gets none of it. SQLite and PostgreSQL servers."""
from __future__ import annotations

from datetime import date

from bcenter.app.collection import Criteria
from tests.sync.test_pull import town_file, world  # noqa: F401  (the fixtures: a centre, a town-wide desk, two offices)


def test_a_case_and_its_recovery_reach_the_server_and_the_desks_of_its_house(world):  # noqa: F811
    office = world.sites["O1"]
    house = world.houses[0]
    debtor = office.collection.debtors(Criteria(min_months=3, house=house), as_of=date(2026, 12, 5))[0].account
    [case] = office.collection.open_case(debtor, filed_on=date(2026, 11, 2), court="мировому судье участка № 2")
    doc = office.collection.court_document(case.number)
    office.collection.advance(case.number, stage="order_issued", day=date(2026, 11, 16))
    office.collection.recover(case.number, amount=case.duty + 5_000_00, day=date(2026, 12, 1), document="п/п 7")
    world.push("O1")

    centre = world.server
    at_centre = centre.collection.case(case.number)
    mine = office.collection.case(case.number)
    assert (at_centre.stage, at_centre.principal_owed, at_centre.recovered, len(at_centre.events)) == (
        mine.stage, mine.principal_owed, mine.recovered, len(mine.events)) == ("order_issued",
                                                                            case.principal - 5_000_00,
                                                                            case.duty + 5_000_00, 2)
    assert centre.collection.reprint(doc.number) == doc.pdf
    assert centre.finance.debts(as_of=date(2026, 12, 5), account=debtor) == office.finance.debts(
        as_of=date(2026, 12, 5), account=debtor)

    rows = world.pull("K1")
    assert {"court_case", "court_case_line", "court_case_event", "court_recovery", "collection_document"} <= set(rows)
    desk = world.sites["K1"].collection.case(case.number)
    assert (desk.stage, desk.recovered, desk.principal_owed) == (mine.stage, mine.recovered, mine.principal_owed)
    assert "court_case" not in world.pull("O2")
