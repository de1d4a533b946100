"""``bcenter meters …``: meters read over serial lines — over ``bcenter.app.meters``."""
from __future__ import annotations

import click

from bcenter.cli import Context, _show, cli, db_option


@cli.group()
def meters() -> None:
    """Приборы учёта: чтение счётчиков по линии связи (оптопорт, RS-485)."""


def _number(value) -> str:
    text = f"{value:,}".replace(",", "\u00a0").replace(".", ",")
    return text


@meters.command("read")
@click.option("--port", required=True, metavar="URL",
              help="Линия: /dev/ttyUSB0, socket://host:port, sim://mercury230 (имитатор).")
@click.option("--protocol", required=True, type=click.Choice(["mercury230", "iec62056-21", "mbus"]),
              help="Протокол счётчика.")
@click.option("--family", type=click.Choice(["readout", "energomera", "neva"]), default="readout", show_default=True,
              help="Для МЭК 62056-21: чтение данных (режим C), Энергомера или НЕВА (режим программирования).")
@click.option("--address", default=None, metavar="АДРЕС",
              help="Адрес счётчика: Меркурий — 0…254 (0 — любой на линии точка-точка); МЭК — заводской номер; "
                   "M-Bus — первичный 0…255 (254 — любой).")
@click.option("--password", default=None, metavar="ПАРОЛЬ",
              help="Пароль (Меркурий — 111111, Энергомера — 777777, НЕВА — 00000000 по умолчанию).")
@click.option("--save", is_flag=True, help="Сохранить показание прибора --meter (через правила проверки).")
@click.option("--meter", default=None, metavar="НОМЕР", help="С --save: заводской номер прибора в картотеке.")
@click.option("--json", "as_json", is_flag=True, help="Вывести в JSON.")
@db_option
@click.pass_obj
def read(obj: Context, port: str, protocol: str, family: str, address: str | None, password: str | None, save: bool,
         meter: str | None, as_json: bool) -> None:
    """Прочитать показания счётчика: энергия по тарифам с кодами OBIS; с --save — сохранить их."""
    from bcenter.app.meters import PROTOCOLS, read_meter

    if save != bool(meter):
        raise click.UsageError("--save и --meter указываются вместе: --save --meter ЗАВОДСКОЙ_НОМЕР")
    reading = read_meter(port, protocol=protocol, address=address, password=password, family=family)
    kept = obj.app.meters.save_read(reading, meter) if save else None

    def text(r) -> list[str]:
        made = f" (выпуск {r.extra['made']})" if r.extra.get("made") else ""
        kind = PROTOCOLS.get(r.protocol.split("/")[0], r.protocol)
        ident = f", {r.extra['ident']}" if r.extra.get("ident") else ""
        lines = [f"Счётчик ({kind}{ident}) № {r.serial}{made}, {port}:"]
        lines += [f"  {v.code:<7} {v.label}: {_number(v.value)} {v.unit}" for v in r.values]
        if kept is not None:
            from bcenter.cli.readings import verdict_lines

            lines += verdict_lines(kept)
        return lines

    def as_dict(r) -> dict:
        out = {"protocol": r.protocol, "serial": r.serial, **r.extra,
               "values": [{"code": v.code, "label": v.label, "value": str(v.value), "unit": v.unit}
                          for v in r.values]}
        if kept is not None:
            from bcenter.cli.readings import reading_dict

            out["saved"] = reading_dict(kept)
        return out

    _show(reading, as_json, as_dict, text)


@meters.command("due")
@db_option
@click.option("--days", type=click.IntRange(min=0), default=30, show_default=True, metavar="N",
              help="Срок поверки истекает в ближайшие N дней (истёкшие — тоже).")
