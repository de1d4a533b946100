"""Bank payment registries (реестры платежей) read by a format profile: lines and the footer, checked as read.

DOMAIN.md §5.1: every bank branch agrees its own layout, so the layout is **data** — a profile in TOML
(``assets/registries/<name>.toml``, or any file a user copies from one and names by its path):

* ``format``: ``text`` (one payment a line, fields split by ``separator``; with ``header`` the first line names the
  columns and ``[fields]`` gives names, else field numbers from 1) or ``dbf`` (dBase, read by ``dbfread``; fields by
  name);
* ``encoding``, ``date_format`` / ``time_format`` (``strptime``), ``date_anywhere`` (the date is the first field
  that reads as one), ``agent`` and ``channel`` of the payments;
* ``[fields]``: ``account``, ``amount``, ``date`` are required; ``time``, ``branch``, ``cashier``, ``operation``,
  ``payer``, ``address``, ``period`` (``MMYY``, ``MM.YYYY`` or ``YYYY-MM``), ``transfer``, ``commission``, optional;
* ``[tags]``: ``KEY:value`` fields wherever they stand on the line (``account``, ``document``, ``method``, and
  ``readings`` — a prefix numbered per meter, ``CounterVal_1``);
* ``[summary]``: the control line (``prefix``; field numbers of ``count``, ``amount``, ``transfer``,
  ``commission``, ``order_number``, ``order_date``) — the lines must add up to it;
* ``[key]``: the fields that make a line the same payment in another file (DOMAIN.md §5.1: date, time, branch,
  operation, account, amount), so a file loaded twice or two overlapping files add each payment once. A key with
  the bank's operation number names one operation: seen twice in one file, the file is refused. A line without
  one (a CSV or DBF with no operation column) cannot tell a second real payment of the same day, account and
  amount from a line sent again: twice in one file it is two payments, and met in an earlier file it goes to the
  suspense queue as a possible repeat for a person to decide (``registry_import``).

Amounts are rubles with a dot or a comma (``1234.56``, ``1 234,56``), at most two decimals, read as ``Decimal`` and
kept as kopecks. Everything wrong is reported at once, each problem as ``file:line:field`` with the reason in
Russian; a file with any problem is refused whole (``ValidationFailed``) — nothing of it is kept.
"""
from __future__ import annotations

import csv
import hashlib
import re
import struct
import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

from bcenter.core.errors import Problem, UsageError, ValidationFailed
from bcenter.core.money import format_rub_ru, to_kop
from bcenter.core.period import Period
from bcenter.paths import ASSETS

__all__ = ["PROFILES", "Footer", "Profile", "Registry", "RegistryLine", "line_readings", "load_profile",
           "profile_names", "read_line", "read_registry"]

PROFILES = ASSETS / "registries"
"""The profiles shipped with bcenter: ``sber``, ``sber_tagged``, ``csv``, ``dbf``."""

FIELDS = ("date", "time", "branch", "cashier", "operation", "account", "payer", "address", "period", "amount",
          "transfer", "commission")
REQUIRED = ("account", "amount", "date")
LABELS = {"date": "дата", "time": "время", "branch": "отделение", "cashier": "ВСП/кассир",
          "operation": "№ операции", "account": "лицевой счёт", "payer": "плательщик", "address": "адрес",
          "period": "период", "amount": "сумма", "transfer": "сумма перевода", "commission": "комиссия",
          "count": "количество платежей", "order_number": "№ платёжного поручения", "order_date": "дата п/п",
          "document": "№ документа", "method": "способ оплаты"}
OLDEST_YEARS = 5
"""A payment dated more than this many years before today is a typo of the year (1900, 2006), not a late registry:
refused [P] — the three years of limitation (ст. 196 ГК РФ) and a margin."""
SUMMARY_FIELDS = ("count", "amount", "transfer", "commission", "order_number", "order_date")


