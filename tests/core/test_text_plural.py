"""Russian plural forms after numbers (what the CLI prints)."""
from bcenter.core.text import count_ru, plural_ru


def test_plural_forms():
    forms = ("дом", "дома", "домов")
    assert [plural_ru(n, *forms) for n in (0, 1, 2, 4, 5, 11, 12, 14, 21, 22, 25, 101, 111, 112)] == [
        "домов", "дом", "дома", "дома", "домов", "домов", "домов", "домов", "дом", "дома", "домов", "дом",
        "домов", "домов"]


def test_count_uses_a_no_break_space():
    assert count_ru(2000, "лицевой счёт", "лицевых счёта", "лицевых счетов") == "2\u00a0000 лицевых счетов"