@click.option("--house", default=None, metavar="ДОМ", help="Только этот дом (код дома в формате обмена).")
@click.option("--json", "as_json", is_flag=True, help="Вывести в JSON.")
@click.pass_obj
def due(obj: Context, days: int, house: str | None, as_json: bool) -> None:
    """Приборы, у которых истекает или истёк срок поверки: сначала просроченные."""
    from bcenter.app.meters import KIND_NAMES, RESOURCE_NAMES

    found = obj.app.meters.due(days=days, house=house)

    def text(rows) -> list[str]:
        if not rows:
            return [f"Нет приборов, у которых поверка истекает в ближайшие {days} дн. Шире: bcenter meters due "
                    f"--days {max(days * 4, 90)}"]
        overdue = sum(1 for r in rows if r.days_left < 0)
        lines = [f"Поверка истекла: {overdue}; истекает в ближайшие {days} дн.: {len(rows) - overdue}"]
        for r in rows:
            when = (f"просрочена на {-r.days_left} дн." if r.days_left < 0 else
                    "истекает сегодня" if r.days_left == 0 else f"осталось {r.days_left} дн.")
            who = f", л/с {', '.join(r.accounts)}" if r.accounts else ""
            lines.append(f"{r.valid_until:%d.%m.%Y}  № {r.serial} {RESOURCE_NAMES.get(r.resource, r.resource)} "
                         f"({KIND_NAMES.get(r.kind, r.kind)}) — {r.address}{who}: {when}")
        return lines

    def as_dict(rows) -> list[dict]:
        return [{"serial": r.serial, "resource": r.resource, "kind": r.kind, "address": r.address,
                 "accounts": list(r.accounts), "valid_until": r.valid_until.isoformat(), "days_left": r.days_left}
                for r in rows]

    _show(found, as_json, as_dict, text)


DATE = click.DateTime(["%Y-%m-%d", "%d.%m.%Y"])
_day_option = click.option("--date", "day", type=DATE, default=None, help="Дата (по умолчанию — сегодня).")
_document_option = click.option("--document", default=None, metavar="АКТ", help="Номер и дата акта.")


def _d(value):
    return value.date() if value is not None else None


@meters.command("show")
@db_option
@click.option("--meter", required=True, metavar="НОМЕР", help="Заводской номер прибора (или его код обмена).")
@click.option("--json", "as_json", is_flag=True, help="Вывести в JSON.")
@click.pass_obj
def show(obj: Context, meter: str, as_json: bool) -> None:
    """Карточка прибора: адрес, разрядность, поверка и жизнь прибора по датам."""
    from bcenter.app.meters import KIND_NAMES, RESOURCE_NAMES

    info, events = obj.app.meters.show(meter)

    def text(found) -> list[str]:
        m, life = found
        lines = [f"Прибор № {m.serial}: {RESOURCE_NAMES.get(m.resource, m.resource)} ({KIND_NAMES.get(m.kind, m.kind)}),"
                 f" {m.zones}-тарифный, {m.digits} разрядов — {m.address}"
                 + (f", л/с {', '.join(m.accounts)}" if m.accounts else "")]
        if m.valid_until:
            lines.append(f"  поверка до {m.valid_until:%d.%m.%Y}")
        lines += [f"  {e.day:%d.%m.%Y}  {e.what}" for e in life]
        return lines

    def as_dict(found) -> dict:
        m, life = found
        return {"serial": m.serial, "resource": m.resource, "kind": m.kind, "zones": m.zones, "digits": m.digits,
                "address": m.address, "accounts": list(m.accounts), "installed": m.installed.isoformat(),
                "removed": m.removed and m.removed.isoformat(),
                "valid_until": m.valid_until and m.valid_until.isoformat(),
                "life": [{"date": e.day.isoformat(), "what": e.what} for e in life]}

    _show((info, events), as_json, as_dict, text)


@meters.command("seal")
@db_option
@click.option("--meter", required=True, metavar="НОМЕР")
@click.option("--seal", "number", required=True, metavar="НОМЕР_ПЛОМБЫ", help="Номер пломбы.")
@_day_option
@_document_option
@click.pass_obj
def seal(obj: Context, meter: str, number: str, day, document) -> None:
    """Опломбировать прибор: пломба и акт — факт на дату."""
    obj.app.meters.seal(meter, number=number, day=_d(day), document=document)
    click.echo(f"Прибор № {meter}: пломба № {number}. Карточка: bcenter meters show --meter {meter}")


