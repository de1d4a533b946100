"""The `bcenter` command as an operator uses it: demo → info → export → import into an empty database →
export again (identical), backup and restore, and the exit codes 0 / 1 / 2."""
from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bcenter.cli import main


def run(capsys, *args) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def test_demo_info_export_import_roundtrip(tmp_path, capsys):
    town, copy = f"sqlite:///{tmp_path / 'town.db'}", f"sqlite:///{tmp_path / 'copy.db'}"
    code, out, _ = run(capsys, "demo", "--accounts", 120, "--seed", 5, "--until", "2025-09", "--db", town)
    assert code == 0 and "120 лицевых счетов" in out

    code, out, _ = run(capsys, "--db", town, "info", "--json")
    info = json.loads(out)
    assert code == 0 and info["counts"]["account"] == 120 and info["counts"]["house"] >= 1
    assert info["periods"]["readings"][1] <= "2025-09-30" and info["towns"][0]["city"] == "г. Заречный"
    code, out, _ = run(capsys, "--db", town, "info")
    assert "лицевые счета" in out and "120" in out

    first, second = tmp_path / "first.json", tmp_path / "second.json"
    assert run(capsys, "--db", town, "export", first)[0] == 0
    code, out, _ = run(capsys, "--db", copy, "import", first)
    assert code == 0 and "Импортировано" in out
    assert run(capsys, "--db", copy, "export", second)[0] == 0
    assert json.loads(first.read_text(encoding="utf-8")) == json.loads(second.read_text(encoding="utf-8"))

    code, out, _ = run(capsys, "--db", copy, "import", second)  # a second import changes nothing
    assert code == 0 and "Ничего не изменилось" in out


def test_demo_again_with_the_same_seed_changes_nothing(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'town.db'}"
    assert run(capsys, "--db", url, "demo", "--accounts", 30, "--until", "2025-09")[0] == 0
    before = json.loads(run(capsys, "--db", url, "info", "--json")[1])["counts"]
    code, out, _ = run(capsys, "--db", url, "demo", "--accounts", 30, "--until", "2025-09")
    assert code == 0 and "Уже были в базе" in out
    after = json.loads(run(capsys, "--db", url, "info", "--json")[1])["counts"]
    assert {k: v for k, v in after.items() if k != "outbox"} == {k: v for k, v in before.items() if k != "outbox"}


def test_search_backup_restore(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'town.db'}"
    assert run(capsys, "--db", url, "demo", "--accounts", 20, "--until", "2025-09")[0] == 0
    info = json.loads(run(capsys, "--db", url, "info", "--json")[1])
    code, out, _ = run(capsys, "--db", url, "search", "Заречный", "--json", "--limit", 5)
    found = json.loads(out)
    assert code == 0 and len(found) == 5 and all("Заречный" in r["address"] for r in found)
    copy = tmp_path / "backup.db"
    code, out, _ = run(capsys, "--db", url, "backup", copy)
    assert code == 0 and copy.exists()
    other = f"sqlite:///{tmp_path / 'other.db'}"
    assert run(capsys, "--db", other, "init")[0] == 0
    assert run(capsys, "--db", other, "restore", copy, "--yes")[0] == 0
    assert json.loads(run(capsys, "--db", other, "info", "--json")[1])["counts"] == info["counts"]


def test_exit_codes_and_messages(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'x.db'}"
    code, _, err = run(capsys, "--db", url, "demo", "--accounts", 0)
    assert code == 2 and "--accounts" in err
    code, _, err = run(capsys, "--db", url, "demo", "--until", "2025-13")
    assert code == 2 and "ГГГГ-ММ" in err
    code, _, err = run(capsys, "--db", url, "frobnicate")
    assert code == 2
    code, _, err = run(capsys, "--db", "mysql://x", "info")
    assert code == 1 and "sqlite:///" in err
    code, _, err = run(capsys, "--db", url, "restore", tmp_path / "missing.db", "--yes")
    assert code == 2
    junk = tmp_path / "junk.db"
    junk.write_text("not a database")
    code, _, err = run(capsys, "--db", url, "restore", junk, "--yes")
    assert code == 1 and "junk.db" in err


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-2 ** 70, max_value=2 ** 70) | st.text() | st.floats(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=20)


@settings(max_examples=300, deadline=None)
@given(_JSON)
def test_the_json_printed_is_what_the_standard_library_prints(data):
    """``--json`` documents are printed by orjson for speed; byte for byte what ``json.dumps(…, indent=2)`` gives
    (a public contract — a consumer diffing two days' outputs must see no change). Our documents carry no floats —
    money and quantities are strings — but one would print as before too."""
    from bcenter.cli.output import dumps

    assert dumps(data) == json.dumps(data, ensure_ascii=False, indent=2)


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
    assert _dumps(data) == json.dumps(data, ensure_ascii=False, indent=2)


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
        _dumps(data)


