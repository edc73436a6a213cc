"""Citizen identity numbers (公民身份号码) of GB 11643-1999: parse, validate, upgrade, make.

An 18-character number is: 6-digit division code (GB/T 2260) where it was issued, birth date ``YYYYMMDD``,
3-digit sequence (its last digit odd for men, even for women), and a check character (``0``-``9`` or ``X``,
ISO 7064 MOD 11-2). The legacy 15-digit number (GB 11643-1989) has a 2-digit year and no check character.

Reasons a number is refused, in the order they are tested (the first failing one is reported); the bulk SQL
checks of the register mirror this order and are tested against :func:`parse_id`:

1. ``empty``            nothing left after removing whitespace
2. ``characters``       anything other than ASCII digits and one final ``X`` (after normalisation)
3. ``length``           not 18 or 15 characters, or 15 ending in ``X`` (a legacy number has no check character)
4. ``impossible_date``  characters 7-14 are not a calendar date (e.g. 19900230)
5. ``future_date``      born after ``today``
6. ``too_old``          born before 1880 (:data:`EARLIEST_BIRTH_YEAR`)
7. ``checksum``         the check character does not match (18-character numbers only)
8. ``unknown_division`` characters 1-6 were never a GB/T 2260 code (only if ``check_division``)

The date comes before the checksum because it tells a clerk which part is wrong; the checksum then catches the
remaining mistypings. A division code created after the birth year is accepted (late registration, re-numbering).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from renkou.ids.checksum import check_character
from renkou.ids.divisions import is_known
from renkou.ids.normalise import mask, normalise

EARLIEST_BIRTH_YEAR = 1880
"""Birth years before this are refused as ``too_old`` (the oldest claimed Chinese supercentenarians were born
in the mid-1880s)."""

REASONS: tuple[str, ...] = (
    "empty",
    "characters",
    "length",
    "impossible_date",
    "future_date",
    "too_old",
    "checksum",
    "unknown_division",
)
"""Reason codes of :class:`InvalidCitizenID`, in the order they are tested."""

_MESSAGES: dict[str, tuple[str, str]] = {
    "empty": ("为空", "is empty"),
    "characters": ("含有非法字符（只允许数字，末位可为 X）", "has characters other than digits and a final X"),
    "length": ("长度不是 18 位（或旧版 15 位）", "is not 18 (or legacy 15) characters long"),
    "impossible_date": ("出生日期不存在", "has a birth date that does not exist"),
    "future_date": ("出生日期晚于今天", "has a birth date in the future"),
    "too_old": (f"出生年份早于 {EARLIEST_BIRTH_YEAR} 年", f"has a birth year before {EARLIEST_BIRTH_YEAR}"),
    "checksum": ("校验码错误", "has a wrong check character"),
    "unknown_division": ("前 6 位不是任何时期的行政区划代码", "starts with 6 digits that were never a division code"),
}


class InvalidCitizenID(ValueError):
    """A citizen ID number that cannot be accepted; ``reason`` is one of :data:`REASONS`.

    The message is bilingual, names the reason code, and shows the number only masked.
    """

    def __init__(self, reason: str, text: str = "") -> None:
        self.reason = reason
        self.masked = mask(text)
        zh, en = _MESSAGES[reason]
        shown = f" {self.masked}" if self.masked else ""
        self.zh = f"身份号码{shown}{'：' if shown else ''}{zh}（{reason}）"
        self.en = f"ID number{shown} {en} ({reason})"
        super().__init__(f"{self.zh} / {self.en}")


@dataclass(frozen=True)
class CitizenID:
    """A parsed, valid citizen ID number. ``number`` is the normalised 18-character form."""

    number: str
    division: str
    birth_date: date
    sex: str
    sequence: str
    check: str
    upgraded: bool = False
    """True when the input was a legacy 15-digit number."""

    @property
    def masked(self) -> str:
        """The display form (first 6, ``********``, last 4)."""
        return mask(self.number)

    def __repr__(self) -> str:
        # A repr ends up in logs and tracebacks: show the masked number only.
        return f"CitizenID({self.masked!r})"


def upgrade_15(text: str) -> str:
    """The 18-character form of a legacy 15-digit number: ``19`` inserted before the year, check character added.

    Only the shape is checked here (``empty``, ``characters``, ``length``); :func:`parse_id` checks the rest.
    The century is always 19: the rare legacy numbers of people born in the 1800s come out a century late.
    """
    number = normalise(text)
    _check_shape(number, text)
    if len(number) != 15:
        raise InvalidCitizenID("length", text)
    first17 = number[:6] + "19" + number[6:]
    return first17 + check_character(first17)


def parse_id(text: str | None, *, today: date | None = None, check_division: bool = True) -> CitizenID:
    """Parse and validate a citizen ID number (18 characters, or a legacy 15 that is upgraded).

    Whitespace is removed, full-width digits and ``ｘ``/``Ｘ``/``x`` are normalised. ``today`` (default: the
    system date) bounds the birth date. Raises :class:`InvalidCitizenID` with the first failing reason in the
    order given in this module's docstring.
    """
    raw = text or ""
    number = normalise(raw)
    _check_shape(number, raw)
    upgraded = len(number) == 15
    if upgraded:
        number = upgrade_15(number)
    birth_date = _birth_date(number, raw, today or date.today())
    if not upgraded and check_character(number[:17]) != number[17]:
        raise InvalidCitizenID("checksum", raw)
    if check_division and not is_known(number[:6]):  # the table loads on first use only
        raise InvalidCitizenID("unknown_division", raw)
    return CitizenID(
        number=number,
        division=number[:6],
        birth_date=birth_date,
        sex="M" if int(number[16]) % 2 == 1 else "F",
        sequence=number[14:17],
        check=number[17],
        upgraded=upgraded,
    )


def is_valid(text: str | None, *, today: date | None = None, check_division: bool = True) -> bool:
    """True when :func:`parse_id` accepts the number."""
    try:
        parse_id(text, today=today, check_division=check_division)
    except InvalidCitizenID:
        return False
    return True


def make_id(division: str, birth_date: date, sequence: int | str, *, sex: str | None = None) -> str:
    """An 18-character number with a correct check character, for synthetic data and tests.

    ``sequence`` is the 3-digit order code (0-999); its last digit gives the sex (odd male). If ``sex`` ("M"/"F")
    is given it must agree with that parity. The division is not looked up, so any 6 digits are accepted.
    """
    if len(division) != 6 or not division.isascii() or not division.isdigit():
        raise ValueError(f"division must be 6 digits, got {division!r}")
    if birth_date.year < 1000:
        raise ValueError(f"birth year must have 4 digits, got {birth_date.year}")
    order = int(sequence)
    if not 0 <= order <= 999:
        raise ValueError(f"sequence must be 0-999, got {sequence!r}")
    if sex is not None:
        if sex not in ("M", "F"):
            raise ValueError(f"sex must be 'M' or 'F', got {sex!r}")
        if (order % 2 == 1) != (sex == "M"):
            raise ValueError(f"sequence {order:03d} has the wrong parity for sex {sex} (odd is male)")
    first17 = f"{division}{birth_date:%Y%m%d}{order:03d}"
    return first17 + check_character(first17)


def _check_shape(number: str, raw: str) -> None:
    """The three structural checks, in their order: empty, characters, length."""
    if not number:
        raise InvalidCitizenID("empty", raw)
    body = number[:-1] if number.endswith("X") else number
    if body and not (body.isascii() and body.isdigit()):
        raise InvalidCitizenID("characters", raw)
    if len(number) == 18 or (len(number) == 15 and body == number):
        return
    raise InvalidCitizenID("length", raw)


def _birth_date(number: str, raw: str, today: date) -> date:
    """The birth date of an 18-character number, or the date reason it fails."""
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise InvalidCitizenID("impossible_date", raw) from None
    if born > today:
        raise InvalidCitizenID("future_date", raw)
    if born.year < EARLIEST_BIRTH_YEAR:
        raise InvalidCitizenID("too_old", raw)
    return born
