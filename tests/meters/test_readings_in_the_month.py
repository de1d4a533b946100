"""A reading the rules keep out of the month (issue 15), end to end on a demo town: it is kept with its reason, the
month goes by the average, and ``explain`` names the reading and why; a person accepts it with a reason (audited),
and the next run recalculates the month by the meter. A reading that cannot be right as it stands (below the
previous) is refused acceptance and says how to correct it. Through ``bcenter.app`` and the CLI."""
from __future__ import annotations

import json
import sqlite3
import uuid
from decimal import Decimal
from decimal import Decimal as D

import pytest

from bcenter.cli import main
from bcenter.core.errors import UsageError
from bcenter.app import App
from bcenter.core.clock import FixedClock
from tests.finance.towns import OPEN as CLOSED, TODAY, demo_town, open_town

OPEN = CLOSED + 1
"""The demo's readings end with the month it leaves open; that month is closed here, so none of the next one's
meters has a reading yet."""


def _unread(path, count: int) -> list[tuple[str, str, str]]:
    """Individual cold-water meters in service with readings before the open month and none in it:
    (serial, account number, last value)."""
    with sqlite3.connect(path) as conn:
        return conn.execute(
            "SELECT m.serial, a.number, (SELECT r.total FROM meter_reading r WHERE r.meter_id = m.id "
            "ORDER BY r.date DESC LIMIT 1) FROM meter m JOIN account a ON a.premises_id = m.premises_id "
            "WHERE m.kind = 'individual' AND m.resource = 'cold_water' AND m.removed IS NULL AND m.zones = 1 "
            "AND (m.verified_until IS NULL OR m.verified_until > '2026-12-31') "
            "AND (SELECT COUNT(*) FROM meter_reading r WHERE r.meter_id = m.id) >= 4 "
            "AND NOT EXISTS (SELECT 1 FROM meter_reading r WHERE r.meter_id = m.id AND "
            "(r.period = ? OR r.date >= ?)) "
            "AND (SELECT COUNT(*) FROM account x WHERE x.premises_id = m.premises_id) = 1 ORDER BY m.serial LIMIT ?",
            (str(OPEN), OPEN.first_day.isoformat(), count)).fetchall()


def _town(path):
    """A demo town whose October is closed, November open with its house meters read and no reading yet."""
    app = demo_town(path, accounts=60, seed=3)
    try:
        app.month.close(CLOSED, workers=1)
    finally:
        app.close()
    with sqlite3.connect(path) as conn:  # the house meters are read for the new month (heating by the house meter)
        for mid, total in conn.execute(
                "SELECT r.meter_id, r.total FROM house_reading r WHERE r.date = (SELECT MAX(x.date) FROM house_reading x "
                "WHERE x.meter_id = r.meter_id)").fetchall():
            conn.execute("INSERT INTO house_reading (id, meter_id, date, source, total) VALUES (?, ?, ?, 'inspector', ?)",
                         (str(uuid.uuid4()), mid, OPEN.first_day.replace(day=25).isoformat(),
                          str(Decimal(total) + 150)))
    return path


@pytest.fixture(scope="module")
def town(tmp_path_factory):
    return _town(tmp_path_factory.mktemp("readings") / "town.db")


@pytest.fixture(scope="module")
def fresh_town(tmp_path_factory):
    """A town of its own: nothing of it calculated by another test (a month's lines are posted again only when
    their amounts change)."""
    return _town(tmp_path_factory.mktemp("readings-fresh") / "town.db")


def _water(explanation):
    return next(ln for ln in explanation.lines if ln.method in ("average", "meter", "norm", "norm_k")
                and "холодн" in ln.service.lower())


def _metered_after_calc(app, account) -> Decimal:
    """The month calculated again: the volume of the account's last cold-water line, which must go by the meter
    (the town's November may have been run by the average: its lines come first)."""
    app.month.calc(OPEN, workers=1)
    lines = [ln for ln in app.month.explain(OPEN, account=account).lines if "холодн" in ln.service.lower()
             and ln.method in ("average", "meter")]
    assert lines[-1].method == "meter"
    return D(lines[-1].inputs["volume"])