@dataclass(frozen=True)
class Profile:
    """A registry layout (see the module's text)."""

    name: str
    title: str
    format: str
    encoding: str
    separator: str = ";"
    agent: str = ""
    channel: str = "bank"
    date_format: str = "%d-%m-%Y"
    time_format: str = "%H-%M-%S"
    date_anywhere: bool = False
    header: bool = False
    fields: dict = field(default_factory=dict)
    tags: dict = field(default_factory=dict)
    summary: dict = field(default_factory=dict)
    key: tuple[str, ...] = ()
    source: str = ""
    """Where it was loaded from, as kept with a registry loaded by it: a shipped profile's name, a user's profile
    file's absolute path (a suspense line's readings are read again by it when resolved)."""


@dataclass(frozen=True)
class RegistryLine:
    """One payment of a registry, as the bank sent it (amounts in kopecks)."""

    line_no: int
    raw: str
    account: str
    amount: int
    paid_on: date
    key: str
    identified: bool = True
    """Whether the key holds the bank's operation number: then it names one operation, in any file. Without it (a
    CSV or DBF with no operation column) the same day, account and amount may be a second real payment: such a
    line's key names its kind, and the import numbers the lines of a kind (``registry_import``)."""
    paid_at: time | None = None
    period: Period | None = None
    transfer: int | None = None
    commission: int | None = None
    branch: str | None = None
    cashier: str | None = None
    operation: str | None = None
    payer: str | None = None
    address: str | None = None
    document: str | None = None
    method: str | None = None
    readings: tuple[tuple[int, str], ...] = ()


@dataclass(frozen=True)
class Footer:
    """The registry's control line: how many payments, their sum, the transfer and the commission, the payment
    order."""

    count: int | None = None
    amount: int | None = None
    transfer: int | None = None
    commission: int | None = None
    order_number: str | None = None
    order_date: date | None = None


@dataclass(frozen=True)
class Registry:
    """A registry file read and checked: its lines, its footer, the file's SHA-256."""

    file_name: str
    sha256: str
    profile: Profile
    lines: tuple[RegistryLine, ...]
    footer: Footer | None

    @property
    def total(self) -> int:
        return sum(line.amount for line in self.lines)


def profile_names() -> list[str]:
    """The names of the shipped profiles."""
    return sorted(p.stem for p in PROFILES.glob("*.toml"))


def load_profile(name_or_path: str) -> Profile:
    """A shipped profile by name, or a profile file by its path; an unknown name or a broken file is a usage
    error naming what is wrong."""
    path = Path(name_or_path)
    if not path.suffix:
        path = PROFILES / f"{name_or_path}.toml"
        if not path.exists():
            raise UsageError(f"--profile: нет профиля реестра «{name_or_path}»; есть: {', '.join(profile_names())} "
                             f"или путь к файлу профиля .toml")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"--profile: файл профиля {path} не читается: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"профиль реестра {path.name}: ошибка разметки TOML: {exc}") from None
    problems = []
    fields = dict(data.get("fields", {}))
    tags = dict(data.get("tags", {}))
    for name in REQUIRED:
        if name not in fields and name not in tags and not (name == "date" and data.get("date_anywhere")):
            problems.append(f"нет поля «{name}» ({LABELS[name]}) в [fields]")
    for name in fields:
        if name not in FIELDS:
            problems.append(f"[fields] {name}: неизвестное поле (известны: {', '.join(FIELDS)})")
    if data.get("format", "text") not in ("text", "dbf"):
        problems.append(f"format: «{data.get('format')}» — ожидается text или dbf")
    for name in data.get("key", {}).get("fields", ()):
        if name not in FIELDS and name not in tags:
            problems.append(f"[key] {name}: неизвестное поле")
    try:
        "".encode(data.get("encoding", "utf-8"))
    except LookupError:
        problems.append(f"encoding: неизвестная кодировка «{data.get('encoding')}»")
    if problems:
        raise UsageError(f"профиль реестра {path.name}: " + "; ".join(problems))
    return Profile(
        name=path.stem, title=data.get("title", path.stem), format=data.get("format", "text"),
        encoding=data.get("encoding", "utf-8"), separator=data.get("separator", ";"), agent=data.get("agent", ""),
        channel=data.get("channel", "bank"), date_format=data.get("date_format", "%d-%m-%Y"),
        time_format=data.get("time_format", "%H-%M-%S"), date_anywhere=bool(data.get("date_anywhere", False)),
        header=bool(data.get("header", False)), fields=fields, tags=tags, summary=dict(data.get("summary", {})),
        key=tuple(data.get("key", {}).get("fields", ("date", "account", "amount"))),
        source=name_or_path if path.parent == PROFILES and not Path(name_or_path).suffix else str(path.resolve()))


