"""Meter readings a payer typed at the bank (``sber_tagged``: ``CounterVal_N``): readings with source ``bank`` that
the month uses; a value that cannot be right refused with its reason and kept with the payment, the money taken
all the same; the numbering of the scales (docs/design.md, «Показания из реестра банка»)."""
from __future__ import annotations

import json
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
from click.testing import CliRunner

from bcenter.app import App
from bcenter.cli import cli
from bcenter.core.clock import FixedClock
from bcenter.core.period import Period
from bcenter.modules.finance.bank_readings import meter_scales
from db.dialect import db_id, param_mark
from tests.finance import registry_files as files
from tests.finance.registry_files import DAY

TODAY = datetime(2026, 12, 5, 12, tzinfo=timezone.utc)


def _meter(mid, serial, resource, zones=1, digits=5, installed="2020-01-01", removed=None):
    return (mid, serial, resource, zones, digits, installed, removed)


def test_scales_run_by_resource_then_serial_and_a_multi_zone_meter_has_a_scale_per_tariff():
    scales = meter_scales([
        _meter("e", "E-1", "electricity", zones=2),
        _meter("h", "B-7", "hot_water"),
        _meter("c2", "A-9", "cold_water"),
        _meter("c1", "A-10", "cold_water"),
        _meter("t", "T-1", "electricity", zones=3, installed="2027-01-01"),  # not yet installed
        _meter("old", "A-0", "cold_water", removed="2026-06-30"),  # removed
    ], date(2026, 12, 4))
    assert [(s.number, s.meter_id, s.zone) for s in scales] == [
        (1, "c1", "total"), (2, "c2", "total"), (3, "h", "total"), (4, "e", "day"), (5, "e", "night")]
    three = meter_scales([_meter("t", "T-1", "electricity", zones=3)], date(2026, 12, 4))
    assert [s.zone for s in three] == ["peak", "night", "half_peak"]  # T1, T2, T3 as printed on the meter


@pytest.fixture
def app(registry_app):  # tests/finance/conftest.py
    return registry_app


def _metered(app: App) -> tuple[str, list[tuple]]:
    """An account whose premises have at least two meters: its number and its meters with their last readings."""
    rows = app.db.execute_sql(
        'SELECT a.number, mt.id, mt.serial, mt.resource, mt.zones, mt.digits, mt.installed, mt.removed '
        'FROM "account" a JOIN "meter" mt ON mt.premises_id = a.premises_id WHERE mt.kind <> \'house\' '
        'ORDER BY a.number').fetchall()
    by_account: dict[str, list[tuple]] = {}
    for number, *meter in rows:
        by_account.setdefault(number, []).append((str(meter[0]), *meter[1:]))
    number = next(n for n, ms in by_account.items() if len(ms) >= 2 and any(m[3] == 2 for m in ms))
    return number, by_account[number]


def _last(app: App, meter_id: str, zone: str, before: date = date(2100, 1, 1)) -> Decimal:
    """The meter's last reading of a zone dated before ``before`` (its initial value when none)."""
    mark = param_mark(app.db)
    value = app.db.execute_sql(
        f'SELECT "{zone}" FROM "meter_reading" WHERE meter_id = {mark} AND "{zone}" IS NOT NULL AND date < {mark} '
        'ORDER BY date DESC LIMIT 1', (db_id(meter_id), before.isoformat())).fetchone()
    if value is None:
        value = app.db.execute_sql(f'SELECT "initial_{zone}" FROM "meter" WHERE id = {mark}',
                                   (db_id(meter_id),)).fetchone()
    return Decimal(value[0])


def _bank_readings(app: App) -> list[tuple]:
    return app.db.execute_sql('SELECT meter_id, date, total, day, night, ext_id, extra FROM "meter_reading" '
                              'WHERE source = \'bank\' ORDER BY ext_id').fetchall()


LATE = date(2026, 12, 27)
"""After the demo's December readings (the 25th): the later reading of a month is the one it closes on."""


