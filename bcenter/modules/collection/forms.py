"""Documents of debt collection as PDF: a pure function from a plain payload to the bytes of an A4 document.

The kinds (``FORMS``): напоминание о задолженности, предупреждение об ограничении (приостановлении) коммунальной
услуги (ПП 354 п. 117–119), досудебная претензия, заявление о вынесении судебного приказа (ГПК ст. 121–124),
исковое заявление (ГПК ст. 131–132). None of them has an approved form: the wording — title, addressee lines,
paragraphs with ``{placeholders}``, which tables to print, the closing lines and the signature — lives in TOML
templates under ``assets/collection/`` (their README says how to edit them); this module lays out and formats: money
as «1 234,56», dates as DD.MM.YYYY, periods as MM.YYYY. ``invariant`` output: the same payload gives the same bytes.

The payload: ``kind``, ``number``, ``issued_on`` (ISO), ``issuer`` {name, inn, address, phone}, ``fields`` (the
placeholders' text), and the tables as rows of plain values (money in kopecks, dates ISO):
``debts`` [period, service, supplier, charged, paid, debt, due], ``penalties`` [period, service, start, end, days,
debt, rate, fraction, amount], ``debtors`` [name, share, amount], ``totals`` [[label, kopecks]].
"""
from __future__ import annotations

import io
import string
import tomllib
from functools import cache
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from bcenter.core.dates import format_date_ru, parse_date
from bcenter.core.errors import InvalidValue
from bcenter.core.money import format_amount_ru
from bcenter.modules.bills import fonts
from bcenter.paths import ASSETS

__all__ = ["FORMS", "PREFIXES", "has_template", "render", "template_version"]

FORMS: dict[str, str] = {
    "reminder": "Напоминание о задолженности",
    "restriction": "Предупреждение об ограничении коммунальной услуги",
    "pretrial": "Досудебная претензия",
    "court_order": "Заявление о вынесении судебного приказа",
    "claim": "Исковое заявление",
}
PREFIXES = {"reminder": "Н", "restriction": "ПО", "pretrial": "ПР", "court_order": "ЗСП", "claim": "ИЗ"}
TEMPLATES = ASSETS / "collection"
TABLES = {
    "debts": (("Период", 16), ("Услуга", 52), ("Получатель", 30), ("Начислено", 22), ("Оплачено", 22),
              ("Долг", 22), ("Срок оплаты", 22)),
    "penalties": (("Период", 14), ("Услуга", 38), ("С", 19), ("По", 19), ("Дней", 11), ("Долг", 21),
                  ("Ставка, %", 15), ("Доля", 13), ("Пени", 20)),
    "debtors": (("Должник", 110), ("Доля", 30), ("Сумма", 40)),
}
TABLE_TITLES = {"debts": "Задолженность по периодам и услугам",
                "penalties": "Расчёт пеней (ч. 14 ст. 155 ЖК РФ)",
                "debtors": "Должники"}
MONEY_COLUMNS = {"debts": (3, 4, 5), "penalties": (5, 8), "debtors": (2,)}
DATE_COLUMNS = {"debts": (6,), "penalties": (2, 3), "debtors": ()}
EMPTY = "—"


@cache
def _template(kind: str, version: str | None = None) -> dict:
    """The kind's template: the current one (``assets/collection/<kind>.toml``), or an earlier ``version`` kept in
    ``assets/collection/v<version>/`` for reprints of the documents issued by it."""
    if kind not in FORMS:
        raise InvalidValue(f"неизвестный вид документа; известны: {', '.join(FORMS)}", value=kind, path="kind")
    path = TEMPLATES / f"{kind}.toml"
    if version is not None and version != str(_template(kind)["version"]):
        path = TEMPLATES / f"v{version}" / f"{kind}.toml"
        if not path.exists():
            raise InvalidValue(f"шаблона версии {version} нет (assets/collection/v{version}/{kind}.toml)",
                               value=version, path="version")
    with path.open("rb") as f:
        tpl = tomllib.load(f)
    problems = [f"нет ключа «{key}»" for key in ("version", "title", "paragraphs") if key not in tpl]
    problems += [f"неизвестная таблица «{t}»" for t in tpl.get("tables", []) if t not in TABLES]
    if problems:
        raise InvalidValue("; ".join(problems), path=f"assets/collection/{path.name}")
    return tpl


def template_version(kind: str) -> str:
    """The ``version`` of a kind's current template — stored with the document (a reprint takes the same: an earlier
    version is kept in ``v<version>/``)."""
    return str(_template(kind)["version"])


def has_template(kind: str, version: str) -> bool:
    """Whether ``version`` of the kind's template is here (the current one or one kept for reprints)."""
    return version == template_version(kind) or (TEMPLATES / f"v{version}" / f"{kind}.toml").exists()


def _money(kop) -> str:
    return format_amount_ru(int(kop))


