"""Import of a file read as a stream (issue 11 item 4): array by array, in a window moving along the file.

Covers: a document whose arrays come in another order than the tables' — format and version last, payments before
the accounts they name — imports as the same document does (references to objects later in the file resolve); a
window of a few characters reads the same document and tells the same line:column of every JSON syntax error as
``json.loads`` does; a syntax error, a repeated key or a semantic error at the very end of a file bigger than the
window — after thousands of rows were already written in batches — leaves the database as it was; an id of a fact
repeated thousands of objects apart is a duplicate (facts' ids are not all kept in memory); the same document in
memory (a dict) is refused the same way.
"""
from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from bcenter.core.errors import ValidationFailed
from bcenter.modules.exchange import importer, reader
from bcenter.modules.exchange.reader import FileDocument
from bcenter.modules.exchange.service import export_document, import_data, import_file

MANY = importer.BATCH + 1000
"""More objects than one batch: rows of the first batch are written before the last array is read."""


def big(doc: dict) -> dict:
    """The example with ``MANY`` more persons and payments (about 1.5 MB of JSON, more than the window)."""
    doc = copy.deepcopy(doc)
    doc["persons"] += [{"id": f"gen-per{i}", "last_name": "Петров", "first_name": f"Пётр{i}",
                        "birth_date": "1980-01-01"} for i in range(MANY)]
    doc["payments"] += [{"id": f"gen-pay{i}", "account": "acc1", "amount": f"{100 + i}.00",
                         "paid_on": "2025-03-05", "channel": "cash"} for i in range(MANY)]
    return doc


def write(path: Path, doc: dict, *, order: list[str] | None = None, indent: int | None = None) -> Path:
    """``doc`` as a file, its members in ``order``."""
    keys = order or list(doc)
    path.write_text(json.dumps({k: doc[k] for k in keys}, ensure_ascii=False, indent=indent), encoding="utf-8")
    return path


def counts(doc: dict) -> dict[str, int]:
    return {k: len(v) for k, v in doc.items() if isinstance(v, list)}


def refused(source: Path | dict, db, snapshot) -> list:
    """Import a file (a path) or a document in memory, expect it refused with nothing written; the problems."""
    before = snapshot(db)
    with pytest.raises(ValidationFailed) as info:
        if isinstance(source, Path):
            import_file(source, db=db)
        else:
            import_data(source, db=db)
    assert snapshot(db) == before, "a refused import must not write anything"
    return info.value.problems


def json_place(text: str) -> tuple[int, int]:
    """Where ``json.loads`` puts the first syntax error of ``text``."""
    with pytest.raises(json.JSONDecodeError) as info:
        json.loads(text)
    return info.value.lineno, info.value.colno


# --- any order, any window ----------------------------------------------------------------------------------------
def test_arrays_in_reverse_order_import_like_the_document(any_db, example_doc, tmp_path):
    path = write(tmp_path / "reversed.json", example_doc, order=list(reversed(list(example_doc))))
    result = import_file(path, db=any_db)
    assert result.inserted["account"] == 7 and result.inserted["payment"] == 6
    again = import_data(copy.deepcopy(example_doc), db=any_db)  # the same document: nothing new, nothing other
    assert again.changed is False
    assert counts(export_document(db=any_db)) == counts(example_doc)


def test_a_window_of_a_few_characters_reads_the_same_document(any_db, example_doc, tmp_path, monkeypatch):
    monkeypatch.setattr(reader, "CHUNK", 7)
    monkeypatch.setattr(reader, "LOOKAHEAD", 5)
    path = write(tmp_path / "pretty.json", example_doc, order=list(reversed(list(example_doc))), indent=2)
    import_file(path, db=any_db)
    assert import_data(copy.deepcopy(example_doc), db=any_db).changed is False


BROKEN = {
    "missing-value": '{"format": "bcenter-exchange",\n  "version": 1,\n  "houses": [,]\n}',
    "trailing-comma-in-array": '{"format": "bcenter-exchange", "version": 1, "closed_periods": ["2024-11",]}',
    "trailing-comma-in-object": '{"format": "bcenter-exchange", "version": 1,}',
    "missing-colon": '{"format" "bcenter-exchange"}',
    "missing-comma-in-array": '{"closed_periods": ["2024-11"\n "2024-12"]}',
    "literal-cut": '{"format": "bcenter-exchange", "masked": tru}',
    "bad-escape": '{"format": "bcenter-\\exchange"}',
    "control-character": '{"format": "bcenter\nexchange"}',
    "unterminated": '{"format": "bcenter-exchange", "version": 1, "closed_periods": ["2024-11',
    "no-closing-brace": '{"format": "bcenter-exchange", "version": 1, "houses": []',
    "extra-data": '{"format": "bcenter-exchange", "version": 1}\n{}',
    "empty": "   \n ",
}