@pytest.fixture
def december(tmp_path):
    app = App.open(f"sqlite:///{tmp_path / 'dec.db'}", create=True,
                   clock=FixedClock(datetime(2026, 12, 28, 12, tzinfo=timezone.utc)))
    app.demo.build(accounts=40, seed=5, until=Period(2026, 12))
    yield app
    app.close()


def test_the_readings_of_a_payment_become_bank_readings_the_month_uses(december, tmp_path):
    app = december
    number, meters = _metered(app)
    scales = meter_scales(meters, LATE)
    values = {s.number: str(_last(app, s.meter_id, s.zone) + 2 + s.number) for s in scales}  # a plausible month
    path = files.tagged(tmp_path / "t.txt", [(LATE, number, "1500.00", values)])
    result = app.payments.import_registry(path, profile="sber_tagged")
    assert (result.payments, result.readings, result.readings_refused) == (1, len(meters), ())
    stored = _bank_readings(app)
    assert len(stored) == len(meters)
    assert {str(r[1]) for r in stored} == {LATE.isoformat()}
    two_zone = next(s for s in scales if s.zone == "day")
    row = next(r for r in stored if str(r[0]) == two_zone.meter_id or r[0] == db_id(two_zone.meter_id))
    assert (row[2], Decimal(row[3]), Decimal(row[4])) == (None, Decimal(values[two_zone.number]),
                                                          Decimal(values[two_zone.number + 1]))
    assert json.loads(row[6])["payment"].startswith("registry:")
    # the same line in another file (an overlapping registry) adds neither a payment nor a reading
    again = app.payments.import_registry(files.tagged(tmp_path / "t2.txt", [(LATE, number, "1500.00", values),
                                                                            (LATE, number, "1.00", {})]),
                                         profile="sber_tagged")
    assert (again.payments, again.known, again.readings) == (1, 1, 0)
    assert len(_bank_readings(app)) == len(meters)
    # the month reads them: December's metered lines close on the values the payer typed
    assert not app.month.calc(Period.of(LATE)).failed
    metered = {line.volume for line in app.month.charges(Period.of(LATE), account=number).lines
               if line.method == "meter"}
    for resource in {s.resource for s in scales if s.zone == "total"}:
        expected = sum(Decimal(values[s.number]) - _last(app, s.meter_id, "total", before=date(2026, 12, 1))
                       for s in scales if s.resource == resource)
        assert expected in metered, (resource, expected, metered)
    # the exchange format carries them: exported and loaded into another database, they are bank readings there
    app.exchange.export_file(tmp_path / "town.json", mask_personal_data=False)
    other = App.open(f"sqlite:///{tmp_path / 'other.db'}", create=True,  # the demo's house meters read on the 31st
                     clock=FixedClock(datetime(2027, 1, 5, 12, tzinfo=timezone.utc)))
    try:
        other.exchange.import_file(tmp_path / "town.json")
        assert len(_bank_readings(other)) == len(meters)
    finally:
        other.close()


def test_a_wrong_value_is_refused_with_its_reason_and_kept_but_the_money_is_taken(app, tmp_path):
    number, meters = _metered(app)
    scales = meter_scales(meters, DAY)
    single = next(s for s in scales if s.zone == "total")
    day_scale = next(s for s in scales if s.zone == "day")
    below = _last(app, single.meter_id, "total") - 1
    values = {single.number: str(below), day_scale.number: "12,5",  # the night scale not given
              len(scales) + 1: "10", 99: "", }
    path = files.tagged(tmp_path / "bad.txt", [(DAY, number, "700.00", values)])
    result = app.payments.import_registry(path, profile="sber_tagged")
    assert (result.payments, result.paid, result.readings) == (1, 70000, 0)
    reasons = {counter: why for _, counter, _, why in result.readings_refused}
    assert set(reasons) == {single.number, day_scale.number, len(scales) + 1}  # an empty value is «not given»
    assert "меньше предыдущего показания" in reasons[single.number]
    assert "не передана зона ночь (Т2)" in reasons[day_scale.number]
    assert f"нет шкалы прибора № {len(scales) + 1}" in reasons[len(scales) + 1]
    assert _bank_readings(app) == []
    extra = json.loads(app.db.execute_sql('SELECT extra FROM "payment" WHERE ext_id LIKE ?',
                                          ("registry:%",)).fetchall()[-1][0])
    assert {n for n, _ in extra["readings_refused"]} == set(reasons)
    assert [n for n, _ in extra["readings"]] == sorted(n for n, v in values.items() if v)


