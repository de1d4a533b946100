"""Drawing bills with reportlab: the примерная форма ЕПД of Приказ Минстроя 43/пр (DOMAIN.md §4.2) on A4.

Sections, top to bottom: header (kind, period, document id); Раздел 1 — payer and executor; Раздел 2 — a payment
block per recipient with its bank details, debt or advance at the start, payments, charges, penalties, «к оплате»
and its ГОСТ Р 56042 QR code, then the bill's total in figures and words; Раздел 3 — the calculation table
(service, unit, volume individual / common property, method, tariff, charged, coefficient and excess,
recalculations, benefits, total); Раздел 4 — reference (norms, readings, house totals); Раздел 5 — recalculations
with their reasons; «Неустойки» — penalties per recipient. Debt bills draw arrears by period instead of Раздел 3–5,
advance bills the months paid ahead. Раздел 6 (рассрочка) is left out: nothing grants instalments yet.

Layout is a flow of blocks kept whole (a table may break between rows, its header repeated on the next page); a
block that does not fit the rest of the page starts the next one. Every page names the account, so a batch PDF can
be cut and checked.

The QR symbol is a 1-bit image mask, one bit per module, scaled without interpolation: sharp squares at any
resolution (``Renderer(qr=False)`` leaves the codes out: the bench's baseline).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from reportlab import rl_config
from reportlab.lib.pagesizes import A4
from reportlab.lib.rl_accel import asciiBase85Encode
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from bcenter.modules.bills import fonts, qr_image
from bcenter.modules.bills.model import KIND_TITLES, Bill, Recipient
from bcenter.modules.bills.words import rub_in_words

PAGE_W, PAGE_H = A4
MARGIN = 10 * mm
WIDTH = PAGE_W - 2 * MARGIN
QR_SIDE = 35 * mm
"""The payment code's side with its quiet zone: a lean payload's modules are ≥ 0.39 mm, read by zxing at 100 dpi and
by zbar at 150 (31 mm read 30 of 180 codes of a demo house at 100 dpi; 35 mm all 180 — issue 13)."""
CELL_H = 37 * mm
"""A recipient's payment cell: the code, its caption below, the details and amounts beside."""
MIN_MODULE = 0.33 * mm
"""The smallest module a phone's camera reads off paper reliably (issue 13: 0.31 mm ones failed at 100 dpi)."""
LINE = 2.75 * mm
DETAIL_LINE = 2.4 * mm  # a recipient's details, 6 pt
NBSP = "\u00a0"
rl_config.useA85 = 0  # binary streams: ASCII85 only makes files bigger (and was a third of the writing time)


def rub(kop: int) -> str:
    """«1 234,56» (thousands by NO-BREAK SPACE, minus as U+2212)."""
    rubles, kopecks = divmod(abs(kop), 100)
    return f"{'−' if kop < 0 else ''}{rubles:,}".replace(",", NBSP) + f",{kopecks:02d}"


@dataclass(frozen=True)
class _Cell:
    """A recipient's payment cell laid out: its code, the text beside it, the height it needs."""

    recipient: Recipient
    symbol: tuple[int, bytes] | None
    side: float
    width: float
    name: list[str]
    details: list[str]
    amounts: list[tuple[str, str]]
    height: float


@dataclass
class Block:
    height: float
    draw: Callable[[Canvas, float], None]   # draws with its top at y
    repeat: Block | None = None              # drawn first when this block starts a new page (a table's header)


