"""Reading an exchange document member by member and its arrays element by element, in bounded memory.

A document of a whole city is about a gigabyte of JSON; parsed at once it takes ten times that. So a file is read
as a stream: the top-level object by hand (its keys, colons and commas), every value — and every element of an
array — by the standard library's C scanner (``json.JSONDecoder.raw_decode``) on a window of decoded text that
moves along the file. What a person is told about a broken file stays what ``json.loads`` would tell: the same
reasons at the same ``file:line:column``; a key repeated inside one object, and nesting too deep for a document, are
refused as before.

The reader remembers where each top-level array starts (its byte offset), so an import reads the file twice: once
in the file's order to check it (``members``), then each array again in the order the database needs
(``elements``), however the arrays were ordered in the file.
"""
from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO, Callable

from bcenter.core.errors import Problem, ValidationFailed

TITLE = "Документ не импортирован"
CHUNK = 1 << 20
"""Bytes read at a time."""
LOOKAHEAD = 1 << 16
"""Characters kept ahead of a value before it is decoded: an element shorter than this is never cut by the window."""
NEAR_END = 16
"""An error this close to the window's end may be the window's (a literal or an escape cut in two): read on."""

_SPACE = re.compile(r"[ \t\n\r]*")
_SEPARATOR = re.compile(r"[ \t\n\r]*(?:(,)[ \t\n\r]*|\])")

_JSON_REASONS = {
    "Expecting value": "ожидается значение",
    "Expecting property name enclosed in double quotes": "имя поля должно быть в двойных кавычках",
    "Expecting ',' delimiter": "пропущена запятая",
    "Expecting ':' delimiter": "пропущено двоеточие",
    "Unterminated string starting at": "незакрытая строка",
    "Extra data": "лишние данные после конца документа",
    "Invalid control character at": "недопустимый управляющий символ",
}


def json_reason(msg: str) -> str:
    """The Russian for one of the json module's messages (the English one when it is not known)."""
    for english, russian in _JSON_REASONS.items():
        if msg.startswith(english):
            return russian
    return msg


def refuse(path: str, reason: str) -> ValidationFailed:
    return ValidationFailed([Problem(path, reason)], title=TITLE)


class NotJsonNumber(ValueError):
    """A number JSON does not have (``NaN``, ``Infinity``, which Python's decoder accepts) or one no float holds
    (``1e400`` would become infinity): stored, it would be written back as text no strict reader takes."""


def _constant(text: str):
    raise NotJsonNumber(f"«{text}» — не число JSON")


def _finite(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):  # float-ok: an ``extra`` number, never money
        raise NotJsonNumber(f"число {text[:20]}{'…' if len(text) > 20 else ''} вне допустимого диапазона")
    return value


class Array:
    """A top-level array met while reading: iterate it for its elements (once, in place)."""

    def __init__(self, reader: "JsonReader", key: str):
        self.key = key
        self.elements = reader._elements(key)

    def __iter__(self) -> Iterator[Any]:
        return self.elements