# --- values -------------------------------------------------------------------------------------------------------

_SPACES = re.compile(r"[\s\u00a0\u202f']")
_PLAIN_RUBLES = re.compile(r"(\d{1,10})(?:[.,](\d{1,2}))?")
MAX_RUBLES = 10 ** 10
"""A line's amount or a registry's total is below ten billion rubles: more is a broken field (a number the ledger's
64-bit kopecks could not even sum), not a payment."""


def _money(text: str) -> int:
    """Rubles as written by a bank: «1234.56», «1 234,56», «1234» → kopecks; more than two decimals refused.
    Plain digits with at most two decimals (nearly every line) are read as integers; anything else through
    ``Decimal``."""
    plain = _PLAIN_RUBLES.fullmatch(text)
    if plain is not None:
        rubles, kopecks = plain.groups()
        return int(rubles) * 100 + (int(kopecks.ljust(2, "0")) if kopecks else 0)
    cleaned = _SPACES.sub("", text).replace(",", ".")
    if not cleaned or cleaned.count(".") > 1 or not re.fullmatch(r"-?\d*\.?\d*", cleaned) or cleaned in ("-", "."):
        raise ValueError(f"«{text}» — не сумма в рублях")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(f"«{text}» — не сумма в рублях") from None
    if value != value.quantize(Decimal("0.01")):
        raise ValueError(f"«{text}»: больше двух знаков после запятой")
    if abs(value) >= MAX_RUBLES:
        limit = f"{MAX_RUBLES:,}".replace(",", " ")
        raise ValueError(f"«{text}»: сумма от {limit} ₽ и больше — ошибка в поле, а не платёж")
    return to_kop(value)


@lru_cache(maxsize=1024)  # a registry names a few periods, days and seconds many times over
def _period(text: str) -> Period:
    text = text.strip()
    for pattern, month, year in ((r"(\d{2})(\d{2})", 1, 2), (r"(\d{2})[./](\d{4})", 1, 2),
                                 (r"(\d{4})-(\d{2})", 2, 1)):
        m = re.fullmatch(pattern, text)
        if m:
            y = int(m.group(year))
            return Period.parse(f"{y + 2000 if y < 100 else y:04d}-{int(m.group(month)):02d}")
    raise ValueError(f"«{text}» — не период (ожидается ММГГ, ММ.ГГГГ или ГГГГ-ММ)")


_DIRECTIVES = {"%d": r"(?P<d>\d{1,2})", "%m": r"(?P<m>\d{1,2})", "%Y": r"(?P<Y>\d{4})", "%y": r"(?P<y>\d{2})",
               "%H": r"(?P<H>\d{1,2})", "%M": r"(?P<M>\d{1,2})", "%S": r"(?P<S>\d{1,2})"}


@lru_cache(maxsize=None)
def _pattern(pattern: str) -> re.Pattern | None:
    """A ``strptime`` pattern of digits and separators as a regular expression (reads as ``strptime`` does, at a
    tenth of its cost); None when it holds another directive (``strptime`` itself then)."""
    parts = re.split(r"(%.)", pattern)
    if any(part.startswith("%") and part not in _DIRECTIVES for part in parts):
        return None
    return re.compile("".join(_DIRECTIVES.get(part, re.escape(part)) for part in parts))


def _fields(text: str, pattern: str, what: str) -> dict[str, int] | datetime:
    """The numbers of a date or a time written by ``pattern`` (``strptime`` itself for other directives); a text that
    does not fit is a ``ValueError`` naming the pattern."""
    compiled = _pattern(pattern)
    try:
        if compiled is None:
            return datetime.strptime(text, pattern)
        found = compiled.fullmatch(text)
        if found is None:
            raise ValueError
        return {k: int(v) for k, v in found.groupdict().items()}
    except ValueError:
        raise ValueError(f"«{text}» — не {what} в формате {_human(pattern)}") from None