def test_an_unconfirmed_reading_goes_by_the_average_until_accepted(town, capsys, tmp_path):
    (serial, account, last), (serial2, account2, last2) = _unread(town, 2)
    app = open_town(town)
    try:
        day = OPEN.first_day.replace(day=24)
        far = str(int(float(last)) + 400)  # hundreds of m³ in a month: far above the account's own average
        kept = app.meters.add_reading(serial, {"total": far}, day=day)
        assert kept.status == "unconfirmed" and [v[0] for v in kept.verdicts] == ["far_above_average"]
        low = str(max(int(float(last2)) - 5, 0))
        below = app.meters.add_reading(serial2, {"total": low}, day=day)
        assert below.status == "rejected" and below.verdicts[0][0] == "below_previous"

        app.month.calc(OPEN, workers=1)
        line = _water(app.month.explain(OPEN, account=account))
        assert line.method == "average"
        assert f"показание {far} от 24.11.2026 ждёт подтверждения" in line.inputs["не учтено"]
        assert "больше среднего" in line.inputs["не учтено"]
        line2 = _water(app.month.explain(OPEN, account=account2))
        assert line2.method == "average" and "отклонено" in line2.inputs["не учтено"]
        assert f"меньше предыдущего показания {last2.rstrip('0').rstrip('.') if '.' in last2 else last2}" in \
            line2.inputs["не учтено"]
        before = line.amount

        with pytest.raises(UsageError, match="нельзя принять.*меньше предыдущего"):
            app.meters.accept_reading(below.code, reason="житель настаивает")
        with pytest.raises(UsageError, match="причину"):
            app.meters.accept_reading(kept.code, reason="  ")
        accepted = app.meters.accept_reading(kept.code, reason="контролёр проверил: течь, акт № 12")
        assert accepted.status == "confirmed" and accepted.decision["reason"] == "контролёр проверил: течь, акт № 12"
        assert accepted.verdicts == kept.verdicts  # the rules' verdicts stay beside the decision
    finally:
        app.close()
    with sqlite3.connect(town) as conn:
        audit = conn.execute("SELECT COALESCE(summary, '') || COALESCE(after, '') FROM audit_log "
                             "WHERE action LIKE 'readings.accept%'").fetchall()
        assert audit and all("течь" in a for a, in audit)

    app = open_town(town)
    try:
        app.month.calc(OPEN, workers=1)
        lines = [ln for ln in app.month.explain(OPEN, account=account).lines if "холодн" in ln.service.lower()
                 and ln.method in ("average", "meter")]
        recalc = lines[-1]  # the month's average line stays; a recalculation posts the difference
        assert recalc.method == "meter" and "average → meter" in recalc.reason and "не учтено" not in recalc.inputs
        assert sum(ln.amount for ln in lines) > before * 10  # 400 m³ and more, billed by the meter now
        assert _water(app.month.explain(OPEN, account=account2)).method == "average"  # still kept out
    finally:
        app.close()

    app, copy = open_town(town), None
    try:  # the decision travels with the reading: exported, imported elsewhere, still accepted (and why)
        app.exchange.export_file(tmp_path / "town.json", mask_personal_data=False)
        copy = App.open(f"sqlite:///{tmp_path / 'copy.db'}", create=True, clock=FixedClock(TODAY))
        copy.exchange.import_file(tmp_path / "town.json")
        moved = next(k for k in copy.meters.readings(meter=serial) if k.values == kept.values)
        assert moved.status == "confirmed" and moved.decision["reason"] == "контролёр проверил: течь, акт № 12"
        assert next(k for k in copy.meters.readings(meter=serial2) if k.day == day).status == "rejected"
    finally:
        app.close()
        if copy is not None:
            copy.close()

    url = f"sqlite:///{town}"
    assert main(["--db", url, "explain", "--account", account, "--period", str(OPEN)]) == 0
    assert main(["--db", url, "explain", "--account", account2, "--period", str(OPEN)]) == 0
    out = capsys.readouterr().out
    assert "не учтено = показание" in out and "отклонено" in out


