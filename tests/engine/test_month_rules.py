"""A house's month (``engine.month.calculate_house``) over a basis built by hand: the rules of law the month applies
to the data the registry gathers (DOMAIN.md §1.3–§1.6), kopeck for kopeck."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal as D

from bcenter.core.period import Period
from bcenter.engine.basis import AccountBasis, HouseBasis, MeterState, Price, QualityEvent, ServiceInfo
from bcenter.engine.month import calculate_house

COLD = ServiceInfo("cold", "communal", "cold_water", "m3", "vk", order=1, name="ХВС")
SEWER = ServiceInfo("sewer", "communal", "sewerage", "m3", "vk", order=3, name="Водоотведение")


def _house(account: AccountBasis, *, services=(COLD,), prices=None, norms=None, coefficients=()) -> HouseBasis:
    return HouseBasis(
        key="h1", period=Period(2025, 3), total_area=D("140"), common_area=D("80"),
        services={s.key: s for s in services},
        prices=prices or {"cold": Price(rate=D("42.30"))},
        norms=norms or {("cold", "person"): D("4.745")},
        coefficients=tuple(coefficients), accounts=(account,))


def _meter(key: str, previous: str, current: str | None, history=(), periods_without: int = 0) -> MeterState:
    return MeterState(key=key, resource="cold_water", zones=1, digits=5, previous={"total": D(previous)},
                      current=None if current is None else {"total": D(current)}, history=tuple(history),
                      periods_without=periods_without)


def _line(result, service: str = "cold"):
    assert not result.gaps, result.gaps
    line, = [ln for ln in result.lines["a1"] if ln.service == service and ln.kind == "charge"]
    return line


def test_two_meters_of_a_resource_one_read_one_not_the_read_one_counts_by_its_reading():
    """A flat with two cold-water meters (kitchen and bathroom risers): the kitchen one read 10 → 14 м³, the
    bathroom one not read this month (average 3 м³ over its last six months). ПП 354 п. 59 «б» puts the meter
    whose reading is missing on its average — not the one read: 4 + 3 = 7 м³ × 42.30 = 296.10 (the average of both,
    4.5 + 3 = 7.5 м³ → 317.25, charged 21.15 more than the flat used and ignored the reading it sent)."""
    kitchen = _meter("k", "10", "14", history=[D("4.5")] * 6)
    bathroom = _meter("b", "20", None, history=[D(3)] * 6, periods_without=1)
    account = AccountBasis("a1", "1001", D("54.3"), services=("cold",), residents=D(2), meters=(kitchen, bathroom))
    line = _line(calculate_house(_house(account)))
    assert (line.volume, line.amount) == (D(7), 29610)


def test_two_meters_of_a_resource_one_failed_the_working_one_counts_by_its_reading():
    """One of two cold-water meters failed (п. 59 «а»: its average, 3 м³, for up to 3 periods); the other is read,
    10 → 14 м³, and counts so: 7 м³ → 296.10."""
    working = _meter("k", "10", "14", history=[D("4.5")] * 6)
    failed = MeterState(key="b", resource="cold_water", zones=1, digits=5, previous={"total": D(20)}, current=None,
                        history=(D(3),) * 6, periods_without=1, broken=True)
    account = AccountBasis("a1", "1001", D("54.3"), services=("cold",), residents=D(2), meters=(working, failed))
    line = _line(calculate_house(_house(account)))
    assert (line.method, line.volume, line.amount) == ("average", D(7), 29610)


def test_two_meters_without_an_average_for_the_unread_one_go_by_the_norm():
    """The unread meter has too short a history for an average (< 3 months, п. 59): the flat goes by the norm
    (п. 60) — 2 × 4.745 × 42.30 = 401.427 → 401.43 — as with one meter."""
    kitchen = _meter("k", "10", "14", history=[D("4.5")] * 6)
    bathroom = _meter("b", "20", None, history=[D(3)] * 2, periods_without=1)
    account = AccountBasis("a1", "1001", D("54.3"), services=("cold",), residents=D(2), meters=(kitchen, bathroom))
    line = _line(calculate_house(_house(account)))
    assert (line.method, line.amount) == ("norm", 40143)


def test_a_meter_replaced_within_the_month_is_one_measuring_point():
    """The old meter's final reading closes its part, the new one is not read yet: the point goes by the average
    of its history (the new meter's, continuing the old one's) — not the old meter's part plus a whole month's
    average."""
    old = _meter("old", "10", "12")
    new = MeterState(key="new", resource="cold_water", zones=1, digits=5, previous={"total": D(0)}, current=None,
                     history=(D(5),) * 6, periods_without=1, replaces="old")
    account = AccountBasis("a1", "1001", D("54.3"), services=("cold",), residents=D(2), meters=(old, new))
    line = _line(calculate_house(_house(account)))
    assert (line.method, line.volume, line.amount) == ("average", D(5), 21150)


def test_sewerage_by_norm_takes_the_increasing_coefficient_a_document_sets_for_it():
    """Sewerage has no built-in coefficient, but a document may set one (EXCHANGE.md ``increasing_coefficients``:
    «для водоотведения коэффициент можно задать»; DOMAIN.md §1.5 [P]). A flat without water meters where they can
    be installed, billed by the sewerage norm: 2 × 7.845 × 1.5 × 35.00 = 823.725 → 823.73, excess 274.58; with an
    act of impossibility for its water, K = 1 (549.15)."""
    account = AccountBasis("a1", "1001", D("54.3"), services=("sewer",), residents=D(2))
    house = _house(account, services=(SEWER,), prices={"sewer": Price(rate=D("35.00"))},
                   norms={("sewer", "person"): D("7.845")},
                   coefficients=[("sewerage", date(2017, 1, 1), None, D("1.5"))])
    line = _line(calculate_house(house), "sewer")
    assert (line.method, line.coefficient, line.amount, line.excess) == ("norm_k", D("1.5"), 82373, 27458)
    impossible = AccountBasis("a1", "1001", D("54.3"), services=("cold", "sewer"), residents=D(2),
                              meter_impossible=frozenset({"cold_water"}))
    house = _house(impossible, services=(COLD, SEWER), prices={"cold": Price(rate=D("42.30")),
                                                               "sewer": Price(rate=D("35.00"))},
                   norms={("cold", "person"): D("4.745"), ("sewer", "person"): D("7.845")},
                   coefficients=[("sewerage", date(2017, 1, 1), None, D("1.5"))])
    line = _line(calculate_house(house), "sewer")
    assert (line.method, line.coefficient, line.amount) == ("norm", D(1), 54915)


HEAT = ServiceInfo("heat", "communal", "heating", "gcal", "ts", order=2, name="Отопление")


def _heated(month: int, volume: D | None) -> HouseBasis:
    account = AccountBasis("a1", "1001", D("54.3"), services=("heat",))
    return HouseBasis(key="h1", period=Period(2025, month), total_area=D("140"), common_area=D("80"),
                      heating_method="house_meter", heating_payment="season", season_months=(1, 2, 3, 4, 5, 10, 11, 12),
                      services={"heat": HEAT}, prices={"heat": Price(rate=D("2450.37"))},
                      house_volumes={"heating": volume}, accounts=(account,))


def test_heating_by_the_house_meter_paid_in_season_needs_no_reading_out_of_season():
    """Heating paid in the heating season (ПП 354 п. 42(1)) is not charged in July: a house heat meter unread in
    July (nothing to read) gives no heating line — it stopped the whole house («нет показаний общедомового прибора
    учёта тепла»), its water and maintenance included. In season the reading is still needed, and a reading given
    out of season (the heating started early) is billed: 12 Гкал × 54.3 / 140 × 2450.37 = 11404.7220857… → 11404.72."""
    result = calculate_house(_heated(7, None))
    assert (result.gaps, dict(result.lines)) == ((), {"a1": ()})
    assert calculate_house(_heated(1, None)).gaps
    line = _line(calculate_house(_heated(9, D(12))), "heat")
    assert (line.method, line.amount) == ("house_meter_share", 1140472)


HOT = ServiceInfo("hot", "communal", "hot_water", "m3", "ts", order=2, name="ГВС")
MSK = timezone(timedelta(hours=3))


def _hot_flat(*acts: tuple[int, int, str], flat_acts: tuple[tuple[int, int, str], ...] = ()) -> HouseBasis:
    """A flat whose hot-water meter went 100 → 110 м³ in March 2025 at 185.04 руб./м³ (1850.40), with acts of the
    hot water's temperature on 5 March (from hour, to hour, °C) — of the house and of the flat itself."""
    def event(start, end, measured):
        return QualityEvent("hot", "temperature", datetime(2025, 3, 5, start, tzinfo=MSK),
                            datetime(2025, 3, 5, end, tzinfo=MSK), measured=D(measured))

    meter = MeterState(key="m1", resource="hot_water", zones=1, digits=5, previous={"total": D(100)},
                       current={"total": D(110)})
    account = AccountBasis("a1", "1001", D("54.3"), services=("hot",), residents=D(1), meters=(meter,),
                           quality=tuple(event(*a) for a in flat_acts))
    return HouseBasis(key="h1", period=Period(2025, 3), total_area=D("140"), common_area=D("80"),
                      services={"hot": HOT}, prices={"hot": Price(rate=D("185.04"))}, accounts=(account,),
                      quality=tuple(event(*a) for a in acts))