def _date(value) -> str:
    return format_date_ru(parse_date(value)) if value else EMPTY


def _period(value: str) -> str:
    year, month = str(value).split("-")
    return f"{month}.{year}"


class _Safe(dict):
    def __missing__(self, key: str) -> str:
        return EMPTY


def _fill(line: str, fields: dict) -> str:
    names = [f for _, f, _, _ in string.Formatter().parse(line) if f is not None]
    values = _Safe({n: escape(str(fields[n])) if fields.get(n) not in (None, "") else EMPTY for n in names})
    return escape(line).format_map(values) if names else escape(line)


def _styles() -> dict:
    regular, bold = fonts.register()
    return {
        "title": ParagraphStyle("title", fontName=bold, fontSize=12, leading=15, alignment=TA_CENTER, spaceAfter=4),
        "sub": ParagraphStyle("sub", fontName=regular, fontSize=9, leading=11, alignment=TA_CENTER, spaceAfter=8),
        "text": ParagraphStyle("text", fontName=regular, fontSize=9, leading=12, spaceAfter=4),
        "right": ParagraphStyle("right", fontName=regular, fontSize=9, leading=11, alignment=TA_RIGHT),
        "head": ParagraphStyle("head", fontName=bold, fontSize=9, leading=12, spaceBefore=6, spaceAfter=3),
        "cell": ParagraphStyle("cell", fontName=regular, fontSize=7, leading=8.5),
        "cellr": ParagraphStyle("cellr", fontName=regular, fontSize=7, leading=8.5, alignment=TA_RIGHT),
        "th": ParagraphStyle("th", fontName=bold, fontSize=7, leading=8.5),
    }


def _table(name: str, rows: list, st: dict) -> Table:
    columns = TABLES[name]
    money, dates = MONEY_COLUMNS[name], DATE_COLUMNS[name]
    data = [[Paragraph(escape(h), st["th"]) for h, _ in columns]]
    for row in rows:
        cells = []
        for i, value in enumerate(row[:len(columns)]):
            if value is None or value == "":
                text, style = EMPTY, st["cell"]
            elif i in money:
                text, style = _money(value), st["cellr"]
            elif i in dates:
                text, style = _date(value), st["cell"]
            elif i == 0 and name != "debtors":
                text, style = _period(value), st["cell"]
            else:
                text, style = str(value), st["cellr"] if isinstance(value, int) else st["cell"]
            cells.append(Paragraph(escape(text), style))
        data.append(cells)
    table = Table(data, colWidths=[w * mm for _, w in columns], repeatRows=1)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.3, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee"))]))
    return table


def render(payload: dict, *, version: str | None = None) -> bytes:
    """The PDF of a collection document (``payload["kind"]`` one of ``FORMS``) by the current template or by its
    ``version`` (a reprint)."""
    kind = payload.get("kind")
    tpl = _template(kind, version)
    st = _styles()
    fields = {**payload.get("fields", {}), "number": payload.get("number"),
              "issued_on": _date(payload.get("issued_on"))}
    issuer = payload.get("issuer") or {}
    story = []
    head = [issuer.get("name"), f"ИНН {issuer['inn']}" if issuer.get("inn") else None, issuer.get("address"),
            f"тел. {issuer['phone']}" if issuer.get("phone") else None]
    story.append(Paragraph("<br/>".join(escape(h) for h in head if h), st["text"]))
    for line in tpl.get("addressee", []):
        story.append(Paragraph(_fill(line, fields), st["right"]))
    story.append(Spacer(1, 6 * mm))
    story.append(Paragraph(_fill(tpl["title"], fields), st["title"]))
    story.append(Paragraph(_fill(tpl.get("subtitle", "№ {number} от {issued_on}"), fields), st["sub"]))
    for line in tpl["paragraphs"]:
        story.append(Paragraph(_fill(line, fields), st["text"]))
    for name in tpl.get("tables", []):
        rows = payload.get(name) or []
        if not rows:
            continue
        story.append(Paragraph(escape(tpl.get(f"{name}_title", TABLE_TITLES[name])), st["head"]))
        story.append(_table(name, rows, st))
    for label, kop in payload.get("totals", []):
        story.append(Paragraph(f"{escape(label)}: <b>{_money(kop)} руб.</b>", st["text"]))
    story.append(Spacer(1, 3 * mm))
    for line in tpl.get("closing", []):
        story.append(Paragraph(_fill(line, fields), st["text"]))
    story.append(Spacer(1, 8 * mm))
    story.append(Paragraph(escape(tpl.get("signature", "Подпись")) + " " + "_" * 30, st["text"]))
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=12 * mm, rightMargin=12 * mm, topMargin=12 * mm,
                            bottomMargin=14 * mm, title=f"{FORMS[kind]} № {payload.get('number')}",
                            author=issuer.get("name") or "bcenter", creator="bcenter", invariant=1)
    doc.build(story)
    return buf.getvalue()
