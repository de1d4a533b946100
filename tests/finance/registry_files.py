"""Registry files as banks send them, written for tests: the ``sber`` text layout, ``sber_tagged``, CSV and DBF."""
from __future__ import annotations

import struct
from datetime import date
from pathlib import Path


def sber(path: Path, lines: list[tuple], *, footer: tuple | None = None, order: str = "777",
         encoding: str = "cp1251", period: str = "1126") -> Path:
    """``lines``: (day, account, rubles text, commission text[, operation]); the footer from the lines unless
    given. A line's time is its place in the file, or its operation's number when one is named; ``period``: the
    month the payers named (MMYY)."""
    rows, total, transfer, commission = [], 0, 0, 0
    for n, (day, account, amount, fee, *rest) in enumerate(lines, start=1):
        operation = rest[0] if rest else f"{n:06d}"
        minute = int(operation) % 60 if rest else n % 60  # a named operation is the same line in every file
        kop, fee_kop = _kop(amount), _kop(fee)
        total, commission, transfer = total + kop, commission + fee_kop, transfer + kop - fee_kop
        rows.append(f"{day:%d-%m-%Y};10-{minute:02d}-00;8607;0123;{operation};{account};ИВАНОВА М. П.;"
                    f"г. Демо, ул. Ленина, д. 1, кв. {n};{period};{amount};{_rub(kop - fee_kop)};{fee}")
    count, t, tr, c = footer if footer is not None else (len(lines), _rub(total), _rub(transfer), _rub(commission))
    rows.append(f"={count};{t};{tr};{c};{order};{lines[0][0]:%d-%m-%Y}")
    path.write_bytes(("\r\n".join(rows) + "\r\n").encode(encoding))
    return path


def tagged(path: Path, lines: list[tuple]) -> Path:
    """``lines``: (day, account, rubles text, readings dict)."""
    rows = []
    for n, (day, account, amount, readings) in enumerate(lines, start=1):
        meters = ";".join(f"CounterVal_{k}:{v}" for k, v in readings.items())
        rows.append(f"8607;0123;{n:07d};ЖКУ;{amount};0.00;{day:%d/%m/%Y};CLIENTNO:{account};CLIENTDOCNO:{account}-1126;"
                    f"method_pay:card" + (f";{meters}" if meters else ""))
    path.write_bytes(("\n".join(rows) + "\n").encode("cp1251"))
    return path


def csv(path: Path, lines: list[tuple]) -> Path:
    rows = ["Дата,ЛС,Сумма,Период,Номер операции,ФИО,Комиссия"]
    rows += [f"{day.isoformat()},{account},{amount},2026-11,{n},Иванов,0" for n, (day, account, amount) in
             enumerate(lines, start=1)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def dbf(path: Path, lines: list[tuple]) -> Path:
    """A dBase III file: LIC C(12), SUM N(12,2), DPAY D, NDOC C(10)."""
    fields = [("LIC", "C", 12, 0), ("SUM", "N", 12, 2), ("DPAY", "D", 8, 0), ("NDOC", "C", 10, 0)]
    record_len = 1 + sum(f[2] for f in fields)
    header_len = 32 + 32 * len(fields) + 1
    out = bytearray(struct.pack("<BBBBIHH20x", 3, 126, 12, 5, len(lines), header_len, record_len))
    for name, kind, size, decimals in fields:
        out += struct.pack("<11sc4xBB14x", name.encode(), kind.encode(), size, decimals)
    out += b"\r"
    for n, (day, account, amount) in enumerate(lines, start=1):
        out += b" " + account.encode().ljust(12) + amount.encode().rjust(12) + day.strftime("%Y%m%d").encode() \
            + str(n).encode().ljust(10)
    out += b"\x1a"
    path.write_bytes(bytes(out))
    return path


def _kop(text: str) -> int:
    whole, _, frac = text.replace(" ", "").replace(",", ".").partition(".")
    return int(whole) * 100 + int((frac + "00")[:2])


def _rub(kop: int) -> str:
    return f"{kop // 100}.{kop % 100:02d}"


DAY = date(2026, 12, 4)
