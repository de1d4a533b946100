"""Amounts in words as Russian payment forms write them: «Шесть тысяч пятьсот сорок три рубля 65 копеек»."""
from __future__ import annotations

from num2words import num2words

from bcenter.core.text import plural_ru


def rub_in_words(kop: int) -> str:
    """Rubles in words, kopecks in digits (the usage of ЕПД and bank forms); a negative amount gets «минус»."""
    if not isinstance(kop, int) or isinstance(kop, bool):
        raise TypeError("сумма прописью: ожидаются целые копейки")
    rubles, kopecks = divmod(abs(kop), 100)
    words = num2words(rubles, lang="ru")
    text = (f"{words} {plural_ru(rubles, 'рубль', 'рубля', 'рублей')} "
            f"{kopecks:02d} {plural_ru(kopecks, 'копейка', 'копейки', 'копеек')}")
    text = text[0].upper() + text[1:]
    return f"Минус {text[0].lower()}{text[1:]}" if kop < 0 else text
