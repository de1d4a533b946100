"""Properties of charge lines (bcenter.engine.charges): a multi-zone meter charge is the sum of the zone products
rounded once; the norm excess is exactly the difference of the rounded amounts; every line's inputs are canonical
text and its formula ends with the rounded amount."""
from __future__ import annotations

from decimal import Decimal as D

from hypothesis import given
from hypothesis import strategies as st

from bcenter.core.money import decimal_context, format_kop, to_kop
from bcenter.core.quantity import canonical, parse_decimal
from bcenter.engine.charges import meter_charge, norm_charge

volumes = st.decimals(min_value=0, max_value=D("9999.9999999"), places=7)
tariffs = st.decimals(min_value=0, max_value=D("9999.999999"), places=6)
zones = st.dictionaries(st.sampled_from(["day", "night", "peak", "half_peak"]), st.tuples(volumes, tariffs),
                        min_size=1, max_size=4)


@given(zones)
def test_meter_charge_is_the_zone_products_rounded_once(data):
    line = meter_charge("electricity", volumes={z: v for z, (v, _) in data.items()},
                        tariffs={z: t for z, (_, t) in data.items()})
    with decimal_context():
        exact = sum((v * t for v, t in data.values()), D(0))
        total_volume = sum((v for v, _ in data.values()), D(0))
    assert line.amount == to_kop(exact)
    assert line.volume == total_volume
    assert line.derivation.formula.endswith(f"→ {format_kop(line.amount)}")


@given(persons=st.decimals(min_value=0, max_value=12, places=4), norm=volumes, tariff=tariffs,
       k=st.sampled_from([D(1), D("1.5"), D(3)]))
def test_norm_excess_is_the_difference_of_rounded_amounts(persons, norm, tariff, k):
    line = norm_charge("cold_water", persons=persons, norm=norm, tariff=tariff, coefficient=k)
    with decimal_context():
        assert line.amount == to_kop(persons * norm * k * tariff)
        assert line.excess == line.amount - to_kop(persons * norm * tariff)
    assert line.excess >= 0
    assert (line.method == "norm_k") == (k > 1)
    for text in line.derivation.inputs.values():
        assert canonical(parse_decimal(text)) == text