def _dumps(data):
    from bcenter.cli.output import dumps

    return dumps(data)


@pytest.fixture(scope="module")
def town(tmp_path_factory):
    """A small demo town with its ledger: months calculated up to the open one, payments."""
    from tests.finance.towns import demo_town

    path = tmp_path_factory.mktemp("empty") / "town.db"
    demo_town(path, accounts=24, seed=3).close()
    return f"sqlite:///{path}"


def test_a_period_or_day_without_data_is_said_not_shown_as_zeros(town, tmp_path, capsys):
    """Charges, balances and the money reports of a month outside the data, debts and penalties as of a day before
    it: a sentence naming the months and days the database holds, not a page of zeros or nothing at all. The JSON
    stays as it was (no lines)."""
    said = "данных нет (в базе: периоды — с "
    code, out, _ = run(capsys, "--db", town, "charges", "--period", "2000-01")
    assert code == 0 and out.startswith("За 2000-01 " + said) and "платежи — с " in out and "Итого" not in out
    code, out, _ = run(capsys, "--db", town, "charges", "--period", "2000-01", "--json")
    assert json.loads(out)["lines"] == [] and "данных нет" not in out
    assert said in run(capsys, "--db", town, "balances", "--period", "2000-01")[1]
    for command in ("debts", "penalties"):
        code, out, _ = run(capsys, "--db", town, command, "--as-of", "2000-01-01")
        assert code == 0 and out.startswith("На 01.01.2000 " + said)
    code, out, _ = run(capsys, "--db", town, "report", "osv", "--period", "2000-01", "--out", tmp_path / "o.csv")
    assert code == 0 and "итого" in out and "За 2000-01 " + said in out
    assert said not in run(capsys, "--db", town, "report", "meters", "--period", "2000-01", "--out",
                           tmp_path / "m.csv")[1]  # the registry's state of a day, not money data
    code, out, _ = run(capsys, "--db", town, "report", "payments", "--period", "2000-01")
    assert "За 2000-01 " + said in json.loads(out)["subtitle"]
    # inside the data: the month's charges of the town are there, and no sentence
    code, out, _ = run(capsys, "--db", town, "charges", "--period", "2026-10")
    assert "Итого" in out and "данных нет" not in out
    # a month after the last calculated, up to today's (the town's last is 2026-10; the command's clock is the
    # machine's, 2026-12 or later): not calculated yet, its balances carried — not «данных нет»
    code, out, _ = run(capsys, "--db", town, "charges", "--period", "2026-12")
    assert out == "Начислений за 2026-12 нет: период не рассчитан (bcenter calc --period 2026-12).\n"
    code, out, _ = run(capsys, "--db", town, "report", "osv", "--period", "2026-12", "--out", tmp_path / "d.csv")
    assert code == 0 and "данных нет" not in out


def test_the_reports_for_people_show_money_and_dates_in_russian(town, capsys):
    """ARCHITECTURE.md §7: the lines for people say «1 234,56 ₽» and «10.11.2026»; ``--json`` keeps "1234.56"."""
    import re

    rub, day = r"−?\d{1,3}(?:\u00a0\d{3})*,\d\d", r"\d\d\.\d\d\.\d{4}"
    code, out, _ = run(capsys, "--db", town, "debts", "--as-of", "2026-10-31")
    first = out.splitlines()[0]
    assert code == 0 and re.fullmatch(rf"\d+: долг {rub}\u00a0₽", first), first
    assert re.search(rf"долг +{rub} срок {day}$", out.splitlines()[1]), out.splitlines()[1]
    account = first.split(":")[0]
    code, out, _ = run(capsys, "--db", town, "penalties", "--as-of", "2026-10-31")
    rows = [ln for ln in out.splitlines() if ln.startswith("  ")]
    assert rows and all(re.search(rf" {day}–{day} .* дн\. долг +{rub} × [\d,]+ % × \S+ = {rub}\u00a0₽$", ln)
                        for ln in rows), rows[:3]
    code, out, _ = run(capsys, "--db", town, "balances", "--period", "2026-10")
    assert re.search(rf" исх\. +{rub}$", out.splitlines()[0]), out.splitlines()[0]
    code, out, _ = run(capsys, "--db", town, "explain", "--account", account, "--period", "2026-10")
    assert re.search(rf"^Итого за .*: {rub}\u00a0₽$", out, re.M), out
    code, out, _ = run(capsys, "--db", town, "info")
    assert re.search(rf"^Показания: {day} — {day}$", out, re.M) and re.search(rf"^Платежи: {day} — {day}, ", out, re.M)
    code, out, _ = run(capsys, "--db", town, "debts", "--as-of", "2026-10-31", "--json")
    assert re.fullmatch(r"-?\d+\.\d\d", json.loads(out)["accounts"][0]["total"])