def _date(text: str, pattern: str) -> date:
    text = text.strip()
    g = _fields(text, pattern, "дата")
    if isinstance(g, datetime):
        return g.date()
    try:
        return date(g["Y"] if "Y" in g else 2000 + g["y"], g["m"], g["d"])
    except (KeyError, ValueError):
        raise ValueError(f"«{text}» — не дата в формате {_human(pattern)}") from None


def _time(text: str, pattern: str) -> time:
    text = text.strip()
    g = _fields(text, pattern, "время")
    if isinstance(g, datetime):
        return g.time()
    try:
        return time(g.get("H", 0), g.get("M", 0), g.get("S", 0))
    except ValueError:
        raise ValueError(f"«{text}» — не время в формате {_human(pattern)}") from None


def _human(pattern: str) -> str:
    return (pattern.replace("%d", "ДД").replace("%m", "ММ").replace("%Y", "ГГГГ").replace("%y", "ГГ")
            .replace("%H", "ЧЧ").replace("%M", "ММ").replace("%S", "СС"))


# --- reading ------------------------------------------------------------------------------------------------------

class _Reader:
    """Collects lines and problems of one file."""

    def __init__(self, file_name: str, profile: Profile, today: date):
        self.file_name, self.profile, self.today = file_name, profile, today
        self.oldest = date(today.year - OLDEST_YEARS, today.month, min(today.day, 28))
        self.problems: list[Problem] = []
        self.lines: list[RegistryLine] = []
        self.seen: dict[str, int] = {}  # a key's first line

    def fail(self, line_no: int | None, what: str | None, reason: str) -> None:
        where = self.file_name if line_no is None else f"{self.file_name}:{line_no}"
        self.problems.append(Problem(f"{where}:{what}" if what else where, reason))

    def line(self, line_no: int, raw: str, values: dict[str, str], tags: dict[str, str],
             readings: tuple[tuple[int, str], ...]) -> None:
        """A payment line from its named values (texts); checked, kept if right."""
        p = self.profile
        out: dict = {}
        ok = True
        for name in REQUIRED:
            if not (values.get(name) or "").strip():
                self.fail(line_no, name, f"нет значения «{LABELS[name]}»")
                ok = False
        for name, parse in (("amount", _money), ("transfer", _money), ("commission", _money),
                            ("date", lambda t: _date(t, p.date_format)), ("time", lambda t: _time(t, p.time_format)),
                            ("period", _period)):
            text = (values.get(name) or "").strip()
            if not text:
                continue
            try:
                out[name] = parse(text)
            except ValueError as exc:
                self.fail(line_no, name, str(exc))
                ok = False
        amount = out.get("amount")
        if amount is not None and amount <= 0:
            self.fail(line_no, "amount", f"сумма платежа {values['amount'].strip()} — должна быть больше нуля "
                                         "(возврат оформляется сторно платежа, не строкой реестра)")
            ok = False
        for name in ("transfer", "commission"):
            if out.get(name) is not None and out[name] < 0:
                self.fail(line_no, name, f"{LABELS[name]} не может быть отрицательной")
                ok = False
        paid_on = out.get("date")
        if paid_on is not None and paid_on > self.today:
            self.fail(line_no, "date", f"дата платежа {paid_on:%d.%m.%Y} позже сегодняшней ({self.today:%d.%m.%Y})")
            ok = False
        elif paid_on is not None and paid_on < self.oldest:
            self.fail(line_no, "date", f"дата платежа {paid_on:%d.%m.%Y} раньше {self.oldest:%d.%m.%Y} — больше "
                                       f"{OLDEST_YEARS} лет назад: реестр принятых платежей так не опаздывает, "
                                       "проверьте год")
            ok = False
        if not ok:
            return
        account = values["account"].strip()
        key = "|".join((tags.get(k) or values.get(k) or "").strip() for k in p.key)
        operation = (tags.get("operation") or values.get("operation") or "").strip()
        identified = "operation" in p.key and bool(operation.strip("0"))  # «0», «000000»: no number
        first = self.seen.get(key)
        if first is not None and identified:  # DOMAIN.md §5.1: the operation's key is its identity
            self.fail(line_no, "operation", f"повторяет строку {first}: та же операция № {operation} (те же "
                                            f"{', '.join(LABELS[k] for k in p.key)}) — одна операция банка не "
                                            "бывает в реестре дважды; запросите у банка исправленный реестр")
            return
        self.seen.setdefault(key, line_no)  # without an operation number equal lines are numbered on import
        self.lines.append(RegistryLine(
            line_no=line_no, raw=raw, account=account, amount=amount, paid_on=paid_on, key=key, identified=identified,
            paid_at=out.get("time"), period=out.get("period"), transfer=out.get("transfer"),
            commission=out.get("commission"),
            **{k: (values.get(k) or "").strip() or None for k in ("branch", "cashier", "operation", "payer",
                                                                  "address")},
            document=tags.get("document"), method=tags.get("method"), readings=readings))