def test_bcenter_readings_commands(town, capsys):
    (serial, account, last), = _unread(town, 3)[2:]
    url = f"sqlite:///{town}"
    day = OPEN.first_day.replace(day=20).isoformat()
    assert main(["--db", url, "readings", "add", "--meter", serial, "--value", "99999999", "--date", day]) == 0
    out = capsys.readouterr().out
    assert "отклонено" in out and "разрядов" in out and f"bcenter readings add --meter {serial}" in out
    typed = str(Decimal(last) + Decimal("0.5")).replace(".", ",")  # a decimal comma, as people type it
    assert main(["--db", url, "readings", "add", "--meter", serial, "--value", typed, "--date", day, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["status"] == "accepted"
    assert main(["--db", url, "readings", "list", "--meter", serial, "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["status"] for r in rows} >= {"rejected", "accepted"}
    assert main(["--db", url, "readings", "list", "--status", "pending"]) == 0
    listed = capsys.readouterr().out
    assert serial in listed and "разрядов" in listed
    code = next(r["id"][-8:] for r in rows if r["status"] == "rejected")
    assert main(["--db", url, "readings", "accept", code, "--reason", "так"]) != 0
    assert "нельзя принять" in capsys.readouterr().err
    assert main(["--db", url, "readings", "add", "--meter", "нет-такого", "--value", "1"]) != 0
    assert "Нет прибора учёта" in capsys.readouterr().err
    assert main(["--db", url, "readings", "add", "--meter", serial, "--value", "сто"]) != 0
    assert "не число" in capsys.readouterr().err
    for typed in ("1e3", "1_000", "\u0661\u0662"):  # Python's number syntax is no reading a person types
        assert main(["--db", url, "readings", "add", "--meter", serial, "--value", typed]) != 0, typed
        assert f"«{typed}» — не число" in capsys.readouterr().err
    assert main(["--db", url, "readings", "list", "--account", account]) == 0
    assert serial in capsys.readouterr().out


def test_a_rejected_reading_accepted_recalculates_the_month(fresh_town):
    """A card says the meter was removed on 10 November (a wrong day, imported); the reader's reading of the 24th is
    rejected («прибор снят»), the month goes by the average for a meter out of order and names the reading; the
    operator accepts it («снят 24.11, дата в карточке ошибочна») and the next run bills November by the meter."""
    serial, account, last = _unread(fresh_town, 1)[0]
    with sqlite3.connect(fresh_town) as conn:
        conn.execute("UPDATE meter SET removed = '2026-11-10' WHERE serial = ?", (serial,))
    app = open_town(fresh_town)
    try:
        kept = app.meters.add_reading(serial, {"total": str(Decimal(last) + 4)}, day=OPEN.first_day.replace(day=24),
                                      source="inspector")
        assert kept.status == "rejected" and [v[0] for v in kept.verdicts] == ["meter_removed"]
        app.month.calc(OPEN, workers=1)
        line = _water(app.month.explain(OPEN, account=account))
        assert line.method == "average" and "снят 10.11.2026" in line.inputs["не учтено"]
        accepted = app.meters.accept_reading(kept.code, reason="снят 24.11, дата в карточке ошибочна")
        assert accepted.status == "confirmed" and accepted.decision["was"] == "rejected"
        assert _metered_after_calc(app, account) == 4
    finally:
        app.close()


def test_an_accepted_rollover_is_billed_over_zero(fresh_town):
    """A reader's reading below the previous one, the counter near its top before: the rules hold it for
    confirmation (a rollover, DOMAIN.md §1.3); the operator accepts it — the month bills the volume over zero
    (10^digits − previous + value), as with ``readings add --rollover``, and the house is calculated."""
    serial, account, last = _unread(fresh_town, 2)[1]
    shift = Decimal(99990) - Decimal(last)  # the meter's values moved up to the top of its five digits: volumes kept
    with sqlite3.connect(fresh_town) as conn:
        conn.execute("UPDATE meter SET digits = 5, initial_total = CAST(initial_total AS REAL) + ? WHERE serial = ?",
                     (float(shift), serial))
        conn.execute("UPDATE meter_reading SET total = CAST(CAST(total AS REAL) + ? AS TEXT) WHERE meter_id = "
                     "(SELECT id FROM meter WHERE serial = ?)", (float(shift), serial))
    app = open_town(fresh_town)
    try:
        kept = app.meters.add_reading(serial, {"total": "4"}, day=OPEN.first_day.replace(day=24), source="inspector")
        assert kept.status == "unconfirmed" and [v[0] for v in kept.verdicts] == ["rollover"]
        app.meters.accept_reading(kept.code, reason="контролёр видел: счётчик прошёл через ноль")
        assert _metered_after_calc(app, account) == 14
    finally:
        app.close()


def test_a_reading_naming_an_earlier_month_is_judged_where_it_closes(town):
    """A reading of 24 November typed with «--period 2026-06» closes June: judged against its date's neighbours it
    was accepted, closed June above July's reading and the next month's volume came out negative (the house was left
    uncalculated). Judged as the month reads it — by the month it closes — it is above the next one: rejected."""
    (serial, _account, last), = _unread(town, 5)[4:]
    app = open_town(town)
    try:
        kept = app.meters.add_reading(serial, {"total": str(Decimal(last) + 1)}, day=OPEN.first_day.replace(day=24),
                                      period="2026-06", source="inspector")
        assert kept.status == "rejected" and [v[0] for v in kept.verdicts] == ["above_next"]
        assert "больше следующего показания" in kept.verdicts[0][2]
    finally:
        app.close()


def test_a_mistyped_reading_is_corrected_by_a_new_one_of_its_month(town):
    """An operator types 5 m³ too many and the reading is accepted; the right value, entered the same day (or a day
    later), replaces it — the month counts the latest reading closing it — instead of being rejected as «below the
    previous» (the mistyped one), which left no way to correct the month but by hand in the database."""
    (serial, account, last), = _unread(town, 6)[5:]
    app = open_town(town)
    try:
        day = OPEN.first_day.replace(day=20)
        typo = app.meters.add_reading(serial, {"total": str(Decimal(last) + 8)}, day=day, source="inspector")
        assert typo.status == "accepted"
        right = app.meters.add_reading(serial, {"total": str(Decimal(last) + 3)}, day=day, source="inspector")
        assert right.status == "accepted" and right.verdicts == ()
        later = app.meters.add_reading(serial, {"total": str(Decimal(last) + 2)}, day=day.replace(day=21),
                                       source="inspector")  # corrected again the next day
        assert later.status == "accepted" and later.verdicts == ()
        below = app.meters.add_reading(serial, {"total": str(Decimal(last) - 1)}, day=day.replace(day=22),
                                       source="inspector")
        assert below.status == "rejected" and below.verdicts[0][0] == "below_previous"  # below October's: still
        assert _metered_after_calc(app, account) == 2
    finally:
        app.close()


def test_a_two_zone_readings_correction_hint_names_its_zones():
    """A rejected reading of a day/night meter said «Исправить: … --value …» — an option a two-zone meter refuses;
    the hint names the meter's own zones."""
    from datetime import date
    from decimal import Decimal

    from bcenter.cli.readings import verdict_lines
    from bcenter.modules.meters.readings import KeptReading

    kept = KeptReading("0190aaaa-0000-7000-8000-0000abcdef12", "Э-1", date(2026, 11, 24), None, "resident",
                       {"day": Decimal("100"), "night": Decimal("50")}, "rejected",
                       (("below_previous", "reject", "меньше предыдущего"),))
    hint = verdict_lines(kept)[-1]
    assert hint.endswith("Исправить: bcenter readings add --meter Э-1 --date 2026-11-24 --day … --night …")


def test_a_reading_typed_with_a_trailing_comma_or_a_pasted_tab_is_read():
    """The strict reading of a typed value (``quantity.parse_typed_decimal``, as money's) keeps what people type:
    «185,» and «12\\t345,5» are numbers; «1e3» is not."""
    from decimal import Decimal

    from bcenter.core.errors import UsageError
    from bcenter.modules.meters.readings import MeterInfo, parse_values

    meter = MeterInfo.__new__(MeterInfo)
    assert parse_values(meter, {"total": "185,"}) == {"total": Decimal("185")}
    assert parse_values(meter, {"total": "12\t345,5"}) == {"total": Decimal("12345.5")}
    with pytest.raises(UsageError, match="«1e3» — не число"):
        parse_values(meter, {"total": "1e3"})