def test_not_a_number_and_too_many_digits_are_named(app, tmp_path):
    number, meters = _metered(app)
    single = next(s for s in meter_scales(meters, DAY) if s.zone == "total")
    for value, reason in (("12a", "не число «12a»"), ("-5", "не число «-5»"),
                          ("1" * (single.digits + 1), f"у прибора {single.digits} разрядов до запятой")):
        result = app.payments.import_registry(
            files.tagged(tmp_path / f"v{len(value)}{value[0]}.txt", [(DAY, number, "10.00", {single.number: value})]),
            profile="sber_tagged", dry_run=True)
        assert result.payments == 1 and result.readings == 0
        assert reason in result.readings_refused[0][3], result.readings_refused


def test_the_cli_reports_taken_and_refused_readings_with_file_and_line(app, tmp_path):
    number, meters = _metered(app)
    scales = meter_scales(meters, DAY)
    values = {s.number: str(_last(app, s.meter_id, s.zone) + 3) for s in scales}
    values[len(scales) + 1] = "7"
    path = files.tagged(tmp_path / "cli.txt", [(DAY, number, "100.00", values)])
    url = app.url
    app.close()
    out = CliRunner().invoke(cli, ["--db", url, "payments", "import", str(path), "--profile", "sber_tagged"])
    assert out.exit_code == 0, out.output
    assert f"показаний приборов учёта принято: {len(meters)}, не принято: 1" in out.output
    assert f"cli.txt:1:CounterVal_{len(scales) + 1}: «7» — нет шкалы прибора № {len(scales) + 1}" in out.output



@pytest.mark.pg
def test_bank_readings_on_every_backend(any_url, tmp_path):
    """The same readings taken and refused on SQLite and PostgreSQL (the migrated constraint admits ``bank``)."""
    app = App.open(any_url, create=True, clock=FixedClock(TODAY))
    try:
        app.demo.build(accounts=40, seed=5, until=Period(2026, 10))
        number, meters = _metered(app)
        scales = meter_scales(meters, DAY)
        single = next(s for s in scales if s.zone == "total")
        value = str(_last(app, single.meter_id, "total") + 1)
        path = files.tagged(tmp_path / "pg.txt", [(DAY, number, "10.00", {single.number: value,
                                                                          len(scales) + 1: "1"})])
        result = app.payments.import_registry(path, profile="sber_tagged")
        assert (result.payments, result.readings, len(result.readings_refused)) == (1, 1, 1)
        assert [(Decimal(str(r[2])), r[5].split(":")[0]) for r in _bank_readings(app)] == [(Decimal(value), "registry")]
    finally:
        app.close()


def test_a_bank_reading_goes_through_the_named_rules(december, tmp_path):
    """Issue 15: a value the registry brings is judged like a reading from any source — far above the account's
    own average it is kept waiting for a person (not counted); of a meter whose verification ran out, rejected;
    the payment is taken either way, and the operator may accept the one waiting."""
    app = december
    number, meters = _metered(app)
    scales = meter_scales(meters, LATE)
    single = [s for s in scales if s.zone == "total"]
    big, expired = single[0], single[1]
    app.db.execute_sql(f'UPDATE "meter" SET verified_until = {param_mark(app.db)} WHERE id = {param_mark(app.db)}',
                       ("2026-10-31", db_id(expired.meter_id)))
    values = {big.number: str(_last(app, big.meter_id, "total") + 400),
              expired.number: str(_last(app, expired.meter_id, "total") + 1)}
    result = app.payments.import_registry(files.tagged(tmp_path / "r.txt", [(LATE, number, "900.00", values)]),
                                          profile="sber_tagged")
    assert (result.payments, result.readings, result.readings_refused) == (1, 2, ())
    kept = {k.meter: k for k in app.meters.readings(status="pending")}
    assert kept[big.serial].status == "unconfirmed" and kept[big.serial].source == "bank"
    assert kept[big.serial].verdicts[0][0] == "far_above_average"
    assert kept[expired.serial].status == "rejected" and kept[expired.serial].verdicts[0][0] == "verification_expired"
    accepted = app.meters.accept_reading(kept[big.serial].code, reason="житель подтвердил по телефону: полив")
    assert accepted.status == "confirmed"