class JsonReader:
    """One pass over a JSON file whose top level is an object.

    ``members()`` yields ``(key, value)`` in the file's order; the value of a key whose value is an array is an
    :class:`Array` to iterate before the next member (its elements are decoded one at a time). Every other value is
    decoded whole. ``object_pairs_hook``: what builds each JSON object (the repeated-key check of the first pass);
    a key repeated at the top level goes to ``duplicates`` too, as ``(where, reason)``; ``element`` names what is
    being decoded («readings[12]», «organization»). Syntax errors raise ``ValidationFailed`` naming
    ``file:line:column``, and so do ``NaN``, ``Infinity``, a number beyond a float (``1e400``) and an integer of
    more than 4 300 digits — never stored, never a traceback.
    """

    def __init__(self, path: Path, handle: BinaryIO, *, offset: int = 0,
                 object_pairs_hook: Callable[[list], Any] | None = None,
                 duplicates: list[tuple[str, str]] | None = None):
        self.path = path
        self.duplicates = duplicates if duplicates is not None else []
        self.handle = handle
        self.decoder = json.JSONDecoder(object_pairs_hook=object_pairs_hook, parse_constant=_constant,
                                        parse_float=_finite)
        self.element = ""  # where the element being decoded stands ("readings[12]"): named by a repeated key
        handle.seek(offset)
        self._utf8 = codecs.getincrementaldecoder("utf-8")()
        self.buf = ""
        self.pos = 0
        self.eof = False
        self.buf_byte = offset   # the byte offset of buf[0]
        self.read_bytes = offset  # bytes handed to the UTF-8 decoder
        self.buf_line = 1        # the line and 0-based column of buf[0]
        self.buf_col = 0
        self.offsets: dict[str, int] = {}  # top-level array → the byte offset of its "["
        if offset == 0:
            start = handle.read(3)
            if start == codecs.BOM_UTF8:
                self.buf_byte = self.read_bytes = 3
            else:
                handle.seek(0)

    # --- the window ---------------------------------------------------------------------------------
    def _more(self) -> bool:
        """Read one more chunk into the window; False at the end of the file."""
        if self.eof:
            return False
        raw = self.handle.read(CHUNK)
        try:
            self.buf += self._utf8.decode(raw, final=not raw)
        except UnicodeDecodeError as exc:
            raise refuse(f"{self.path}:байт {self.read_bytes + exc.start}", "файл не в кодировке UTF-8") from None
        self.read_bytes += len(raw)
        if not raw:
            self.eof = True
        return True

    def _ensure(self, n: int) -> None:
        """At least ``n`` characters after ``pos`` in the window, or the end of the file; consumed text dropped."""
        if self.pos > CHUNK:
            done = self.buf[:self.pos]
            self.buf_byte += len(done.encode("utf-8", "surrogatepass"))
            lines = done.count("\n")
            if lines:
                self.buf_line += lines
                self.buf_col = len(done) - done.rfind("\n") - 1
            else:
                self.buf_col += len(done)
            self.buf = self.buf[self.pos:]
            self.pos = 0
        while len(self.buf) - self.pos < n and self._more():
            pass

    def _byte_at(self, pos: int) -> int:
        return self.buf_byte + len(self.buf[:pos].encode("utf-8", "surrogatepass"))

    def _where(self, pos: int) -> str:
        before = self.buf[:pos]
        lines = before.count("\n")
        if lines:
            return f"{self.path}:{self.buf_line + lines}:{pos - before.rfind(chr(10))}"
        return f"{self.path}:{self.buf_line}:{self.buf_col + pos + 1}"

    def _error(self, msg: str, pos: int) -> ValidationFailed:
        return refuse(self._where(pos), f"ошибка JSON: {json_reason(msg)}")

    def _skip_space(self) -> str:
        """The next character that is not JSON whitespace ("" at the end of the file)."""
        while True:
            self._ensure(1)
            self.pos = _SPACE.match(self.buf, self.pos).end()
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if self.eof:
                return ""

    def _value(self) -> Any:
        """Decode the value at ``pos`` (the window grows when the value is cut by its end)."""
        want = LOOKAHEAD
        while True:
            self._ensure(want)
            try:
                value, end = self.decoder.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as exc:
                cut = exc.msg.startswith("Unterminated string") or exc.pos >= len(self.buf) - NEAR_END
                if cut and not self.eof:
                    want = 2 * max(want, len(self.buf) - self.pos)
                    continue
                raise self._error(exc.msg, exc.pos) from None
            except RecursionError:
                raise refuse(str(self.path), "слишком глубокая вложенность JSON: это не документ обмена") from None
            except NotJsonNumber as exc:
                raise refuse(self._where(self.pos), f"ошибка JSON в значении, которое начинается здесь: {exc}") \
                    from None
            except ValueError:  # an integer of more digits than Python converts (4 300)
                raise refuse(self._where(self.pos), "ошибка JSON в значении, которое начинается здесь: слишком "
                                                    "длинное число") from None
            if end >= len(self.buf) and not self.eof:  # a number may go on in the next chunk
                want = 2 * max(want, len(self.buf) - self.pos)
                continue
            self.pos = end
            return value

    # --- the document --------------------------------------------------------------------------------
    def members(self) -> Iterator[tuple[str, Any]]:
        """The top-level object's members in the file's order (a top level that is not an object: one member
        ``(None, value)``)."""
        first = self._skip_space()
        if first != "{":
            if first == "":
                raise self._error("Expecting value", self.pos)
            value = self._value()
            self._end()
            yield None, value
            return
        self.pos += 1
        seen: set[str] = set()
        ch = self._skip_space()
        if ch == "}":
            self.pos += 1
        else:
            while True:
                if ch != '"':
                    raise self._error("Expecting property name enclosed in double quotes", self.pos)
                key = self._value()
                if key in seen:
                    self.duplicates.append(("(документ)", f"ключ «{key}» повторяется в одном объекте"))
                seen.add(key)
                if self._skip_space() != ":":
                    raise self._error("Expecting ':' delimiter", self.pos)
                self.pos += 1
                if self._skip_space() == "[":
                    self.offsets.setdefault(key, self._byte_at(self.pos))
                    array = Array(self, key)
                    yield key, array
                    for _ in array.elements:  # what the caller left unread
                        pass
                else:
                    self.element = key
                    yield key, self._value()
                if self._closed("}"):
                    break
                ch = self._skip_space()
        self._end()

    def _closed(self, closing: str) -> bool:
        """After a member or an element: True at the closing bracket, False at a comma (either passed)."""
        ch = self._skip_space()
        if ch == "":
            raise refuse(self._where(self.pos), "ошибка JSON: файл обрывается — " +
                         ("массив не закрыт («]»)" if closing == "]" else "документ не закрыт («}»)"))
        if ch != closing and ch != ",":
            raise self._error("Expecting ',' delimiter", self.pos)
        self.pos += 1
        return ch == closing

    def _end(self) -> None:
        if self._skip_space() != "":
            raise self._error("Extra data", self.pos)

    def _elements(self, key: str) -> Iterator[Any]:
        """The elements of the array whose "[" is at ``pos``; leaves ``pos`` after its "]".

        The common case — an element and its comma well inside the window — goes straight to the C scanner; near
        the window's end, and on any error, the careful way (``_value``, ``_skip_space``) takes over."""
        self.pos += 1
        if self._skip_space() == "]":
            self.pos += 1
            return
        scan, separator = self.decoder.scan_once, _SEPARATOR.match
        index = -1
        while True:
            index += 1
            self.element = f"{key}[{index}]"
            buf, pos = self.buf, self.pos
            end = -1
            if len(buf) - pos >= LOOKAHEAD:
                try:
                    value, end = scan(buf, pos)
                except (StopIteration, ValueError, RecursionError):
                    end = -1
            if end < 0 or end >= len(buf):
                value = self._value()
                buf, end = self.buf, self.pos
            yield value
            found = separator(buf, end)
            if found is not None and found.end() < len(buf):
                self.pos = found.end()
                if found.group(1) is None:  # "]"
                    return
                continue
            self.pos = end
            if self._closed("]"):
                return
            self._skip_space()

    def array_at(self, key: str) -> Iterator[Any]:
        """The elements of a top-level array of a file already read once (``offsets`` from that reading)."""
        if self._skip_space() != "[":
            raise refuse(f"{self.path}:{key}", "файл изменился во время импорта")
        return self._elements(key)