@meters.command("fault")
@db_option
@click.option("--meter", required=True, metavar="НОМЕР")
@click.option("--note", default=None, metavar="ТЕКСТ", help="Что с прибором.")
@_day_option
@_document_option
@click.pass_obj
def fault(obj: Context, meter: str, note, day, document) -> None:
    """Прибор неисправен: со следующего месяца начисление по среднему (до 3 месяцев), затем по нормативу."""
    obj.app.meters.fault(meter, day=_d(day), note=note, document=document)
    click.echo(f"Прибор № {meter} неисправен: со следующего месяца — по среднему (ПП 354 п. 59 «а»), с четвёртого — "
               f"по нормативу. Замена: bcenter meters replace --meter {meter} …")


@meters.command("verify")
@db_option
@click.option("--meter", required=True, metavar="НОМЕР")
@click.option("--valid-until", required=True, type=DATE, help="Поверка действительна до.")
@_day_option
@_document_option
@click.pass_obj
def verify(obj: Context, meter: str, valid_until, day, document) -> None:
    """Внести поверку: прибор снова средство измерения (и после неисправности)."""
    obj.app.meters.verify(meter, valid_until=valid_until.date(), day=_d(day), document=document)
    click.echo(f"Прибор № {meter}: поверен до {valid_until:%d.%m.%Y}")


@meters.command("remove")
@db_option
@click.option("--meter", required=True, metavar="НОМЕР")
@click.option("--final", required=True, metavar="ПОКАЗАНИЕ", help="Конечное показание; по зонам через «/»: день/ночь.")
@_day_option
@click.pass_obj
def remove(obj: Context, meter: str, final: str, day) -> None:
    """Снять прибор с учёта с конечным показанием."""
    obj.app.meters.remove(meter, final=final, day=_d(day))
    click.echo(f"Прибор № {meter} снят. Карточка: bcenter meters show --meter {meter}")


@meters.command("replace")
@db_option
@click.option("--meter", required=True, metavar="НОМЕР", help="Прибор, который снимается.")
@click.option("--final", required=True, metavar="ПОКАЗАНИЕ", help="Его конечное показание (по зонам через «/»).")
@click.option("--serial", required=True, metavar="НОМЕР", help="Заводской номер нового прибора.")
@click.option("--digits", required=True, type=int, help="Разрядов до запятой у нового прибора.")
@click.option("--zones", type=click.IntRange(1, 3), default=None, help="Зон у нового (по умолчанию как у старого).")
@click.option("--initial", required=True, metavar="ПОКАЗАНИЕ", help="Начальное показание нового (по зонам через «/»).")
@click.option("--valid-until", type=DATE, default=None, help="Поверка нового прибора до.")
@_day_option
@click.pass_obj
def replace(obj: Context, meter: str, final: str, serial: str, digits: int, zones, initial: str, valid_until,
            day) -> None:
    """Заменить прибор: конечное показание старого, начальное нового — одним действием."""
    new = obj.app.meters.replace(meter, final=final, serial=serial, digits=digits, initial=initial, zones=zones,
                                 valid_until=_d(valid_until), day=_d(day))
    click.echo(f"Прибор № {meter} заменён прибором № {new.serial} ({new.address}). Среднее нового считается и по "
               f"истории старого. Карточка: bcenter meters show --meter {new.serial}")


@meters.command("install")
@db_option
@click.option("--account", required=True, metavar="НОМЕР", help="Лицевой счёт (прибор ставится в его помещение).")
@click.option("--resource", required=True,
              type=click.Choice(["cold_water", "hot_water", "electricity", "gas", "heating"]))
@click.option("--serial", required=True, metavar="НОМЕР")
@click.option("--digits", required=True, type=int, help="Разрядов до запятой.")
@click.option("--zones", type=click.IntRange(1, 3), default=1, show_default=True)
@click.option("--initial", required=True, metavar="ПОКАЗАНИЕ", help="Начальное показание (по зонам через «/»).")
@click.option("--valid-until", type=DATE, default=None, help="Поверка до.")
@_day_option
@click.pass_obj
def install(obj: Context, account: str, resource: str, serial: str, digits: int, zones: int, initial: str,
            valid_until, day) -> None:
    """Установить прибор учёта в помещение лицевого счёта."""
    new = obj.app.meters.install(account=account, resource=resource, serial=serial, digits=digits, initial=initial,
                                 zones=zones, valid_until=_d(valid_until), day=_d(day))
    click.echo(f"Прибор № {new.serial} установлен: {new.address}. Показания: bcenter readings add --meter "
               f"{new.serial} --value …")