def test_a_suspense_line_resolved_to_an_account_brings_its_readings(app, tmp_path):
    """The payer typed the account wrong and the readings right: the line waited in suspense, and its readings with
    it — resolved to the account, the payment and the readings are taken (they were dropped before)."""
    number, meters = _metered(app)
    scales = meter_scales(meters, DAY)
    values = {s.number: str(_last(app, s.meter_id, s.zone) + 1 + s.number) for s in scales}
    values[len(scales) + 1] = "5"  # a scale the account does not have: refused, kept with the payment
    path = files.tagged(tmp_path / "t.txt", [(DAY, "9" + number, "800.00", values)])
    result = app.payments.import_registry(path, profile="sber_tagged")
    assert (result.payments, result.suspense, result.readings) == (0, 1, 0)
    assert _bank_readings(app) == []
    (waiting,) = app.payments.suspense()
    done = app.payments.resolve(waiting.id, account=number, reason="заявление плательщика")
    payment = done.payment
    assert done.readings == len(meters) and [n for n, _, _ in done.refused] == [len(scales) + 1]
    assert done.readings_text()[0].startswith(f"показаний приборов учёта из строки реестра принято: {len(meters)}")
    stored = _bank_readings(app)
    assert len(stored) == len(meters) and {str(r[1]) for r in stored} == {DAY.isoformat()}
    assert {json.loads(r[6])["payment"] for r in stored} == {waiting_key(app, waiting.id)}
    extra = json.loads(app.db.execute_sql(f'SELECT extra FROM "payment" WHERE id = {param_mark(app.db)}',
                                          (db_id(payment),)).fetchone()[0])
    assert extra["line"] == 1 and extra["readings_refused"][0][0] == len(scales) + 1


def waiting_key(app: App, suspense_id: str) -> str:
    return app.db.execute_sql(f'SELECT line_key FROM "suspense_payment" WHERE id = {param_mark(app.db)}',
                              (db_id(suspense_id),)).fetchone()[0]


def test_a_line_loaded_by_a_users_profile_file_is_read_again_by_that_file(app, tmp_path):
    """The registry kept only the profile's name («mybank»): resolving found no such shipped profile and the
    readings went without a word. It keeps the file's path now; a file gone since is said, the money still goes."""
    from bcenter.modules.finance.registry_formats import PROFILES

    number, meters = _metered(app)
    scales = meter_scales(meters, DAY)
    values = {s.number: str(_last(app, s.meter_id, s.zone) + 1) for s in scales}
    mine = tmp_path / "mybank.toml"
    mine.write_text((PROFILES / "sber_tagged.toml").read_text(encoding="utf-8"), encoding="utf-8")
    for n, name in enumerate(("a.txt", "b.txt")):
        files.tagged(tmp_path / name, [(DAY, f"{n}9{number}", f"{800 + n}.00", values)])
        app.payments.import_registry(tmp_path / name, profile=str(mine))
    first, second = app.payments.suspense()
    done = app.payments.resolve(first.id, account=number)
    assert done.readings == len(meters) and done.unread is None
    mine.unlink()
    url = f"sqlite:///{app.db.database}"
    out = CliRunner().invoke(cli, ["--db", url, "payments", "resolve", second.id, "--account", number])
    assert out.exit_code == 0, out.output
    assert "показания из строки реестра не прочитаны: профиль" in out.output and "mybank.toml" in out.output
    assert [p.amount for p in app.payments.list(account=number, day=DAY)] == [80100, 80000]