def _object(pairs: list[tuple[str, Any]], duplicates: list[tuple[str, str]], reader: JsonReader) -> dict:
    """A JSON object whose keys must not repeat (json keeps the last silently: one of two amounts would vanish);
    a repetition is named by the element it is in (``reader.element``: «readings[12]») and the object's id."""
    out: dict = {}
    for key, value in pairs:
        if key in out:
            where = f" (объект с id «{out['id']}»)" if isinstance(out.get("id"), str) else ""
            duplicates.append((reader.element or "(документ)", f"ключ «{key}» повторяется в одном объекте{where}"))
        out[key] = value
    return out


class DictDocument:
    """A document already in memory (tests, the demo town): the same two readings as a file's."""

    def __init__(self, doc: Any):
        self.doc = doc

    def members(self) -> Iterator[tuple[str | None, Any]]:
        if not isinstance(self.doc, dict):
            yield None, self.doc
            return
        yield from self.doc.items()

    def array(self, key: str) -> Iterator[Any]:
        return iter(self.doc[key])


class FileDocument:
    """A JSON file read as a stream: ``members()`` once in the file's order (syntax and repeated keys checked,
    where each array starts noted), then ``array(key)`` as often as needed."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self.offsets: dict[str, int] = {}
        self.repeated_keys: list[Problem] = []  # keys repeated inside one object, found by ``members()``

    def _open(self) -> BinaryIO:
        try:
            return open(self.path, "rb")
        except OSError as exc:
            raise refuse(str(self.path), f"файл не прочитан: {exc.strerror or exc}") from None

    def members(self) -> Iterator[tuple[str | None, Any]]:
        """The members in the file's order; a key repeated inside an object is kept in ``repeated_keys`` (the
        first reading reports it with everything else it finds)."""
        duplicates: list[tuple[str, str]] = []
        with self._open() as handle:
            reader = JsonReader(self.path, handle, duplicates=duplicates)
            reader.decoder = json.JSONDecoder(object_pairs_hook=lambda pairs: _object(pairs, duplicates, reader),
                                              parse_constant=_constant, parse_float=_finite)
            yield from reader.members()
            self.offsets = reader.offsets
        self.repeated_keys = [Problem(path, reason) for path, reason in dict.fromkeys(duplicates)]

    def array(self, key: str) -> Iterator[Any]:
        with self._open() as handle:
            yield from JsonReader(self.path, handle, offset=self.offsets[key]).array_at(key)


__all__ = ["DictDocument", "FileDocument", "JsonReader", "json_reason", "refuse"]
