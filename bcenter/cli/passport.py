"""``bcenter passport …``: the passport desk — register, de-register, the premises card, the forms — over
``bcenter.app.passport``. A premises is named by the number of an account in it (what people bring: their bill);
a person by the code the card shows."""
from __future__ import annotations

from pathlib import Path

import click

from bcenter.cli import Context, _show, cli, db_option
from bcenter.core.dates import format_date_ru, parse_date
from bcenter.core.quantity import format_decimal_ru
from bcenter.core.text import describe_private

FORM_CHOICE = click.Choice(["form9", "form10", "form11", "extract", "family"])
KIND_WORDS = {"permanent": "по месту жительства", "temporary": "по месту пребывания"}


def _day(typed: str) -> str:
    """A date the command took (``--from 2026-09-01``, checked by the desk) as people read it: 01.09.2026."""
    return format_date_ru(parse_date(typed))


def _period(r) -> str:
    text = f"с {format_date_ru(r.registered_from)}"
    return text + r.ended_text


def _card_lines(card, today) -> list[str]:
    lines = [f"{card.address} (л/с {card.account}): {card.premises_kind}, "
             f"{format_decimal_ru(card.total_area) if card.total_area else '—'} м²"
             + (f", комнат {card.rooms}" if card.rooms else ""), f"Владелец счёта: {card.holder}"]
    lines.append("Собственники:" if card.owners else "Собственники: нет записей")
    lines += [f"  {o.name} — {o.share} с {format_date_ru(o.since)}" + (f" по {format_date_ru(o.until)}" if o.until
                                                                       else "") for o in card.owners]
    lines.append("Зарегистрированы:" if card.residents else "Зарегистрированных нет")
    for r in card.residents:
        state = "" if r.current(today) else " (снят с учёта)" if r.registered_to else " (с будущей даты)"
        lines.append(f"  [{r.code}] {r.name} — {KIND_WORDS.get(r.kind, r.kind)} {_period(r)}"
                     + (f", {r.relation}" if r.relation else "") + state)
        if r.private:
            lines.append("      " + describe_private(r.private))
    return lines


def _card_json(card) -> dict:
    return {"account": card.account, "address": card.address, "holder": card.holder,
            "owners": [{"name": o.name, "share": o.share, "from": o.since.isoformat(),
                        "to": o.until and o.until.isoformat()} for o in card.owners],
            "residents": [{"person": r.code, "name": r.name, "kind": r.kind, "relation": r.relation,
                           "from": r.registered_from.isoformat(), "to": r.registered_to and r.registered_to.isoformat(),
                           **({"personal": r.private} if r.private is not None else {})} for r in card.residents]}


def _written(w, what: str) -> None:
    click.echo(f"{what}: гражданин {w.person}. Месяцы с {w.recalculate_from} будут пересчитаны при следующем "
               "расчёте (bcenter calc), основание — этот факт.")


@cli.group()
def passport() -> None:
    """Паспортный стол: регистрация и снятие с учёта, собственники, карточки и справки."""


@passport.command("card")
@db_option
@click.argument("account", metavar="ЛИЦЕВОЙ_СЧЁТ")
@click.option("--personal", is_flag=True, help="С документами, СНИЛС, датами рождения, телефонами (паспортист, "
                                               "администратор; просмотр записывается в журнал).")
@click.option("--json", "as_json", is_flag=True, help="Вывести в JSON.")
@click.pass_obj
def card(obj: Context, account: str, personal: bool, as_json: bool) -> None:
    """Поквартирная карточка: кто зарегистрирован (и был), собственники."""
    result = obj.app.passport.card(account, personal=personal)
    _show(result, as_json, _card_json, lambda c: _card_lines(c, obj.app.clock.today()))


@passport.command("register")
@db_option
@click.argument("account", metavar="ЛИЦЕВОЙ_СЧЁТ")
@click.option("--person", default=None, metavar="КОД", help="Уже известный гражданин (код из карточки).")
@click.option("--last-name", default=None, help="Фамилия нового гражданина.")
@click.option("--first-name", default=None, help="Имя.")
@click.option("--middle-name", default=None, help="Отчество.")
@click.option("--birth-date", default=None, metavar="ГГГГ-ММ-ДД")
@click.option("--birth-place", default=None)
@click.option("--document-kind", default="passport_ru", show_default=True, help="Вид документа.")
@click.option("--document-series", default=None)
@click.option("--document-number", default=None)
@click.option("--document-issued-by", default=None)
@click.option("--document-issued-on", default=None, metavar="ГГГГ-ММ-ДД")
@click.option("--snils", default=None)
@click.option("--phone", default=None)
@click.option("--kind", type=click.Choice(["permanent", "temporary"]), default="permanent", show_default=True,
              help="По месту жительства (permanent) или пребывания (temporary, с --to).")
