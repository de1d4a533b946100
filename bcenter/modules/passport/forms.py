"""The passport desk's forms as PDF: a pure function from a plain payload (JSON values) to the bytes of an A4 document.

The forms: карточка регистрации (форма № 9), поквартирная карточка (форма № 10) and домовая книга (форма № 11) of
Приказ МВД России от 31.12.2017 № 984 (the Административный регламент of registration); «выписка из домовой книги»
and «справка о составе семьи» have no approved form — they are local formats. The duty to register and the desk's
part in it: Закон РФ от 25.06.1993 № 5242-1 and the Правила регистрации (Постановление Правительства РФ от
17.07.1995 № 713).

The wording — titles, legal notes, field labels, column sets and widths, footer lines with ``{placeholders}`` — lives
in TOML templates under ``assets/passport/`` (their README says how to edit them); this module only lays out and
formats: ISO dates print as DD.MM.YYYY, registration kinds as «по месту жительства» / «по месту пребывания», a missing
value as «—». A table longer than a page goes on with its header repeated; every page says «Лист N из M» (the page
count comes from a first, discarded build). ``invariant`` output: the same payload gives the same bytes.

The payload (dates are "YYYY-MM-DD" strings, anything optional may be None or absent):

* every form: ``form`` (a key of ``FORMS``), ``number``, ``issued_on``, ``issuer`` {name, address}, ``official``
  (the passport officer, by the signature line), ``address``;
* a person: {name, birth_date, birth_place, relation, kind: "permanent"|"temporary", registered_from,
  registered_to (the day taken off the register), arrived_from, departed_to, document};
* form9: ``person`` (a person with sex and citizenship) and ``registrations`` [{address, kind, registered_from,
  registered_to, arrived_from, departed_to}];
* form10 and extract: ``premises`` {kind, total_area, living_area, rooms}, ``owners`` [{name, share, since, basis}],
  ``persons`` (current and former); form10 also ``holder`` (наниматель);
* form11: ``house_address`` and ``premises_list`` [{number, persons}], printed in the given order;
* family: ``applicant`` and ``persons`` — only those registered on ``issued_on`` are printed, with their kind and
  the last day of a registration with an end (a temporary lodger is not a permanent member of the family).
"""
from __future__ import annotations

import io
import string
import tomllib
from datetime import timedelta
from functools import cache
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from bcenter.core.dates import format_date_ru, parse_date
from bcenter.core.errors import InvalidValue
from bcenter.core.quantity import format_decimal_ru
from bcenter.modules.bills import fonts
from bcenter.paths import ASSETS

__all__ = ["FORMS", "render", "template_version"]

FORMS: dict[str, str] = {
    "form9": "Карточка регистрации (форма № 9)",
    "form10": "Поквартирная карточка (форма № 10)",
    "form11": "Домовая книга (форма № 11)",
    "extract": "Выписка из домовой книги",
    "family": "Справка о составе семьи",
}
TEMPLATES = ASSETS / "passport"
MARGIN = 12 * mm
BOTTOM = 16 * mm  # room for the page line «Лист N из M»
EMPTY = "—"
KINDS = {"permanent": "по месту жительства", "temporary": "по месту пребывания"}
DATE_KEYS = frozenset({"birth_date", "registered_from", "registered_to", "since", "issued_on"})
AREA_KEYS = frozenset({"total_area", "living_area"})
PERSON_KEYS = frozenset({"name", "birth_date", "birth_place", "relation", "kind", "registered_from", "registered_to",
                         "arrived_from", "departed_to", "document", "sex", "citizenship", "address"})
COLUMN_KEYS = PERSON_KEYS | {"index", "period", "registered_until", "premises", "share", "since", "basis"}
"""What a template's column may show: a person's (or a registration's, an owner's) key, ``index`` (№ п/п),
``period`` («зарегистрирован с … по …»), ``registered_until`` (the last day of a registration with an end: a
temporary one's term) or, in the house book, ``premises`` (the flat's number)."""
PLACEHOLDERS = frozenset({"number", "issued_on", "address", "house_address", "applicant", "holder", "official",
                          "issuer", "issuer_address", "premises_kind", "total_area", "living_area", "rooms",
                          "persons_count"}) | PERSON_KEYS
"""The names a template's field or ``{placeholder}`` may use; a name the payload lacks prints «—»."""


# --- templates ------------------------------------------------------------------------------------
@cache
def _template(kind: str) -> dict:
    """The template of a form, read once and checked: a typo in a column key or a placeholder fails loudly."""
    if kind not in FORMS:
        raise InvalidValue(f"неизвестный вид документа паспортного стола; известны: {', '.join(FORMS)}",
                           value=kind, path="form")
    path = TEMPLATES / f"{kind}.toml"
    with path.open("rb") as f:
        tpl = tomllib.load(f)
    _check_template(path.name, tpl)
    return tpl