@pytest.mark.parametrize("window", [(7, 5), (1 << 20, 1 << 16)], ids=["tiny-window", "usual-window"])
@pytest.mark.parametrize("name", list(BROKEN))
def test_syntax_errors_are_placed_as_json_places_them(tmp_path, monkeypatch, name, window):
    monkeypatch.setattr(reader, "CHUNK", window[0])
    monkeypatch.setattr(reader, "LOOKAHEAD", window[1])
    text = BROKEN[name]
    path = tmp_path / "broken.json"
    path.write_text(text, encoding="utf-8")
    line, column = json_place(text)
    with pytest.raises(ValidationFailed) as info:
        for _, value in FileDocument(path).members():
            list(value) if isinstance(value, reader.Array) else None
    [problem] = info.value.problems
    assert problem.path == f"{path}:{line}:{column}"
    assert problem.reason.startswith("ошибка JSON: ")


# --- all or nothing at the end of a big file ----------------------------------------------------------------------
def test_a_syntax_error_at_the_end_of_a_big_file_writes_nothing(any_db, example_doc, tmp_path, snapshot):
    text = json.dumps(big(example_doc), ensure_ascii=False, indent=1)
    text = text[:-1] + ",}"  # a trailing comma before the document's last brace
    path = tmp_path / "big.json"
    path.write_text(text, encoding="utf-8")
    assert path.stat().st_size > reader.CHUNK  # the window has moved on before the error
    line, column = json_place(text)
    [problem] = refused(path, any_db, snapshot)
    assert problem.path == f"{path}:{line}:{column}" and "в двойных кавычках" in problem.reason


def test_a_repeated_key_at_the_end_of_a_big_file_writes_nothing(any_db, example_doc, tmp_path, snapshot):
    doc = big(example_doc)
    last = f'"amount": "{100 + MANY - 1}.00"'
    text = json.dumps(doc, ensure_ascii=False)
    assert text.count(last) == 1
    path = tmp_path / "twice.json"
    path.write_text(text.replace(last, f'{last}, "amount": "1.00"'), encoding="utf-8")
    [problem] = refused(path, any_db, snapshot)
    index = next(i for i, p in enumerate(doc["payments"]) if p["id"] == f"gen-pay{MANY - 1}")
    assert problem.path == f"payments[{index}]"  # the element named, not the file: a city's has millions
    assert problem.reason == f"ключ «amount» повторяется в одном объекте (объект с id «gen-pay{MANY - 1}»)"


def test_a_repeated_top_level_key_is_refused(any_db, tmp_path, snapshot):
    path = tmp_path / "sections.json"
    path.write_text('{"format": "bcenter-exchange", "version": 1, "closed_periods": ["2024-11"], '
                    '"closed_periods": ["2024-12"]}', encoding="utf-8")
    [problem] = refused(path, any_db, snapshot)
    assert problem.reason == "ключ «closed_periods» повторяется в одном объекте"


@pytest.mark.parametrize("source", ["file", "dict"])
def test_problems_in_the_last_arrays_write_nothing(any_db, example_doc, tmp_path, snapshot, source):
    doc = big(example_doc)
    doc["payments"][-1]["account"] = "acc-missing"
    doc["closed_periods"].append("2999-01")
    problems = refused(write(tmp_path / "late.json", doc) if source == "file" else doc, any_db, snapshot)
    assert {p.path for p in problems} == {f"payments[{len(doc['payments']) - 1}].account", "closed_periods[2]"}


def test_a_big_file_imports_whole(any_db, example_doc, tmp_path):
    doc = big(example_doc)
    result = import_file(write(tmp_path / "big.json", doc), db=any_db)
    assert result.inserted["person"] == len(doc["persons"]) and result.inserted["payment"] == len(doc["payments"])
    assert import_data(doc, db=any_db).changed is False


def test_a_fact_id_repeated_far_apart_is_a_duplicate(any_db, example_doc, snapshot):
    doc = big(example_doc)
    doc["payments"][-1]["id"] = "pay1"
    [problem] = refused(doc, any_db, snapshot)
    assert problem.path == f"payments[{len(doc['payments']) - 1}].id"
    assert problem.reason == "дубликат id «pay1» (уже в payments[0])"