@click.option("--from", "start", required=True, metavar="ГГГГ-ММ-ДД", help="Дата регистрации (может быть в прошлом).")
@click.option("--to", "end", default=None, metavar="ГГГГ-ММ-ДД",
              help="Окончание регистрации по месту пребывания: первый день без неё (--to 2027-05-01 — "
                   "зарегистрирован по 30.04.2027).")
@click.option("--relation", default=None, help="Родственные отношения: собственник, жена, сын…")
@click.option("--arrived-from", default=None, help="Откуда прибыл.")
@click.option("--basis", default=None, help="Основание (документ).")
@click.pass_obj
def register(obj: Context, account: str, person: str | None, last_name: str | None, first_name: str | None,
             middle_name: str | None, birth_date, birth_place, document_kind, document_series, document_number,
             document_issued_by, document_issued_on, snils, phone, kind: str, start: str, end: str | None,
             relation: str | None, arrived_from: str | None, basis: str | None) -> None:
    """Зарегистрировать гражданина в помещении лицевого счёта (задним числом — с перерасчётом)."""
    from bcenter.app.passport import NewPerson

    new = None
    if last_name or first_name:
        new = NewPerson(last_name or "", first_name or "", middle_name, document_kind if document_number else None,
                        {"birth_date": birth_date, "birth_place": birth_place, "document_series": document_series,
                         "document_number": document_number, "document_issued_by": document_issued_by,
                         "document_issued_on": document_issued_on, "snils": snils, "phone": phone})
    written = obj.app.passport.register(account, kind=kind, start=start, end=end, person=person, new=new,
                                        relation=relation, arrived_from=arrived_from, basis=basis)
    _written(written, f"Зарегистрирован {KIND_WORDS[kind]} с {_day(start)}")


@passport.command("deregister")
@db_option
@click.argument("account", metavar="ЛИЦЕВОЙ_СЧЁТ")
@click.option("--person", required=True, metavar="КОД", help="Код гражданина из карточки.")
@click.option("--on", "on", required=True, metavar="ГГГГ-ММ-ДД", help="Дата снятия с учёта (первый день без регистрации).")
@click.option("--departed-to", default=None, help="Куда выбыл.")
@click.option("--basis", default=None, help="Основание (документ).")
@click.pass_obj
def deregister(obj: Context, account: str, person: str, on: str, departed_to: str | None, basis: str | None) -> None:
    """Снять гражданина с регистрационного учёта с даты (задним числом — с перерасчётом)."""
    written = obj.app.passport.deregister(account, person=person, on=on, departed_to=departed_to, basis=basis)
    _written(written, f"Снят с учёта с {_day(on)}")


@passport.command("own")
@db_option
@click.argument("account", metavar="ЛИЦЕВОЙ_СЧЁТ")
@click.option("--person", required=True, metavar="КОД", help="Код гражданина из карточки.")
@click.option("--share", required=True, help="Доля: 1/1, 1/2…")
@click.option("--from", "start", required=True, metavar="ГГГГ-ММ-ДД")
@click.option("--basis", default=None, help="Запись ЕГРН или документ.")
@click.pass_obj
def own(obj: Context, account: str, person: str, share: str, start: str, basis: str | None) -> None:
    """Записать право собственности гражданина на долю помещения (доли — не больше 1/1 в сумме)."""
    written = obj.app.passport.own(account, share=share, start=start, person=person, basis=basis)
    click.echo(f"Собственник {written.person}: доля {share} с {_day(start)}")


@passport.command("own-end")
@db_option
@click.argument("account", metavar="ЛИЦЕВОЙ_СЧЁТ")
@click.option("--person", required=True, metavar="КОД", help="Код гражданина из карточки.")
@click.option("--on", "on", required=True, metavar="ГГГГ-ММ-ДД", help="Первый день без права собственности.")
@click.pass_obj
def own_end(obj: Context, account: str, person: str, on: str) -> None:
    """Прекратить право собственности гражданина (продажа, дарение) с даты."""
    written = obj.app.passport.end_ownership(account, person=person, on=on)
    click.echo(f"Право собственности {written.person} прекращено с {_day(on)}")


@passport.command("absence")
@db_option
@click.option("--person", required=True, metavar="КОД", help="Код гражданина из карточки.")
@click.option("--from", "start", required=True, metavar="ГГГГ-ММ-ДД", help="Дата выезда.")
@click.option("--to", "end", required=True, metavar="ГГГГ-ММ-ДД", help="Дата возвращения.")
@click.option("--document", "documents", multiple=True, required=True,
              help="Подтверждающий документ (п. 93 ПП 354), можно несколько.")
