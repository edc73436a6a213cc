"""parse_id on worked examples, on every reason code, and on the documented precedence of reasons."""

from datetime import date

import pytest

from renkou.ids import REASONS, InvalidCitizenID, is_valid, make_id, mask, parse_id, upgrade_15

TODAY = date(2025, 6, 30)


def reason_of(text: str | None) -> str:
    with pytest.raises(InvalidCitizenID) as caught:
        parse_id(text, today=TODAY)
    return caught.value.reason


def with_check(first17: str) -> str:
    """A number with a correct check character, computed here from the definition (not with renkou.ids)."""
    total = sum(int(d) * pow(2, 17 - i, 11) for i, d in enumerate(first17))
    value = (12 - total % 11) % 11
    return first17 + ("X" if value == 10 else str(value))


def test_standard_example_woman_born_1949() -> None:
    parsed = parse_id("11010519491231002X", today=TODAY)
    assert parsed.number == "11010519491231002X"
    assert parsed.division == "110105"
    assert parsed.birth_date == date(1949, 12, 31)
    assert parsed.sex == "F"
    assert parsed.sequence == "002"
    assert parsed.check == "X"
    assert not parsed.upgraded


def test_standard_example_man_born_1880_in_a_county_coded_later() -> None:
    # 440524 潮阳县 has the code only from 1983 on: an ID whose division is younger than its holder is valid.
    parsed = parse_id("440524188001010014", today=TODAY)
    assert parsed.birth_date == date(1880, 1, 1)
    assert parsed.sex == "M"


@pytest.mark.parametrize(
    "text",
    [
        " 11010519491231002x ",
        "110105 19491231 002X",
        "１１０１０５１９４９１２３１００２Ｘ",
        "１１０１０５１９４９１２３１００２ｘ",
        "\u3000110105194912310\t02X\n",
    ],
)
def test_normalises_whitespace_full_width_and_lowercase_x(text: str) -> None:
    assert parse_id(text, today=TODAY).number == "11010519491231002X"


def test_legacy_15_digit_number_is_upgraded() -> None:
    # The standard's example written the old way: 2-digit year, no check character.
    assert upgrade_15("110105491231002") == "11010519491231002X"
    parsed = parse_id("110105491231002", today=TODAY)
    assert parsed.number == "11010519491231002X"
    assert parsed.birth_date == date(1949, 12, 31)
    assert parsed.upgraded


def test_upgrade_refuses_what_is_not_15_digits() -> None:
    with pytest.raises(InvalidCitizenID) as caught:
        upgrade_15("11010519491231002X")
    assert caught.value.reason == "length"
    with pytest.raises(InvalidCitizenID) as caught:
        upgrade_15("11010549123100A")
    assert caught.value.reason == "characters"


def test_division_abolished_later_is_valid() -> None:
    # 下城区 330103 was abolished in 2021; people born there in 1990 keep their numbers.
    assert parse_id(with_check("33010319900101123"), today=TODAY).division == "330103"


def test_division_created_after_birth_is_valid() -> None:
    # 临平区 330113 was created in 2021; a late registration of a person born in 1990 carries it.
    assert parse_id(with_check("33011319900101123"), today=TODAY).birth_date == date(1990, 1, 1)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("   \u3000", "empty"),
        (None, "empty"),
        ("11010519491231002Y", "characters"),
        ("1101051949123100X2", "characters"),
        ("11010519491231-002X", "characters"),
        ("١١٠١٠٥١٩٤٩١٢٣١٠٠٢X", "characters"),  # Arabic-Indic digits are digits, but not ASCII
        ("1101051949123100", "length"),
        ("X", "length"),
        ("110105194912310021X", "length"),
        ("11010549123100X", "length"),  # 15 characters, but a legacy number has no check character
        (with_check("11010519490230002"), "impossible_date"),
        (with_check("11010519491301002"), "impossible_date"),
        (with_check("11010500000101002"), "impossible_date"),
        ("110105490230002", "impossible_date"),
        (with_check("11010520250701002"), "future_date"),
        (with_check("11010518791231002"), "too_old"),
        ("11010519491231001X", "checksum"),
        (with_check("99010519491231002"), "unknown_division"),
        (with_check("33019919900101123"), "unknown_division"),
    ],
)
def test_each_reason(text: str | None, reason: str) -> None:
    assert reason_of(text) == reason
    assert not is_valid(text, today=TODAY)


def test_every_reason_is_exercised_above() -> None:
    assert set(REASONS) == {
        "empty",
        "characters",
        "length",
        "impossible_date",
        "future_date",
        "too_old",
        "checksum",
        "unknown_division",
    }


@pytest.mark.parametrize(
    ("text", "reason", "also_wrong"),
    [
        ("1101051949AX", "characters", "length"),
        ("11010519491331002Y", "characters", "date"),
        ("11010519491331002", "length", "date"),
        ("99010519491331002X", "impossible_date", "checksum and division"),
        ("99010520300101002X", "future_date", "checksum and division"),
        ("99010518000101002X", "too_old", "checksum and division"),
        ("99010519491231002X", "checksum", "division"),
    ],
)
def test_precedence(text: str, reason: str, also_wrong: str) -> None:
    if "checksum" in also_wrong:
        assert with_check(text[:17]) != text  # the example really is wrong in both ways
    assert reason_of(text) == reason, f"{reason} comes before {also_wrong}"


def test_born_today_is_fine_and_tomorrow_is_not() -> None:
    assert parse_id(make_id("110105", TODAY, 1), today=TODAY).birth_date == TODAY
    assert reason_of(make_id("110105", date(2025, 7, 1), 1)) == "future_date"


def test_division_check_can_be_switched_off() -> None:
    number = with_check("99010519491231002")
    assert parse_id(number, today=TODAY, check_division=False).division == "990105"
    assert is_valid(number, today=TODAY, check_division=False)


def test_message_is_bilingual_names_the_reason_and_masks_the_number() -> None:
    with pytest.raises(InvalidCitizenID) as caught:
        parse_id("11010519491231001X", today=TODAY)
    message = str(caught.value)
    assert "校验码" in message and "check character" in message and "(checksum)" in message
    assert "110105********001X" in message
    assert "19491231" not in message
    assert isinstance(caught.value, ValueError)


def test_repr_does_not_leak_the_birth_date() -> None:
    parsed = parse_id("11010519491231002X", today=TODAY)
    assert "19491231" not in repr(parsed)
    assert "1949" not in repr(parsed)


def test_make_id_sex_and_errors() -> None:
    assert make_id("110105", date(1949, 12, 31), 2) == "11010519491231002X"
    assert make_id("110105", date(1949, 12, 31), "002", sex="F") == "11010519491231002X"
    assert parse_id(make_id("330106", date(2000, 2, 29), 17, sex="M"), today=TODAY).sex == "M"
    with pytest.raises(ValueError):
        make_id("110105", date(1949, 12, 31), 2, sex="M")
    with pytest.raises(ValueError):
        make_id("11010", date(1949, 12, 31), 2)
    with pytest.raises(ValueError):
        make_id("110105", date(1949, 12, 31), 1000)


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("11010519491231002X", "110105********002X"),
        (" 11010519491231002x", "110105********002X"),
        ("123456789", "*********"),
        ("", ""),
        ("1234567890", "123456********7890"),
    ],
)
def test_mask(text: str, shown: str) -> None:
    assert mask(text) == shown
