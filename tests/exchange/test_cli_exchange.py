"""The `bcenter import` and `bcenter export` commands (bcenter.cli.main).

Covers exit codes — 0 done, 1 bad data (nothing written), 2 wrong usage (a missing argument, an unknown
option) — and what a person reads: a Russian summary on stdout, and on stderr a header plus one line
`path: reason` for every problem, exactly the problems the import service finds. Also: `import` initialises
a brand-new database itself, a second import says nothing changed, `export` writes a document that imports.
"""
from __future__ import annotations

import copy
import json

import pytest

from bcenter.core.errors import ValidationFailed
from bcenter.modules.exchange.service import export_document, import_data


def _write(path, doc) -> None:
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")


def test_import_then_import_again(any_db, any_url, example_doc, tmp_path, run_cli, snapshot):
    path = tmp_path / "full.json"
    _write(path, example_doc)

    code, out, err = run_cli("--db", any_url, "import", path, db=any_db)
    assert code == 0, err
    assert "Импортировано" in out
    assert "Traceback" not in err
    exported = export_document(db=any_db)
    assert [a["id"] for a in exported["accounts"]] == [a["id"] for a in example_doc["accounts"]]

    before = snapshot(any_db)
    code, out, err = run_cli("--db", any_url, "import", path, db=any_db)
    assert code == 0, err
    assert out.startswith("Ничего не изменилось")
    assert snapshot(any_db) == before


def test_import_initialises_a_new_database(any_url, example_doc, tmp_path, run_cli):
    """No `bcenter init` first: import does it (site identity, law tables) and then loads the document."""
    path = tmp_path / "full.json"
    _write(path, example_doc)
    code, out, err = run_cli("--db", any_url, "import", path)
    assert code == 0, err
    assert "Импортировано" in out


def test_import_reports_every_problem_on_stderr(any_db, any_url, example_doc, tmp_path, run_cli, snapshot):
    doc = example_doc
    doc["supliers"] = []
    doc["premises"][2]["total_area"] = "0"
    doc["payments"][2]["amount"] = 100.5
    doc["tariffs"][0]["service"] = "svc-missing"
    doc["readings"][0]["values"] = {"day": "1", "night": "2"}
    doc["payments"][0]["paid_on"] = "2025-02-30"
    path = tmp_path / "bad.json"
    _write(path, doc)
    with pytest.raises(ValidationFailed) as info:  # what the service finds ...
        import_data(copy.deepcopy(doc), db=any_db)
    expected = [str(p) for p in info.value.problems]
    assert len(expected) == 6

    before = snapshot(any_db)
    code, out, err = run_cli("--db", any_url, "import", path, db=any_db)
    assert code == 1
    assert out == ""
    lines = err.strip().splitlines()
    assert "Документ не импортирован" in lines[0] and "6 ошибок" in lines[0]
    assert sorted(lines[1:]) == sorted(expected)  # ... the command prints, one per line, nothing else
    assert {line.split(": ", 1)[0] for line in lines[1:]} == {
        "supliers", "premises[2].total_area", "payments[2].amount", "tariffs[0].service", "readings[0].values",
        "payments[0].paid_on"}
    assert snapshot(any_db) == before


def test_import_single_problem_header_is_singular(any_db, any_url, example_doc, tmp_path, run_cli):
    example_doc["premises"][2]["total_area"] = "-5.2"
    path = tmp_path / "bad.json"
    _write(path, example_doc)
    code, out, err = run_cli("--db", any_url, "import", path, db=any_db)
    assert code == 1
    lines = err.strip().splitlines()
    assert "Документ не импортирован" in lines[0] and "1 ошибка" in lines[0]
    assert len(lines) == 2
    assert lines[1].startswith("premises[2].total_area: ") and "> 0" in lines[1]


def test_import_different_content_names_the_id(any_db, any_url, example_doc, tmp_path, run_cli, snapshot):
    import_data(copy.deepcopy(example_doc), db=any_db)
    payment = dict(example_doc["payments"][0], amount="100.00")
    path = tmp_path / "fix.json"
    _write(path, {"format": "bcenter-exchange", "version": 1, "payments": [payment]})
    before = snapshot(any_db)
    code, out, err = run_cli("--db", any_url, "import", path, db=any_db)
    assert code == 1
    [line] = err.strip().splitlines()[1:]
    assert line.startswith("payments[0]: ") and "«pay1»" in line
    assert snapshot(any_db) == before


def test_import_malformed_json(any_db, any_url, tmp_path, run_cli, snapshot):
    path = tmp_path / "broken.json"
    path.write_text('{"format": "bcenter-exchange",\n "version": 1,,\n}', encoding="utf-8")
    before = snapshot(any_db)
    code, out, err = run_cli("--db", any_url, "import", path, db=any_db)
    assert code == 1
    lines = err.strip().splitlines()
    assert "Документ не импортирован" in lines[0] and "1 ошибка" in lines[0]
    assert lines[1].startswith(f"{path}:2:15: ") and "JSON" in lines[1] and "кавычк" in lines[1]
    assert snapshot(any_db) == before


def test_import_missing_file(any_db, any_url, tmp_path, run_cli, snapshot):
    before = snapshot(any_db)
    code, out, err = run_cli("--db", any_url, "import", tmp_path / "nowhere.json", db=any_db)
    assert code == 1
    assert "nowhere.json: файл не прочитан" in err
    assert snapshot(any_db) == before


@pytest.mark.parametrize("args", [["import"], ["export"]], ids=["import", "export"])
def test_missing_argument_is_usage_error(any_db, any_url, run_cli, snapshot, args):
    before = snapshot(any_db)
    code, out, err = run_cli("--db", any_url, *args, db=any_db)
    assert code == 2
    assert "FILE" in err
    assert snapshot(any_db) == before


def test_unknown_option_is_usage_error(any_db, any_url, tmp_path, run_cli):
    code, out, err = run_cli("--db", any_url, "export", tmp_path / "x.json", "--mask", db=any_db)
    assert code == 2
    assert not (tmp_path / "x.json").exists()


def test_export_writes_a_document_that_imports(any_db, any_url, second_db, bind, example_doc, tmp_path, run_cli):
    import_data(copy.deepcopy(example_doc), db=any_db)
    (tmp_path / "out").mkdir()
    path = tmp_path / "out" / "export.json"
    code, out, err = run_cli("--db", any_url, "export", path, db=any_db)
    assert code == 0, err
    assert "Выгружено" in out and str(path) in out
    assert sorted(p.name for p in path.parent.iterdir()) == ["export.json"]  # no .part left
    written = json.loads(path.read_text(encoding="utf-8"))
    assert written == export_document(db=any_db)

    bind(second_db)
    result = import_data(written, db=second_db)
    assert result.inserted["account"] == 7
    assert export_document(db=second_db) == written
    bind(any_db)


def test_export_into_a_missing_directory_is_a_clear_error(any_db, any_url, tmp_path, run_cli):
    code, out, err = run_cli("--db", any_url, "export", tmp_path / "no" / "such" / "dir.json", db=any_db)
    assert code == 1
    assert "Ошибка" in err