@click.pass_obj
def absence(obj: Context, person: str, start: str, end: str, documents: tuple[str, ...]) -> None:
    """Временное отсутствие гражданина (перерасчёт по разделу VIII ПП 354 — при следующем расчёте)."""
    written = obj.app.passport.absence(person=person, start=start, end=end, documents=list(documents))
    _written(written, f"Временное отсутствие с {_day(start)} по {_day(end)}")


@passport.command("person")
@db_option
@click.argument("code", metavar="КОД")
@click.option("--personal", is_flag=True, help="С документами, СНИЛС, датой рождения, телефоном (просмотр — в журнал).")
@click.option("--last-name", default=None)
@click.option("--first-name", default=None)
@click.option("--middle-name", default=None)
@click.option("--document-kind", default=None)
@click.option("--set", "values", multiple=True, metavar="ПОЛЕ=ЗНАЧЕНИЕ",
              help="Персональные данные: birth_date, birth_place, document_series, document_number, "
                   "document_issued_by, document_issued_on, snils, phone, email (пустое значение — удалить).")
@click.pass_obj
def person(obj: Context, code: str, personal: bool, last_name, first_name, middle_name, document_kind,
           values: tuple[str, ...]) -> None:
    """Гражданин: ФИО, регистрации, документы; с --set или ФИО — изменить (новый паспорт, телефон)."""
    names = {k: v for k, v in (("last_name", last_name), ("first_name", first_name), ("middle_name", middle_name),
                               ("document_kind", document_kind)) if v is not None}
    private = {}
    for item in values:
        if "=" not in item:
            raise click.UsageError(f"--set {item}: ожидается ПОЛЕ=ЗНАЧЕНИЕ")
        key, value = item.split("=", 1)
        private[key.strip()] = value.strip()
    if names or private:
        changed = obj.app.passport.edit_person(code, names=names, private=private)
        click.echo(f"Изменено: {', '.join(changed)}" if changed else "Ничего не изменилось")
    card = obj.app.passport.person(code, personal=personal)
    click.echo(f"[{card.code}] {card.name}" + (f", документ: {card.document_kind}" if card.document_kind else ""))
    if card.private is not None:
        click.echo("  " + (describe_private(card.private) or "персональных данных нет"))
    for line in card.registrations or ("регистраций нет",):
        click.echo(f"  {line}")


@passport.command("extract")
@db_option
@click.argument("account", metavar="ЛИЦЕВОЙ_СЧЁТ")
@click.option("--form", "form", type=FORM_CHOICE, default="extract", show_default=True,
              help="form9 — карточка регистрации, form10 — поквартирная карточка, form11 — домовая книга, "
                   "extract — выписка из домовой книги, family — справка о составе семьи.")
@click.option("--person", default=None, metavar="КОД", help="Гражданин (для form9 и family).")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="Файл PDF.")
@click.pass_obj
def extract(obj: Context, account: str, form: str, person: str | None, out: Path) -> None:
    """Выдать документ паспортного стола (номер и запись в журнале выдачи)."""
    doc = obj.app.passport.issue(form, account, person=person)
    out.write_bytes(doc.pdf)
    click.echo(f"{doc.title} № {doc.number} — {out}. Повторная печать: bcenter passport reprint {doc.number} "
               f"--out ФАЙЛ")


@passport.command("reprint")
@db_option
@click.argument("number", metavar="НОМЕР")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="Файл PDF.")
@click.pass_obj
def reprint(obj: Context, number: str, out: Path) -> None:
    """Повторно напечатать выданный документ — байт в байт как в первый раз."""
    doc = obj.app.passport.reprint(number)
    out.write_bytes(doc.pdf)
    note = "" if doc.same_as_first else " (шаблон формы изменён после выдачи: текст отличается от первой печати)"
    click.echo(f"{doc.title} № {doc.number} от {format_date_ru(doc.issued_on)} — {out}{note}")


@passport.command("documents")
@db_option
@click.argument("account", metavar="ЛИЦЕВОЙ_СЧЁТ", required=False)
@click.pass_obj
def documents(obj: Context, account: str | None) -> None:
    """Журнал выданных документов (всех или по помещению лицевого счёта)."""
    docs = obj.app.passport.documents(account)
    if not docs:
        click.echo("Документы ещё не выдавались: bcenter passport extract ЛИЦЕВОЙ_СЧЁТ --out выписка.pdf")
    for d in docs:
        click.echo(f"{d.number}  {format_date_ru(d.issued_on)}  {d.title}  ({d.issued_by})")


@passport.command("rotate-key")
@db_option
@click.pass_obj
def rotate_key(obj: Context) -> None:
    """Новый ключ персональных данных; всё зашифрованное перешифровывается им."""
    done = obj.app.passport.rotate_key()
    click.echo(f"Новый ключ {done.key}: перешифровано граждан {done.persons}, документов {done.documents}. "
               "Скопируйте каталог ключей на другие рабочие места (docs/design.md «Personal data»).")