def read_registry(path: Path, profile: Profile, *, today: date, file_name: str | None = None) -> Registry:
    """The registry at ``path`` read by ``profile``: every line checked (see the module's text); any problem and the
    whole file is refused with all of them listed."""
    data = path.read_bytes()
    name = file_name or path.name
    reader = _Reader(name, profile, today)
    footer = None
    if profile.format == "dbf":
        _read_dbf(path, reader)
    else:
        footer = _read_text(data, reader)
    if not reader.problems and not reader.lines:
        reader.fail(None, None, "в реестре нет ни одного платежа")
    if reader.problems:
        raise ValidationFailed(reader.problems, title=f"Реестр {name} не загружен")
    return Registry(name, hashlib.sha256(data).hexdigest(), profile, tuple(reader.lines), footer)


def _read_text(data: bytes, reader: _Reader) -> Footer | None:
    p = reader.profile
    if _utf8_instead(data, p.encoding):
        reader.fail(1, None, f"файл в кодировке UTF-8, а профиль «{p.name}» читает {p.encoding}: прочитанные так "
                             "имена и адреса исказились бы (перекодируйте файл в "
                             f"{p.encoding} или возьмите профиль с кодировкой utf-8)")
        return None
    if data.startswith(BOM) and not _utf8_encoding(p.encoding):  # a UTF-8 mark a tool put before a one-byte text
        data = data[len(BOM):]
    try:
        text = data.decode(p.encoding)
    except UnicodeDecodeError as exc:
        line_no = data[:exc.start].count(b"\n") + 1
        column = exc.start - data.rfind(b"\n", 0, exc.start)
        reader.fail(line_no, None, f"файл не в кодировке {p.encoding}: байт 0x{data[exc.start]:02X} в позиции "
                                   f"{column} (выберите профиль с другой кодировкой или перекодируйте файл)")
        return None
    positions: dict[str, int] = {}
    rows = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")  # not splitlines: a form feed between
    # a DOS registry's pages, or any other control character, would end a line there and shift every line number
    start = 0
    if p.header:
        while start < len(rows) and not rows[start].strip():
            start += 1
        names = [c.strip() for c in _split(rows[start], p)] if start < len(rows) else []
        for key, column in p.fields.items():
            if column in names:
                positions[key] = names.index(column)
            elif key in REQUIRED:
                reader.fail(start + 1, None, f"в заголовке нет столбца «{column}» ({LABELS[key]}); есть: "
                                             f"{', '.join(n for n in names if n)}")
        start += 1
        if reader.problems:
            return None
    else:
        positions = {key: int(number) - 1 for key, number in p.fields.items()}
    needed = max(positions.values(), default=0) + 1
    summary = p.summary
    prefix = summary.get("prefix")
    footer: Footer | None = None
    footer_line = None
    for index in range(start, len(rows)):
        raw = rows[index].rstrip("\r").lstrip("\f\v")  # a page break before a line (the summary's too)
        line_no = index + 1
        if not raw.strip():
            continue
        if prefix and raw.startswith(prefix):
            if footer is not None:
                reader.fail(line_no, None, f"вторая итоговая строка (первая — строка {footer_line})")
                continue
            footer, footer_line = _footer(raw[len(prefix):], line_no, reader), line_no
            continue
        if footer is not None:
            reader.fail(line_no, None, f"строка платежа после итоговой строки {footer_line}")
            continue
        parts = _split(raw, p)
        if len(parts) < needed:
            reader.fail(line_no, None, f"ожидается не меньше {needed} полей через «{p.separator}», в строке "
                                       f"{len(parts)}")
            continue
        if p.header and any(x.strip() for x in parts[len(names):]):
            reader.fail(line_no, None, f"в строке {len(parts)} полей через «{p.separator}», а столбцов в заголовке "
                                       f"{len(names)} (сумма с запятой без кавычек? поле с «{p.separator}» "
                                       "берут в кавычки)")
            continue
        reader.line(line_no, raw, *_values(parts, positions, p))
    if summary.get("required") and footer is None and not reader.problems:
        last = max((n for n, row in enumerate(rows, start=1) if row.strip()), default=1)
        reader.fail(last, None, f"нет итоговой строки («{prefix}…»): реестр обрезан или не того формата")
    if footer is not None and not reader.problems:
        _check_footer(footer, footer_line, reader)
    return footer


