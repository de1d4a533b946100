"""A Штрих-М fiscal register, byte for byte (DRIVERS.md §2.2): the link (ENQ / ACK / NAK, frames with LRC, an answer
held until the host ACKs it) and the commands a cash desk uses — short status, open shift, ФД operations (FF46 with
its FF4D tags, FF0C tags on the receipt, FF45 close), annul, X and Z reports, the ФН's status and a document found
by its number. Every fiscal document goes into ``documents`` (what the tests read: the ФД number, the fiscal sign,
items with their tags, payments).

Faults (set the counters; each is spent as it fires): ``nak_frames`` — refuse that many good frames with NAK;
``corrupt_answers`` — send that many answers with a wrong LRC (a NAK from the host gets the true one);
``lose_answers`` — execute the command but send nothing (the answer waits for the host's ENQ); ``lose_acks`` —
execute it and answer, but the ACK of its frame is lost; ``noise_before_ack`` — bytes before that ACK; ``silent`` — answer
nothing at all; ``hangup_after`` — drop the line after so many more answer bytes; ``garbage`` — bytes sent before the
next answer; ``paper`` — False: out of paper.

Error codes (the ФР's table; the names the ФР's documentation gives): 0x3C shift open, 0x3D shift not open, 0x45
payments below the receipt's total, 0x4A a receipt is open, 0x4E the shift is over 24 hours, 0x4F wrong password,
0x55 no receipt open, 0x6B no receipt paper, 0x37 command not supported, 0x33 wrong parameters, 0x05 no such data
[verify the codes against the firmware's table on the real register].
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from drivers.codecs import shtrih
from drivers.codecs.shtrih import ACK, ENQ, NAK, STX
from drivers.errors import FrameError
from drivers.sim import line_out

SHIFT_OPEN, SHIFT_OVER_24H, SHIFT_CLOSED, DOCUMENT_OPEN = 2, 3, 4, 8
ADMIN_PASSWORDS = (29, 30)
OPERATOR_PASSWORDS = tuple(range(1, 31))
DOC_OPEN_SHIFT, DOC_RECEIPT, DOC_CLOSE_SHIFT = 2, 3, 5  # ФФД document types


@dataclass
class Item:
    operation: int
    quantity: int
    price: int
    amount: int
    vat: int
    method: int
    subject: int
    name: str
    tags: list[bytes] = field(default_factory=list)


@dataclass
class Document:
    number: int
    kind: int
    at: datetime
    sign: int
    operation: int = 0
    total: int = 0
    items: list[Item] = field(default_factory=list)
    tags: list[bytes] = field(default_factory=list)
    payments: tuple[int, ...] = ()
    change: int = 0
    tax_system: int = 0
    shift: int = 0


class ShtrihModel:
    """The register's state and its answers (module doc)."""

    def __init__(self, *, now: Callable[[], datetime] | None = None, fn_serial: str = "9999078900012345",
                 first_document: int = 100) -> None:
        self.now = now or datetime.now
        self.fn_serial = fn_serial
        self.last_document = first_document
        self.documents: list[Document] = []
        self.shift = 0
        self.shift_opened: datetime | None = None
        self.receipt: Document | None = None
        self.pending_tags: list[bytes] = []
        self.cash = 0  # money in the drawer, kopecks
        self.paper = True
        self.nak_frames = self.corrupt_answers = self.lose_answers = self.lose_acks = 0
        self.noise_before_ack = b""
        self.silent = False
        self.hangup_after: int | None = None
        self.garbage = b""
        self.received: list[bytes] = []  # every good frame's message, in order (the tests compare with vectors)
        self._in = bytearray()
        self._pending: bytes | None = None

    # --- the link -----------------------------------------------------------------------------------------
    def feed(self, data: bytes) -> bytes:
        if self.silent:
            return b""
        self._in += data
        out = bytearray()
        while self._in:
            byte = self._in[0]
            if byte == ENQ:
                del self._in[0]
                out += bytes((NAK,)) if self._pending is None else bytes((ACK,)) + self._pending
            elif byte == ACK:
                del self._in[0]
                self._pending = None
            elif byte == NAK:
                del self._in[0]
                if self._pending is not None:
                    out += self._pending
            elif byte == STX:
                if len(self._in) < 2 or len(self._in) < self._in[1] + 3:
                    break  # the rest of the frame is still on its way
                frame = bytes(self._in[:self._in[1] + 3])
                del self._in[:len(frame)]
                try:
                    message = shtrih.unframe(frame)
                except FrameError:
                    out.append(NAK)
                    continue
                if self.nak_frames:
                    self.nak_frames -= 1
                    out.append(NAK)
                    continue
                self.received.append(message)
                answer = shtrih.frame(self._execute(message))
                self._pending = answer
                out += self.noise_before_ack
                self.noise_before_ack = b""
                if self.lose_acks:
                    self.lose_acks -= 1
                else:
                    out.append(ACK)
                if self.lose_answers:
                    self.lose_answers -= 1
                    continue
                out += self.garbage
                self.garbage = b""
                if self.corrupt_answers:
                    self.corrupt_answers -= 1
                    answer = answer[:-1] + bytes((answer[-1] ^ 0xFF,))
                out += answer
            else:
                del self._in[0]  # line noise: the register waits for STX or ENQ
        return line_out(self, out)

    # --- the commands -------------------------------------------------------------------------------------
    def _execute(self, message: bytes) -> bytes:
        size = 2 if message[:1] == b"\xff" else 1
        code = int.from_bytes(message[:size], "big")
        head = message[:size]
        if len(message) < size + 4:
            return head + bytes((0x33,))
        password = shtrih.number(message[size:size + 4])
        data = message[size + 4:]
        handler = self._COMMANDS.get(code)
        if handler is None:
            return head + bytes((0x37,))
        admin = code in (0x40, 0x41, 0xFF01, 0xFF0A)
        if password not in (ADMIN_PASSWORDS if admin else OPERATOR_PASSWORDS):
            return head + bytes((0x4F,))
        error, answer = handler(self, data)
        return head + bytes((error,)) + (answer if error == 0 else b"")

    @property
    def mode(self) -> int:
        if self.receipt is not None:
            return DOCUMENT_OPEN
        if self.shift_opened is None:
            return SHIFT_CLOSED
        return SHIFT_OVER_24H if self.now() - self.shift_opened > timedelta(hours=24) else SHIFT_OPEN

    def _document(self, kind: int, **values) -> Document:
        self.last_document += 1
        at = self.now()
        sign = int.from_bytes(hashlib.sha256(f"{self.fn_serial}:{self.last_document}:{at}".encode()).digest()[:4],
                              "little")
        doc = Document(number=self.last_document, kind=kind, at=at, sign=sign, shift=self.shift, **values)
        self.documents.append(doc)
        return doc

    def _short_status(self, data: bytes):
        submode = 0 if self.paper else 1
        return 0, bytes((30,)) + bytes(2) + bytes((self.mode, submode)) + bytes(11)

    def _open_shift(self, data: bytes):
        if self.shift_opened is not None:
            return 0x3C, b""
        if not self.paper:
            return 0x6B, b""
        self.shift += 1
        self.shift_opened = self.now()
        self._document(DOC_OPEN_SHIFT, tags=self.pending_tags)
        self.pending_tags = []
        return 0, bytes((30,))

    def _tags(self, data: bytes):
        (self.receipt.tags if self.receipt is not None else self.pending_tags).append(bytes(data))
        return 0, b""

    def _operation(self, data: bytes):
        if len(data) < 1 + 6 + 5 + 5 + 5 + 1 + 1 + 1 + 1:
            return 0x33, b""
        if self.shift_opened is None:
            return 0x3D, b""
        if self.mode == SHIFT_OVER_24H:
            return 0x4E, b""
        if not self.paper:
            return 0x6B, b""
        operation, quantity = data[0], shtrih.number(data[1:7])
        price, amount = shtrih.number(data[7:12]), data[12:17]
        vat, method, subject = data[22], data[24], data[25]
        name = data[26:].rstrip(b"\0").decode("cp1251", errors="replace")
        total = price * quantity // 1_000_000 if amount == b"\xff" * 5 else shtrih.number(amount)
        if self.receipt is None:
            self.receipt = Document(number=0, kind=DOC_RECEIPT, at=self.now(), sign=0, operation=operation,
                                    tags=self.pending_tags)
            self.pending_tags = []
        elif self.receipt.operation != operation:
            return 0x49, b""
        self.receipt.items.append(Item(operation, quantity, price, total, vat, method, subject, name))
        return 0, b""

    def _item_tags(self, data: bytes):
        if self.receipt is None or not self.receipt.items:
            return 0x55, b""
        self.receipt.items[-1].tags.append(bytes(data))
        return 0, b""

    def _close(self, data: bytes):
        if self.receipt is None:
            return 0x55, b""
        if len(data) < 16 * 5 + 1 + 6 * 5 + 1 or data[80] > 99:
            return 0x33, b""
        payments = tuple(shtrih.number(data[i * 5:i * 5 + 5]) for i in range(16))
        total = sum(item.amount for item in self.receipt.items)
        if sum(payments) < total:
            return 0x45, b""
        if sum(payments[1:]) > total:
            return 0x4D, b""
        change = sum(payments) - total
        receipt, self.receipt = self.receipt, None
        doc = self._document(DOC_RECEIPT, operation=receipt.operation, total=total, items=receipt.items,
                             tags=receipt.tags, payments=payments, change=change, tax_system=data[111])
        self.cash += payments[0] - change if receipt.operation == 1 else -(payments[0] - change)
        return 0, shtrih.money(change) + doc.number.to_bytes(4, "little") + doc.sign.to_bytes(4, "little")

    def _annul(self, data: bytes):
        if self.receipt is None:
            return 0x55, b""
        self.receipt = None
        return 0, bytes((30,))

    def _x_report(self, data: bytes):
        if self.receipt is not None:
            return 0x4A, b""
        if not self.paper:
            return 0x6B, b""
        return 0, bytes((30,))

    def _z_report(self, data: bytes):
        if self.receipt is not None:
            return 0x4A, b""
        if self.shift_opened is None:
            return 0x3D, b""
        if not self.paper:
            return 0x6B, b""
        self._document(DOC_CLOSE_SHIFT)
        self.shift_opened = None
        return 0, bytes((30,))

    def _fn_status(self, data: bytes):
        now = self.now()
        return 0, (bytes((3, 1 if self.receipt else 0, 0, 0 if self.shift_opened is None else 1, 0))
                   + bytes((now.year % 100, now.month, now.day, now.hour, now.minute))
                   + self.fn_serial.encode("ascii") + self.last_document.to_bytes(4, "little"))

    def _find_document(self, data: bytes):
        if len(data) < 4:
            return 0x33, b""
        number = shtrih.number(data[:4])
        doc = next((d for d in self.documents if d.number == number), None)
        if doc is None:
            return 0x05, b""
        at = bytes((doc.at.year % 100, doc.at.month, doc.at.day, doc.at.hour, doc.at.minute))
        out = bytes((doc.kind, 0)) + at + doc.number.to_bytes(4, "little") + doc.sign.to_bytes(4, "little")
        if doc.kind == DOC_RECEIPT:
            out += bytes((doc.operation,)) + shtrih.money(doc.total)
        return 0, out

    _COMMANDS = {0x10: _short_status, 0xE0: _open_shift, 0xFF0C: _tags, 0xFF46: _operation, 0xFF4D: _item_tags,
                 0xFF45: _close, 0x88: _annul, 0x40: _x_report, 0x41: _z_report, 0xFF01: _fn_status,
                 0xFF0A: _find_document}