def _check_template(name: str, tpl: dict) -> None:
    problems = [f"нет ключа «{key}»" for key in ("version", "title", "columns") if key not in tpl]
    for table in ("columns", "owner_columns"):
        for column in tpl.get(table, []):
            if column.get("key") not in COLUMN_KEYS or "header" not in column or "width" not in column:
                problems.append(f"{table}: столбец {column} — нужны известный key, header и width")
    for field in tpl.get("fields", []):
        if field.get("key") not in PLACEHOLDERS or "label" not in field:
            problems.append(f"fields: поле {field} — нужны известный key и label")
    for line in [*tpl.get("intro", []), *tpl.get("footer", [])]:
        problems += [f"неизвестная подстановка {{{n}}} в строке «{line}»" for n in _names(line) if n not in PLACEHOLDERS]
    if problems:
        raise InvalidValue("; ".join(problems), path=f"assets/passport/{name}")


def _names(line: str) -> list[str]:
    return [field for _, field, _, _ in string.Formatter().parse(line) if field is not None]


def template_version(kind: str) -> str:
    """The ``version`` of a form's template — store it with the document: a reprint uses the current template."""
    return str(_template(kind)["version"])


# --- values ---------------------------------------------------------------------------------------
def _date(value) -> str:
    return format_date_ru(parse_date(value)) if value else EMPTY


def _value(key: str, value) -> str:
    """A value as printed: dates DD.MM.YYYY, kinds in words, areas with a decimal comma, nothing as «—»."""
    if value is None or value == "":
        return EMPTY
    if key in DATE_KEYS:
        return _date(value)
    if key == "kind":
        return KINDS.get(value, str(value))
    if key in AREA_KEYS:
        return format_decimal_ru(str(value))
    return str(value)


def _last_day(row: dict) -> str:
    """The last day a registration runs (``registered_to`` is the first day without it: a temporary registration
    «до 01.05.2027» runs through 30.04.2027), «—» for one without an end."""
    if not row.get("registered_to"):
        return EMPTY
    return format_date_ru(parse_date(row["registered_to"]) - timedelta(days=1))


def _period(row: dict) -> str:
    """«зарегистрирован с A по B» — B the last day of a temporary registration's term; a permanent one that ended:
    «зарегистрирован с A, снят с учёта C» (C the day of снятие с учёта, the first day without it)."""
    text = f"зарегистрирован с {_date(row.get('registered_from'))}"
    if row.get("registered_to"):
        text += (f" по {_last_day(row)}" if row.get("kind") == "temporary"
                 else f", снят с учёта {_date(row['registered_to'])}")
    return text


def _cell(key: str, row: dict, index: int) -> str:
    if key == "index":
        return str(index)
    if key == "period":
        return _period(row)
    if key == "registered_until":
        return _last_day(row)
    return _value(key, row.get(key))


def _current(persons: list[dict], issued_on: str | None) -> list[dict]:
    """Those registered on the day of issue (``registered_to`` is the first day off the register)."""
    day = parse_date(issued_on) if issued_on else None
    return [p for p in persons
            if not p.get("registered_to") or (day is not None and parse_date(p["registered_to"]) > day)]


def _persons(payload: dict) -> list[dict]:
    """The persons a form lists: a справка о составе семьи only those registered when it is issued."""
    persons = list(payload.get("persons") or [])
    if payload["form"] == "family":
        persons = _current(persons, payload.get("issued_on"))
    return persons


def _context(payload: dict) -> dict[str, str]:
    """The payload flattened for fields and placeholders, every value already printable."""
    premises = payload.get("premises") or {}
    issuer = payload.get("issuer") or {}
    raw = {key: payload.get(key) for key in ("number", "issued_on", "address", "house_address", "applicant",
                                             "holder", "official")}
    raw.update(issuer=issuer.get("name"), issuer_address=issuer.get("address"), premises_kind=premises.get("kind"),
               total_area=premises.get("total_area"), living_area=premises.get("living_area"),
               rooms=premises.get("rooms"))
    if payload["form"] == "form11":
        count = sum(len(flat.get("persons") or []) for flat in payload.get("premises_list") or [])
    elif payload["form"] == "form9":
        count = 1
        raw.update({k: v for k, v in (payload.get("person") or {}).items() if k in PERSON_KEYS and v is not None})
    else:
        count = len(_persons(payload))
    context = {key: _value(key, raw.get(key)) for key in PLACEHOLDERS}
    context["persons_count"] = str(count)
    return context


