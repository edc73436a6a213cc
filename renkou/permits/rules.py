"""The permit rules as data: the national regulation's periods and conditions, validated on load.

The shipped file ``data/rules-2016.yaml`` transcribes 居住证暂行条例 (国务院令第663号, 2016); a city's implementing
measures may change the local parts (a working-day issue period, a longer one up to 30 days, other reminder timing).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from renkou.register import codes
from renkou.yamlfile import read_yaml, validate

DATA_DIR = Path(__file__).parent / "data"
DEFAULT_RULES = DATA_DIR / "rules-2016.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Strict):
    """The legal text a rule file transcribes."""

    title: str = Field(min_length=1)
    number: str = ""
    promulgated: date | None = None
    effective: date | None = None
    url: str = ""


class EligibilityRules(_Strict):
    """Art. 2: months of registered residence and the codes that count as employment, residence or study."""

    min_residence_months: int = Field(ge=0, le=120)
    employment_codes: tuple[str, ...]
    study_codes: tuple[str, ...]
    housing_codes: tuple[str, ...]

    @model_validator(mode="after")
    def _known_codes(self) -> EligibilityRules:
        for key, values, code_list in (
            ("employment_codes", self.employment_codes, codes.EMPLOYMENT),
            ("study_codes", self.study_codes, codes.EMPLOYMENT),
            ("housing_codes", self.housing_codes, codes.HOUSING),
        ):
            known = {code.code for code in code_list}
            for value in values:
                if value not in known:
                    raise ValueError(f"{key}: unknown code {value!r} (one of {', '.join(sorted(known))})")
        return self


class IssueRules(_Strict):
    """Art. 9: the issue period after acceptance."""

    days: int = Field(ge=1, le=60)
    max_days: int = Field(ge=1, le=60)
    day_kind: Literal["calendar", "working"] = "calendar"
    roll_to_working_day: bool = True

    @model_validator(mode="after")
    def _order(self) -> IssueRules:
        if self.max_days < self.days:
            raise ValueError(f"max_days {self.max_days} is shorter than days {self.days}")
        return self


class EndorsementRules(_Strict):
    """Art. 10: the yearly endorsement window and the reminder."""

    window_months: int = Field(ge=1, le=6)
    roll_to_working_day: bool = True
    reminder_working_days: int = Field(ge=0, le=60)


class Fees(_Strict):
    """Art. 21: fees in yuan."""

    first_issue: float = Field(ge=0)
    endorsement: float = Field(ge=0)


class PermitRules(_Strict):
    """A complete rule file."""

    name: str = Field(min_length=1)
    source: Source
    eligibility: EligibilityRules
    issue: IssueRules
    endorsement: EndorsementRules
    fees: Fees


def load_rules(path: Path | None = None) -> PermitRules:
    """The rules in ``path`` (default: the national regulation of 2016), validated."""
    file = path or DEFAULT_RULES
    return validate(PermitRules, read_yaml(file), file)