def _temperature(result) -> int:
    assert not result.gaps, result.gaps
    return sum(ln.amount for ln in result.lines["a1"] if ln.method == "temperature")


def test_hot_water_acts_over_the_same_hours_count_each_hour_once_at_the_coldest():
    """The house's act and the flat's own act over the same hours are one deviation (ПП 354 прил. 1 п. 5: 0.1 % per
    3 °C per hour of it): 10 hours at 50 °C by day (norm 60, 3 °C allowed: 7 °C beyond, two steps) — 2 % of
    1850.40 = 37.008 → −37.01, not 4 % (−74.02) for two papers. Overlapping in part, each hour takes the colder
    act: 10–15 and 18–20 at 50 °C (7 h × 2 steps), 15–18 at 44 °C (3 h × 4 steps) → 2.6 % → −48.11."""
    alone = _temperature(calculate_house(_hot_flat((10, 20, "50"))))
    assert alone == -3701
    assert _temperature(calculate_house(_hot_flat((10, 20, "50"), flat_acts=((10, 20, "50"),)))) == -3701
    assert _temperature(calculate_house(_hot_flat((10, 20, "50"), flat_acts=((15, 18, "44"),)))) == -4811
    # apart, each act counts its own hours: 2 h × 2 steps + 3 h × 4 steps = 1.6 % → −29.61
    assert _temperature(calculate_house(_hot_flat((10, 12, "50"), flat_acts=((15, 18, "44"),)))) == -2961