def _fill(line: str, context: dict[str, str]) -> str:
    return line.format_map(context)


# --- layout ---------------------------------------------------------------------------------------
class _Styles:
    """The paragraph styles, in the bill fonts (DejaVu: Cyrillic, №, м²)."""

    def __init__(self):
        regular, bold = fonts.register()
        self.regular, self.bold = regular, bold
        self.text = ParagraphStyle("text", fontName=regular, fontSize=9, leading=11.5, spaceAfter=1.5 * mm)
        self.cell = ParagraphStyle("cell", fontName=regular, fontSize=7.5, leading=9)
        self.head = ParagraphStyle("head", fontName=bold, fontSize=7, leading=8.5, alignment=TA_CENTER)
        self.label = ParagraphStyle("label", fontName=bold, fontSize=8.5, leading=10.5)
        self.value = ParagraphStyle("value", fontName=regular, fontSize=8.5, leading=10.5)
        self.small = ParagraphStyle("small", fontName=regular, fontSize=6.5, leading=8)
        self.legal = ParagraphStyle("legal", parent=self.small, alignment=TA_RIGHT)
        self.title = ParagraphStyle("title", fontName=bold, fontSize=14, leading=17, alignment=TA_CENTER)
        self.subtitle = ParagraphStyle("subtitle", fontName=regular, fontSize=10, leading=13, alignment=TA_CENTER)
        self.heading = ParagraphStyle("heading", fontName=bold, fontSize=10, leading=13, spaceBefore=3 * mm,
                                      spaceAfter=1.5 * mm)


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text), style)


GRID = [("GRID", (0, 0), (-1, -1), 0.4, colors.black), ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 2), ("RIGHTPADDING", (0, 0), (-1, -1), 2),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 2)]
HEADER_FILL = colors.Color(0.9, 0.9, 0.9)
GROUP_FILL = colors.Color(0.96, 0.96, 0.96)


def _widths(columns: list[dict], width: float) -> list[float]:
    """The columns' widths in points; a set wider than the page is scaled down to it."""
    widths = [float(c["width"]) * mm for c in columns]
    scale = min(1.0, width / sum(widths))
    return [w * scale for w in widths]


def _table(columns: list[dict], rows: list[dict], st: _Styles, width: float, *, index_from: int = 1) -> Table:
    data = [[_p(c["header"], st.head) for c in columns]]
    data += [[_p(_cell(c["key"], row, i), st.cell) for c in columns] for i, row in enumerate(rows, index_from)]
    table = Table(data, colWidths=_widths(columns, width), repeatRows=1, hAlign="LEFT")
    table.setStyle(TableStyle([*GRID, ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL)]))
    return table


def _house_table(tpl: dict, payload: dict, st: _Styles, width: float) -> Table:
    """The house book: each premises' persons in turn (its number in the ``premises`` column, a heavier rule above
    its first row), numbered through the book; a premises with nobody registered gets a row saying so."""
    columns = tpl["columns"]
    data = [[_p(c["header"], st.head) for c in columns]]
    style = [*GRID, ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL)]
    index = 0
    for flat in payload.get("premises_list") or []:
        number = flat.get("number")
        style.append(("LINEABOVE", (0, len(data)), (-1, len(data)), 1.2, colors.black))
        persons = flat.get("persons") or []
        if not persons:
            cells, start = _nobody(columns, number, tpl.get("empty", EMPTY), st)
            data.append(cells)
            style.append(("SPAN", (start, len(data) - 1), (-1, len(data) - 1)))
        for person in persons:
            index += 1
            data.append([_p(_cell(c["key"], {**person, "premises": number}, index), st.cell) for c in columns])
    table = Table(data, colWidths=_widths(columns, width), repeatRows=1, hAlign="LEFT")
    table.setStyle(TableStyle(style))
    return table


def _nobody(columns: list[dict], number, empty: str, st: _Styles) -> tuple[list, int]:
    """The row of a premises without registered persons: its number, then ``empty`` spanning the columns after it
    (all of them, the number leading the text, when the template has no ``premises`` column)."""
    keys = [c["key"] for c in columns]
    number = _value("premises", number)
    if "premises" not in keys or keys.index("premises") == len(keys) - 1:
        return [_p(f"№ {number}: {empty}", st.cell)] + [""] * (len(keys) - 1), 0
    at = keys.index("premises")
    cells = [""] * at + [_p(number, st.cell), _p(empty, st.cell)] + [""] * (len(keys) - at - 2)
    return cells, at + 1