def _utf8_instead(data: bytes, encoding: str) -> bool:
    """A file in UTF-8 read by a profile of a one-byte Cyrillic encoding (cp1251, cp866, koi8-r) decodes without an
    error into mojibake («РџРµС‚СЂРѕРІ»): a file with letters beyond ASCII that is valid UTF-8 is UTF-8 — Cyrillic
    text in a one-byte encoding practically never is (its letters are lead bytes without continuation bytes)."""
    if data.startswith(BOM):
        data = data[len(BOM):]
    if _utf8_encoding(encoding) or data.isascii():  # a mark before plain ASCII: nothing to misread
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


BOM = b"\xef\xbb\xbf"


def _utf8_encoding(encoding: str) -> bool:
    return encoding.lower().replace("_", "-") in ("utf-8", "utf8", "utf-8-sig")


def _split(line: str, p: Profile) -> list[str]:
    """A line's fields: a file with a header row is CSV (RFC 4180: a field holding the separator is quoted, «""»
    inside quotes is a quote); the banks' fixed formats are split on the separator as they are."""
    if p.header and len(p.separator) == 1:
        return next(csv.reader([line], delimiter=p.separator), [])
    return line.split(p.separator)


def _values(parts: list[str], positions: dict[str, int], p: Profile
            ) -> tuple[dict[str, str], dict[str, str], tuple[tuple[int, str], ...]]:
    """A payment line's named values (texts), its tags by the field they give, and its meter readings."""
    tags, readings, plain = _tagged(parts, p)
    values = {key: parts[pos] for key, pos in positions.items()}
    for key, tag in p.tags.items():
        if key in FIELDS and tag in tags:
            values[key] = tags[tag]
    if p.date_anywhere and not values.get("date"):
        values["date"] = next((v for v in plain if _is_date(v, p.date_format)), "")
    return values, {k: tags[t] for k, t in p.tags.items() if t in tags and k != "readings"}, readings


def read_line(raw: str, profile: Profile, *, line_no: int, paid_on: date) -> RegistryLine | None:
    """A payment line read again from its raw text as the import read it — a suspense line's, when a person resolves
    it to an account: the commission the bank kept of it and the period the payer named go with the payment made of
    it. None where one line cannot be read alone (a file with a header row, a DBF) or does not read so any more."""
    if profile.format != "text" or profile.header:
        return None
    parts = _split(raw, profile)
    positions = {key: int(number) - 1 for key, number in profile.fields.items()}
    if len(parts) < max(positions.values(), default=0) + 1:
        return None
    reader = _Reader("", profile, paid_on)
    reader.line(line_no, raw, *_values(parts, positions, profile))
    return reader.lines[0] if reader.lines else None


def line_readings(raw: str, profile: Profile) -> tuple[tuple[int, str], ...]:
    """The meter readings a registry line carries (``CounterVal_N``), read again from its raw text — a suspense
    line's, when a person resolves it to an account."""
    return _tagged(_split(raw, profile), profile)[1]


def _tagged(parts: list[str], p: Profile) -> tuple[dict[str, str], tuple[tuple[int, str], ...], list[str]]:
    """``KEY:value`` fields of a line (the profile's tags), the meter readings among them, the other fields."""
    if not p.tags:
        return {}, (), parts
    prefix = p.tags.get("readings")
    tags, readings, plain = {}, [], []
    for part in parts:
        key, colon, value = part.partition(":")
        key = key.strip()
        if colon and prefix and key.startswith(prefix) and key[len(prefix):].isdigit():
            if value.strip():
                readings.append((int(key[len(prefix):]), value.strip()))
        elif colon and key in p.tags.values():
            tags[key] = value.strip()
        else:
            plain.append(part)
    return tags, tuple(sorted(readings)), plain


