"""Review of «CLI: --json printed by orjson, byte for byte what json.dumps(indent=2) printed» (``cli.output.dumps``).
Each test fails on the branch for the reason its docstring gives."""
from __future__ import annotations

import json

import pytest

from bcenter.cli.output import dumps


@pytest.mark.parametrize("value", [1e-05, 2.5e-07, float("nan"), float("inf"), float("-inf")])
def test_a_float_is_printed_as_the_standard_library_printed_it(value):
    """A ``--json`` value that is a float (none of today's documents carries one — money and quantities are strings —
    but ``dumps`` promises the standard library's bytes for any document): 0.00001 is printed «1e-5» where it was
    «1e-05», NaN and ±Infinity «null» where they were «NaN»/«Infinity»; a consumer diffing two days' outputs sees a
    change, and a NaN silently becomes «no value».

    Cause: ``output.dumps`` — orjson formats floats its own way (no zero-padded exponent, non-finite → null) and
    raises nothing for them, so the ``TypeError`` fallback to ``json.dumps`` is never taken; the property test
    ``test_the_json_printed_is_what_the_standard_library_prints`` draws no floats."""
    data = {"value": value}
    assert dumps(data) == json.dumps(data, ensure_ascii=False, indent=2)


@pytest.mark.parametrize("value", ["date", "uuid"])
def test_a_value_the_standard_library_refused_is_still_refused(value):
    """A ``to_json`` that forgets to format a date or a key (``date`` / ``UUID`` objects) failed loudly with
    json.dumps («Object of type date is not JSON serializable») — the bug was seen in the tests; orjson prints it
    quietly in its own format («2026-01-01», a UUID), so a document's shape changes with no test noticing.

    Cause: ``output.dumps`` — orjson serializes ``datetime``/``date``/``UUID``/dataclasses natively (no
    ``OPT_PASSTHROUGH_DATETIME``/``OPT_PASSTHROUGH_DATACLASS`` and no ``default`` raising)."""
    import uuid
    from datetime import date

    data = {"value": date(2026, 1, 1) if value == "date" else uuid.UUID(int=1)}
    with pytest.raises(TypeError):
        json.dumps(data, ensure_ascii=False, indent=2)
    with pytest.raises(TypeError):
        dumps(data)