def _fields(tpl: dict, context: dict[str, str], st: _Styles, width: float) -> list:
    fields = tpl.get("fields", [])
    if not fields:
        return []
    data = [[_p(f["label"], st.label), _p(context[f["key"]], st.value)] for f in fields]
    table = Table(data, colWidths=[70 * mm, width - 70 * mm], hAlign="LEFT")
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LINEBELOW", (1, 0), (1, -1), 0.3, colors.grey),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5)]))
    return [table, Spacer(1, 2 * mm)]


def _header(tpl: dict, context: dict[str, str], st: _Styles, width: float) -> list:
    issuer = [context["issuer"]] + ([context["issuer_address"]] if context["issuer_address"] != EMPTY else [])
    left = [_p(line, st.small) for line in issuer]
    right = [_p(tpl["legal"], st.legal)] if tpl.get("legal") else ""
    top = Table([[left, right]], colWidths=[width / 2, width / 2], hAlign="LEFT")
    top.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                             ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    flow = [top, Spacer(1, 5 * mm), _p(tpl["title"], st.title)]
    if tpl.get("subtitle"):
        flow.append(_p(tpl["subtitle"], st.subtitle))
    flow += [_p(f"№ {context['number']} от {context['issued_on']}", st.subtitle), Spacer(1, 5 * mm)]
    return flow


def _signature(tpl: dict, context: dict[str, str], st: _Styles) -> list:
    name = context["official"] if context["official"] != EMPTY else "_" * 24
    line = f"{tpl.get('signature', 'Паспортист')} {'_' * 24} / {name} /"
    return [Spacer(1, 8 * mm), _p(line, st.text)]


def _story(payload: dict, tpl: dict, st: _Styles, width: float) -> list:
    kind = payload["form"]
    context = _context(payload)
    story = _header(tpl, context, st, width) + _fields(tpl, context, st, width)
    story += [_p(_fill(line, context), st.text) for line in tpl.get("intro", [])]
    if tpl.get("owner_columns"):
        story += [_p(tpl.get("owners_heading", ""), st.heading),
                  _table(tpl["owner_columns"], list(payload.get("owners") or []), st, width)]
    if tpl.get("table_heading"):
        story.append(_p(tpl["table_heading"], st.heading))
    if kind == "form11":
        story.append(_house_table(tpl, payload, st, width))
    elif kind == "form9":
        story.append(_table(tpl["columns"], list(payload.get("registrations") or []), st, width))
    else:
        story.append(_table(tpl["columns"], _persons(payload), st, width))
    story.append(Spacer(1, 4 * mm))
    story += [_p(_fill(line, context), st.text) for line in tpl.get("footer", [])]
    return story + _signature(tpl, context, st)


def _build(payload: dict, tpl: dict, st: _Styles, total: int | None) -> tuple[bytes, int]:
    """One build of the document; returns its bytes and page count (``total`` is printed as M of «Лист N из M»)."""
    pagesize = landscape(A4) if tpl.get("orientation") == "landscape" else A4
    buf = io.BytesIO()
    number = _value("number", payload.get("number"))
    doc = SimpleDocTemplate(buf, pagesize=pagesize, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                            bottomMargin=BOTTOM, invariant=1, pageCompression=1, initialFontName=st.regular,
                            title=f"{FORMS[payload['form']]} № {number}", author="bcenter", creator="bcenter",
                            subject="паспортный стол")
    pages = [0]

    def page_line(canvas, _doc):
        pages[0] = canvas.getPageNumber()
        canvas.saveState()
        canvas.setFont(st.regular, 7)
        y = BOTTOM - 8 * mm
        canvas.drawString(MARGIN, y, f"{tpl['title']} № {number} · шаблон {tpl['version']}")
        of = total if total is not None else "?"
        canvas.drawRightString(pagesize[0] - MARGIN, y, f"Лист {canvas.getPageNumber()} из {of}")
        canvas.restoreState()

    doc.build(_story(payload, tpl, st, pagesize[0] - 2 * MARGIN), onFirstPage=page_line, onLaterPages=page_line)
    return buf.getvalue(), pages[0]


@cache
def _styles() -> _Styles:
    return _Styles()


def render(payload: dict) -> bytes:
    """The PDF of a passport desk's document. ``payload["form"]`` is one of ``FORMS`` (another raises
    ``ValueError``); the other keys are the form's plain values (the module's docstring). The same payload
    gives byte-identical bytes."""
    kind = payload.get("form")
    if kind not in FORMS:
        raise InvalidValue(f"неизвестный вид документа паспортного стола; известны: {', '.join(FORMS)}",
                           value=kind, path="form")
    tpl = _template(kind)
    st = _styles()
    _, pages = _build(payload, tpl, st, None)
    data, _ = _build(payload, tpl, st, pages)
    return data