def _is_date(text: str, pattern: str) -> bool:
    try:
        _date(text, pattern)
        return True
    except ValueError:
        return False


def _footer(text: str, line_no: int, reader: _Reader) -> Footer:
    parts = text.split(reader.profile.separator)
    values: dict = {}
    for name in SUMMARY_FIELDS:
        number = reader.profile.summary.get(name)
        if number is None:
            continue
        if number > len(parts) or not parts[number - 1].strip():
            if name in ("count", "amount"):
                reader.fail(line_no, name, f"в итоговой строке нет поля «{LABELS[name]}» (поле {number})")
            continue
        value = parts[number - 1].strip()
        try:
            if name == "count":
                if not value.isdigit():
                    raise ValueError(f"«{value}» — не число")
                values[name] = int(value)
            elif name in ("amount", "transfer", "commission"):
                values[name] = _money(value)
            elif name == "order_date":
                values[name] = _date(value, reader.profile.date_format)
            else:
                values[name] = value
        except ValueError as exc:
            reader.fail(line_no, name, str(exc))
    return Footer(**values)


def _check_footer(footer: Footer, line_no: int, reader: _Reader) -> None:
    """Σ lines = the footer's totals (DOMAIN.md §5.1)."""
    lines = reader.lines
    for name, found in (("count", len(lines)), ("amount", sum(x.amount for x in lines)),
                        ("transfer", sum(x.transfer or 0 for x in lines)),
                        ("commission", sum(x.commission or 0 for x in lines))):
        stated = getattr(footer, name)
        if stated is None or stated == found:
            continue
        if name == "count":
            reader.fail(line_no, name, f"в итоговой строке {stated} платежей, в реестре {found}")
        else:
            reader.fail(line_no, name, f"итог «{LABELS[name]}» {format_rub_ru(stated)}, а сумма строк "
                                       f"{format_rub_ru(found)} (расхождение {format_rub_ru(found - stated)})")


def _read_dbf(path: Path, reader: _Reader) -> None:
    """A dBase registry (``dbfread``): numbers read as ``Decimal`` (never float), fields by name, a record's number
    as its line."""
    from dbfread import DBF, FieldParser
    from dbfread.exceptions import DBFNotFound

    class _DecimalParser(FieldParser):
        def parseN(self, field, data):  # numbers as written, not float
            text = data.strip().strip(b"*").decode("ascii", "replace")
            return text or None

        parseF = parseN

    p = reader.profile
    try:
        table = DBF(str(path), encoding=p.encoding, parserclass=_DecimalParser, char_decode_errors="strict",
                    ignore_missing_memofile=True)
        names = {n.upper(): n for n in table.field_names}
        missing = [f"«{col}» ({LABELS[key]})" for key, col in p.fields.items()
                   if key in REQUIRED and col.upper() not in names]
        if missing:
            reader.fail(None, None, f"в DBF нет полей {', '.join(missing)}; есть: {', '.join(table.field_names)}")
            return
        header = table.header  # a DBF has no summary line: its header's count of records is the only check
        whole = (path.stat().st_size - header.headerlen) // header.recordlen if header.recordlen else 0
        if whole < header.numrecords:
            reader.fail(None, None, f"файл обрезан: в заголовке DBF {header.numrecords} записей, целиком в файле "
                                    f"{max(whole, 0)} (файл передан не полностью?)")
            return
        for number, record in enumerate(table, start=1):
            values = {}
            for key, col in p.fields.items():
                value = record.get(names.get(col.upper(), ""), None)
                if isinstance(value, date):
                    value = value.strftime(p.date_format)
                values[key] = "" if value is None else str(value)
            reader.line(number, "; ".join(f"{k}={v}" for k, v in record.items()), values, {}, ())
    except (DBFNotFound, ValueError, UnicodeDecodeError, struct.error, EOFError) as exc:
        reader.fail(None, None, f"файл не читается как DBF: {exc}")