class Renderer:
    """Draws bills onto a canvas. One per process: fonts registered once, measurements cached."""

    def __init__(self, *, qr: bool = True):
        self.regular, self.bold = fonts.register()
        self.qr = qr
        self._wrapped: dict[tuple, list[str]] = {}
        self._words = None  # the page's text object: every string of a page in one (``text``, ``_page_done``)
        self._font: tuple[str, float] | None = None

    # --- documents --------------------------------------------------------------------------------
    def new_canvas(self, target) -> Canvas:
        """A canvas writing to a path or a binary file; ``invariant`` so a reprint is byte for byte the same."""
        c = Canvas(target, pagesize=A4, invariant=1, pageCompression=1, initialFontName=self.regular)
        c.setTitle("Платёжные документы")
        c.setAuthor("bcenter")
        c.setCreator("bcenter")
        return c

    def draw(self, c: Canvas, bill: Bill) -> int:
        """Draw one bill from a fresh page; returns the number of pages it took. A block that does not fit starts
        a new page (a table row there brings its table's header along)."""
        blocks = [self._header(bill), self._section1(bill), *self._section2(bill)]
        if bill.kind == "monthly":
            blocks += self._section3(bill) + self._section4(bill) + self._section5(bill) + self._penalties(bill)
        elif bill.kind == "debt":
            blocks += self._debts(bill) + self._penalties(bill)
        else:
            blocks += self._ahead(bill)
        pages, y = 1, PAGE_H - MARGIN
        self._footer(c, bill, pages)
        for block in blocks:
            if y - block.height < MARGIN + 4 * mm and y < PAGE_H - MARGIN - 1:
                self._page_done(c)
                c.showPage()
                pages += 1
                self._footer(c, bill, pages)
                y = PAGE_H - MARGIN
                if block.repeat is not None:
                    block.repeat.draw(c, y)
                    y -= block.repeat.height
            block.draw(c, y)
            y -= block.height
        self._page_done(c)
        c.showPage()
        return pages

    # --- primitives -------------------------------------------------------------------------------
    def text(self, c: Canvas, x: float, y: float, s: str, size: float = 7, bold: bool = False) -> None:
        """A string from (x, y). A page's strings go into one text object, drawn over the page's fills and rules
        when the page is done: ``drawString`` made a text object, measured the string and closed it again for each
        of a bill's ~220 strings — a fifth of the drawing."""
        words = self._words
        if words is None:
            words = self._words = c.beginText()
        font = (self.bold if bold else self.regular, size)
        if font != self._font:
            words.setFont(*font)
            self._font = font
        words.setTextOrigin(x, y)
        words.textLine(s)

    def right(self, c: Canvas, x: float, y: float, s: str, size: float = 7, bold: bool = False) -> None:
        """A string ending at x."""
        self.text(c, x - stringWidth(s, self.bold if bold else self.regular, size), y, s, size, bold)

    def _page_done(self, c: Canvas) -> None:
        if self._words is not None:
            c.drawText(self._words)
            self._words, self._font = None, None

    def wrap(self, s: str, width: float, size: float = 7, bold: bool = False) -> list[str]:
        """The text in lines of a column's width — every word kept, nothing cut with «…» (issue 13)."""
        key = (s, width, size, bold)
        found = self._wrapped.get(key)
        if found is None:  # recipients, services and their bases recur bill after bill: measured once
            found = simpleSplit(s, self.bold if bold else self.regular, size, width) or [""]
            self._remember(self._wrapped, key, found)
        return list(found)

    @staticmethod
    def _remember(cache: dict, key, value) -> None:
        if len(cache) >= 20_000:  # a city's addresses are not all kept
            cache.clear()
        cache[key] = value

    def title(self, text: str) -> Block:
        def draw(c: Canvas, y: float) -> None:
            c.setFillGray(0.88)
            c.rect(MARGIN, y - 4.2 * mm, WIDTH, 4 * mm, stroke=0, fill=1)
            c.setFillGray(0)
            self.text(c, MARGIN + 1.5 * mm, y - 3.1 * mm, text, 7.5, bold=True)
        return Block(5 * mm, draw)

    def _footer(self, c: Canvas, bill: Bill, page: int) -> None:
        self.text(c, MARGIN, MARGIN - 5 * mm,
                  f"Лицевой счёт {bill.payer.account} · {bill.period_label} · документ № {bill.number} · "
                  f"лист {page}", 6)

    def _qr(self, c: Canvas, payload: str | tuple[int, bytes], x: float, y: float, side: float) -> None:
        """The symbol with its top-left corner at (x, y), a 4-module quiet zone inside ``side``.

        Drawn as a 1-bit inline image mask (PDF 32000 §8.9.6.2 ``/IM true``, ``/D [1 0]``: a set bit paints) —
        one bit per module, about 900 bytes per code, scaled without interpolation, so its modules print as sharp
        squares at any resolution; a path of one rectangle per dark run was 3× slower to write. The bits are in
        ASCII85 (``/A85``, reportlab's C encoder): the page's stream is compressed with them, and six codes in hex
        took that compression 0.22 ms a page against 0.06 ms in ASCII85 (and 7.0 kB against 6.3 kB).
        """
        n, data = qr_image.packed(payload) if isinstance(payload, str) else payload
        quiet = 4
        m = side / (n + 2 * quiet)
        c.addLiteral(f"q {n * m:.4f} 0 0 {n * m:.4f} {x + quiet * m:.4f} {y - side + quiet * m:.4f} cm 0 g\n"
                     f"BI /W {n} /H {n} /IM true /BPC 1 /D [1 0] /F /A85 ID\n{asciiBase85Encode(data)}\nEI Q")

    # --- sections ---------------------------------------------------------------------------------
    def _header(self, bill: Bill) -> Block:
        def draw(c: Canvas, y: float) -> None:
            head = KIND_TITLES[bill.kind]
            if bill.kind == "monthly":
                head += f" за {bill.period_label}"
            elif bill.kind == "debt":
                head += f" на {bill.as_of}"
            else:
                head += f" на {bill.months} мес. с {bill.since or bill.period_label}"
            self.text(c, MARGIN, y - 4 * mm, head, 10, bold=True)
            self.right(c, MARGIN + WIDTH, y - 4 * mm, f"№ {bill.number}", 8)
            sub = ("для внесения платы за жилое помещение и коммунальные услуги (примерная форма, Приказ "
                   "Минстроя России от 26.01.2018 № 43/пр)" if bill.kind == "monthly" else
                   f"к лицевому счёту. Сумма вперёд — оценка по начислениям за {bill.period_label}: по приборам "
                   "учёта и за отопление начисляется по факту, разница войдёт в следующие документы"
                   if bill.kind == "advance" else
                   "к лицевому счёту: только просроченная задолженность; плата вносится получателям, указанным ниже")
            self.text(c, MARGIN, y - 7.5 * mm, sub, 6.5)
            if dates:
                self.text(c, MARGIN, y - 11 * mm, dates, 7.5, bold=True)
        dates = self._dates(bill)
        return Block((13 if dates else 9.5) * mm, draw)

    @staticmethod
    def _dates(bill: Bill) -> str:
        """«Оплатить до …» and the date of issue: the 15th of the next month moved to a working day decides when
        penalties start (ч. 1 ст. 155, ч. 14 ст. 155 ЖК РФ), so both are printed."""
        parts = []
        if bill.due:
            due = f"Оплатить до {bill.due} включительно"
            if bill.due_capital:
                due += f" (взнос на капитальный ремонт — до {bill.due_capital})"
            parts.append(due)
        if bill.issued:
            parts.append(f"дата формирования документа {bill.issued}")
        return " · ".join(parts)

    def _section1(self, bill: Bill) -> Block:
        p, e = bill.payer, bill.executor
        left = [("Плательщик", p.name), ("Адрес", p.address), ("Лицевой счёт", p.account)]
        left += [(label, value) for label, value in (("ЕЛС", p.els), ("Идентиф. ЖКУ", p.gis_id),
                                                     ("ИПД", bill.ipd)) if value]
        left += [("Общая площадь", f"{p.area} м²"), ("Зарегистрировано", f"{p.registered} чел.")]
        if p.share:  # a co-owner's account (ч. 2 ст. 155 ЖК РФ, ст. 249 ГК РФ): area, persons, volumes in the share
            left.append(("Доля в праве", f"{p.share} — плата по доле: площадь, проживающие, объёмы"))
        right = [("Исполнитель", e.name), ("ИНН / КПП", f"{e.inn} / {e.kpp or '—'}"), ("Адрес", e.address)]
        contacts = " · ".join(x for x in (e.phone and f"тел. {e.phone}", e.email, e.site) if x)
        if contacts:
            right.append(("Контакты", contacts))
        if e.hours:
            right.append(("Режим работы", e.hours))
        half = WIDTH / 2
        lwrap = [(k, self.wrap(v, half - 25 * mm, 7)) for k, v in left]
        rwrap = [(k, self.wrap(v, half - 24 * mm, 7)) for k, v in right]
        height = max(sum(len(v) for _, v in lwrap), sum(len(v) for _, v in rwrap)) * 3.1 * mm + 2 * mm
        head = self.title("Раздел 1. Сведения о плательщике и исполнителе услуг")

        def draw(c: Canvas, y: float) -> None:
            head.draw(c, y)
            y -= head.height
            for x, rows, label_w in ((MARGIN, lwrap, 24 * mm), (MARGIN + half, rwrap, 23 * mm)):
                yy = y - 3 * mm
                for label, lines in rows:
                    self.text(c, x + 1 * mm, yy, label + ":", 6.5)
                    for i, line in enumerate(lines):
                        self.text(c, x + label_w, yy, line, 7, bold=(label in ("Плательщик", "Лицевой счёт")))
                        yy -= 3.1 * mm
        return Block(head.height + height, draw)

    def _section2(self, bill: Bill) -> list[Block]:
        blocks = [self.title("Раздел 2. Информация для внесения платы получателям платежей")]
        cell_w = WIDTH / 2
        recipients = list(bill.recipients)
        for i in range(0, len(recipients), 2):
            cells = [self._cell_layout(bill, rec, cell_w) for rec in recipients[i:i + 2]]
            cell_h = max(CELL_H, *(cell.height for cell in cells))  # a pair's cells are as tall as the taller

            def draw(c: Canvas, y: float, cells=cells, cell_h=cell_h) -> None:
                for j, cell in enumerate(cells):
                    self._payment_cell(c, bill, cell, MARGIN + j * cell_w, y, cell_w, cell_h)
            blocks.append(Block(cell_h, draw))
        total = bill.to_pay

        def draw_total(c: Canvas, y: float) -> None:
            label = "Итого к оплате" + (f" (вперёд на {bill.months} мес.)" if bill.kind == "advance" else "")
            self.text(c, MARGIN + 1 * mm, y - 4 * mm, f"{label}: {rub(total)} руб.", 9, bold=True)
            self.text(c, MARGIN + 1 * mm, y - 7.3 * mm, f"({rub_in_words(total)})", 7)
            notes = []
            if bill.last_payment:
                notes.append(f"дата последней оплаты {bill.last_payment}")
            credited = sum(r.credited for r in bill.recipients)
            if credited:
                notes.append(f"аванс {rub(credited)} руб. зачтён в сумму к оплате")
            if bill.advance > credited:
                notes.append(f"аванс, не зачтённый в начисления: {rub(bill.advance - credited)} руб."
                             + (" (пени им оплачиваются только по заявлению)"
                                if any(r.to_pay_penalties for r in bill.recipients) else ""))
            if notes:
                self.right(c, MARGIN + WIDTH - 1 * mm, y - 4 * mm, "; ".join(notes), 6.5)
        blocks.append(Block(9.5 * mm, draw_total))
        return blocks

    def _cell_layout(self, bill: Bill, rec: Recipient, w: float) -> "_Cell":
        """What a recipient's cell holds, wrapped to its width (never cut with «…»), and the height it needs."""
        symbol, side = None, QR_SIDE
        if self.qr and rec.qr:
            symbol = qr_image.packed(rec.qr)
            side = max(QR_SIDE, (symbol[0] + 8) * MIN_MODULE)  # a module never under 0.33 mm, quiet zone included
        tw = w - side - 3 * mm
        name = self.wrap(rec.name, tw, 7, bold=True)
        details = [f"ИНН {rec.inn}" + (f"  КПП {rec.kpp}" if rec.kpp else ""),
                   f"р/с {rec.account or '—'}  БИК {rec.bic or '—'}"]
        details += self.wrap(f"{rec.bank_name or '—'}, к/с {rec.corr_account or '—'}", tw, 6)
        contacts = ", ".join(x for x in (rec.address, rec.phone and f"тел. {rec.phone}") if x)
        if contacts:
            details += self.wrap(contacts, tw, 6)
        details += self.wrap("Услуги: " + ", ".join(rec.services), tw, 6)
        if bill.kind == "monthly":
            amounts = [("Долг (+) / аванс (−) на начало", rub(rec.opening))]
            if rec.opening_penalties:
                amounts.append(("   в т. ч. пени", rub(rec.opening_penalties)))
            amounts += [("Оплачено в периоде", rub(rec.paid)), ("Начислено за период", rub(rec.charged))]
            if rec.penalties:
                amounts.append(("Пени за период", rub(rec.penalties)))
            if rec.credited:
                amounts.append(("Зачтён аванс других получателей", rub(-rec.credited)))
            if rec.to_pay_penalties:
                amounts.append(("К оплате в т. ч. пени", rub(rec.to_pay_penalties)))
        elif bill.kind == "debt":
            amounts = [("Задолженность", rub(rec.opening)), ("Пени", rub(rec.penalties))]
        else:
            amounts = [("Долг (+) / аванс (−) сейчас", rub(rec.opening)),
                       (f"Начисления за {bill.months} мес. (оценка)", rub(rec.charged))]
            if rec.credited:
                amounts.append(("Зачтён аванс лицевого счёта", rub(-rec.credited)))
        used = 3 * mm + len(name) * 2.8 * mm + len(details) * DETAIL_LINE + 0.6 * mm + len(amounts) * LINE
        height = max(used + 4.6 * mm, side + 1 * mm)  # the caption and «К оплате» below the amounts
        return _Cell(rec, symbol, side, tw, name, details, amounts, height)

    def _payment_cell(self, c: Canvas, bill: Bill, cell: "_Cell", x: float, y: float, w: float, h: float) -> None:
        rec = cell.recipient
        c.setLineWidth(0.4)
        c.rect(x, y - h, w, h, stroke=1, fill=0)
        qx = x + 0.5 * mm
        if cell.symbol is not None:
            self._qr(c, cell.symbol, qx, y - 0.5 * mm, cell.side)
        elif not rec.qr:
            self.text(c, qx + 2 * mm, y - 16 * mm, "QR-код не выдаётся:", 6)
            self.text(c, qx + 2 * mm, y - 18.5 * mm, "реквизиты не заполнены", 6)
        tx = x + cell.side + 1.5 * mm
        yy = y - 3 * mm
        for line in cell.name:
            self.text(c, tx, yy, line, 7, bold=True)
            yy -= 2.8 * mm
        for line in cell.details:
            self.text(c, tx, yy, line, 6)
            yy -= DETAIL_LINE
        yy -= 0.6 * mm
        for label, value in cell.amounts:
            self.text(c, tx, yy, label, 6.5)
            self.right(c, x + w - 1.5 * mm, yy, value, 6.5)
            yy -= LINE
        if cell.symbol is not None:  # whom the code pays: this recipient
            self.text(c, tx, y - h + 5 * mm, "QR-код слева — оплата этому получателю", 6)
        self.text(c, tx, y - h + 1.8 * mm, f"К оплате, л/с {bill.payer.account}", 7.5, bold=True)
        self.right(c, x + w - 1.5 * mm, y - h + 1.8 * mm, rub(rec.to_pay), 8, bold=True)

    # --- Раздел 3 ---------------------------------------------------------------------------------
    COLUMNS = (("Вид услуги", 53), ("Ед.", 8), ("Объём\nинд.", 12), ("Объём\nСОИ", 11), ("Способ", 12),
               ("Тариф,\nруб.", 20), ("Начислено,\nруб.", 16), ("Коэф.", 7), ("Превыш.,\nруб.", 11),
               ("Перерасч.,\nруб.", 13), ("Льготы,\nруб.", 10), ("Итого,\nруб.", 17))

    def _table(self, title: str, columns, rows: list[list[str]], total: list[str] | None,
               bold_first: bool = False) -> list[Block]:
        widths = [w * mm * WIDTH / (sum(w for _, w in columns) * mm) for _, w in columns]
        xs = [MARGIN]
        for w in widths:
            xs.append(xs[-1] + w)
        head, cont = self.title(title), self.title(f"{title} (продолжение)")
        header_h, row_h = 6.2 * mm, 3.3 * mm

        def header(title: Block) -> Callable[[Canvas, float], None]:
            def draw(c: Canvas, y: float) -> None:
                draw_header(c, y, title)
            return draw

        def draw_header(c: Canvas, y: float, title: Block | None = None) -> None:
            (title or head).draw(c, y)
            y -= head.height
            c.setFillGray(0.95)
            c.rect(MARGIN, y - header_h, WIDTH, header_h, stroke=0, fill=1)
            c.setFillGray(0)
            for (label, _), x0, x1 in zip(columns, xs, xs[1:]):
                parts = label.split("\n")
                for k, part in enumerate(parts):
                    yy = y - (2.6 if len(parts) > 1 else 3.8) * mm - k * 2.5 * mm
                    if x0 == MARGIN:
                        self.text(c, x0 + 0.8 * mm, yy, part, 6, bold=True)
                    else:
                        self.right(c, x1 - 0.8 * mm, yy, part, 6, bold=True)

        def first_size(cells: list[str], bold: bool) -> float:
            """6.3 pt, or 5.6 pt when that keeps a long service name on one line."""
            font, room = self.bold if bold else self.regular, xs[1] - xs[0] - 1.2 * mm
            return 5.6 if stringWidth(cells[0], font, 6.3) > room >= stringWidth(cells[0], font, 5.6) else 6.3

        def first_lines(cells: list[str], bold: bool) -> list[str]:
            """The first column wraps when it must (never cut with «…»)."""
            return self.wrap(cells[0], xs[1] - xs[0] - 1.2 * mm, first_size(cells, bold), bold)

        def height(cells: list[str], bold: bool) -> float:
            return row_h + (len(first_lines(cells, bold)) - 1) * 2.6 * mm

        def draw_row(cells: list[str], bold: bool) -> Callable[[Canvas, float], None]:
            lines, h, size = first_lines(cells, bold), height(cells, bold), first_size(cells, bold)

            def draw(c: Canvas, y: float) -> None:
                c.setLineWidth(0.2)
                c.setStrokeGray(0.7)
                c.line(MARGIN, y - h, MARGIN + WIDTH, y - h)
                c.setStrokeGray(0)
                for k, line in enumerate(lines):
                    self.text(c, xs[0] + 0.8 * mm, y - 2.4 * mm - k * 2.6 * mm, line, size, bold=bold)
                for cell, x0, x1 in zip(cells[1:], xs[1:], xs[2:]):
                    if cell:  # a figure wider than its column is set smaller, never over its neighbour
                        font = self.bold if bold else self.regular
                        figure = 6.3 if stringWidth(cell, font, 6.3) <= x1 - x0 - 1.2 * mm else 5.2
                        self.right(c, x1 - 0.8 * mm, y - 2.4 * mm, cell, figure, bold=bold)
            return draw

        repeat = Block(cont.height + header_h, header(cont))
        blocks = []
        for i, cells in enumerate(rows):
            if i == 0:
                first = draw_row(cells, bold_first)

                def draw(c: Canvas, y: float, first=first) -> None:
                    draw_header(c, y)
                    first(c, y - head.height - header_h)
                blocks.append(Block(head.height + header_h + height(cells, bold_first), draw))
            else:
                blocks.append(Block(height(cells, False), draw_row(cells, False), repeat))
        if not rows:
            blocks.append(Block(head.height + header_h, header(head)))
        if total is not None:
            blocks.append(Block(height(total, True) + 1.5 * mm, draw_row(total, True), repeat))
        return blocks

    def _section3(self, bill: Bill) -> list[Block]:
        rows = [[r.service, r.unit, r.volume_individual or "", r.volume_common or "", r.method or "",
                 r.tariff or "", rub(r.charged), r.coefficient or "", rub(r.excess) if r.excess else "",
                 rub(r.recalculated) if r.recalculated else "", rub(r.benefits) if r.benefits else "", rub(r.total)]
                for r in bill.rows]
        total = ["Всего за расчётный период", "", "", "", "", "", rub(sum(r.charged for r in bill.rows)), "",
                 rub(sum(r.excess for r in bill.rows)), rub(sum(r.recalculated for r in bill.rows)),
                 rub(sum(r.benefits for r in bill.rows)), rub(bill.charged_total)]
        return self._table("Раздел 3. Расчёт размера платы за содержание жилого помещения, коммунальные услуги "
                           "и взноса на капитальный ремонт", self.COLUMNS, rows, total)

    def _lines_block(self, title: str, lines: list[str]) -> list[Block]:
        if not lines:
            return []
        head = self.title(title)
        wrapped = [w for line in lines for w in self.wrap(line, WIDTH - 2 * mm, 6.5)]
        out = []
        for start in range(0, len(wrapped), 3):  # small blocks: a page takes what it has room for
            chunk = wrapped[start:start + 3]
            first = start == 0

            def draw(c: Canvas, y: float, chunk=chunk, first=first) -> None:
                if first:
                    head.draw(c, y)
                    y -= head.height
                for k, line in enumerate(chunk):
                    self.text(c, MARGIN + 1 * mm, y - 2.6 * mm - k * LINE, line, 6.5)
            last = start + 3 >= len(wrapped)
            out.append(Block((head.height if first else 0) + len(chunk) * LINE + (1 * mm if last else 0), draw))
        return out

    def _section4(self, bill: Bill) -> list[Block]:
        lines = []
        for ref in bill.references:
            parts = [p for p in (ref.tariff, ref.norm and f"норматив {ref.norm}",
                                 ref.readings and f"показания {ref.readings}",
                                 ref.house_volume and f"по дому {ref.house_volume}",
                                 ref.house_meter and f"ОДПУ {ref.house_meter}") if p]
            if parts:
                lines.append(f"{ref.service}: " + "; ".join(parts))
        return self._lines_block("Раздел 4. Справочная информация", lines)

    def _section5(self, bill: Bill) -> list[Block]:
        lines = [f"{r.service}: {r.reason} — {rub(r.amount)} руб." for r in bill.recalculations]
        return self._lines_block("Раздел 5. Сведения о перерасчётах (доначисление +, уменьшение −)", lines)

    def _penalties(self, bill: Bill) -> list[Block]:
        """Penalties per recipient — a monthly bill's of the period and, apart, those billed and not paid that its
        «к оплате» includes (issue 13: old unpaid пени are never unnamed debt) — and court costs."""
        label = "за период" if bill.kind == "monthly" else f"на {bill.as_of}"
        lines = []
        for r in bill.recipients:
            parts = [f"{label} {rub(r.penalties)} руб."] if r.penalties else []
            if r.to_pay_penalties:
                parts.append(f"не оплачено, в сумме к оплате: {rub(r.to_pay_penalties)} руб.")
            if parts:
                lines.append(f"Пени (ч. 14, 14.1 ст. 155 ЖК РФ), получатель {r.name}: {'; '.join(parts)}")
        lines += [f"Судебные расходы, {what}: {rub(amount)} руб. — взыскиваются по решению суда, в сумму к оплате "
                  "не включены" for what, amount in bill.court_costs]
        return self._lines_block("Неустойки (пени, штрафы) и судебные расходы", lines)

    def _debts(self, bill: Bill) -> list[Block]:
        columns = (("Вид услуги — период", 60), ("Срок оплаты", 18), ("Начислено, руб.", 20),
                   ("Оплачено, руб.", 20), ("Долг, руб.", 20))
        rows = [[f"{d.service} — {d.period}", d.due, rub(d.charged), rub(d.paid), rub(d.debt)] for d in bill.debts]
        total = ["Всего задолженность", "", rub(sum(d.charged for d in bill.debts)),
                 rub(sum(d.paid for d in bill.debts)), rub(sum(d.debt for d in bill.debts))]
        return self._table(f"Задолженность по периодам на {bill.as_of}", columns, rows, total)

    def _ahead(self, bill: Bill) -> list[Block]:
        columns = (("Вид услуги", 80), ("Начислено за месяц, руб.", 30), (f"× {bill.months} мес., руб.", 30))
        rows = [[r.service, rub(r.charged), rub(r.charged * bill.months)] for r in bill.rows]
        total = ["Всего", rub(sum(r.charged for r in bill.rows)), rub(sum(r.charged for r in bill.rows) * bill.months)]
        return self._table(f"Начисления за {bill.period_label} — основа оплаты вперёд", columns, rows, total)
