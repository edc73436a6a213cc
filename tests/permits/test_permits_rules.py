"""The shipped rules transcribe the regulation; a rule file with a wrong key or value is refused by name."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from renkou.errors import UserError
from renkou.permits.rules import DEFAULT_RULES, load_rules


def test_shipped_rules_are_the_2016_regulation() -> None:
    rules = load_rules()
    assert rules.source.number == "中华人民共和国国务院令第663号" and rules.source.effective == date(2016, 1, 1)
    assert rules.eligibility.min_residence_months == 6  # art. 2
    assert (rules.issue.days, rules.issue.max_days, rules.issue.day_kind) == (15, 30, "calendar")  # art. 9
    assert rules.endorsement.window_months == 1  # art. 10
    assert (rules.fees.first_issue, rules.fees.endorsement) == (0, 0)  # art. 21


def _variant(tmp_path: Path, old: str, new: str) -> Path:
    text = DEFAULT_RULES.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "rules.yaml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("max_days: 30", "max_days: 10", "max_days 10 is shorter than days 15"),
        ("housing_codes: [owned,", "housing_codes: [castle, owned,", "unknown code 'castle'"),
        ("day_kind: calendar", "day_kind: lunar", "issue.day_kind"),
        ("window_months: 1", "window_months: 0", "endorsement.window_months"),
        ("reminder_working_days: 10", "reminder_days: 10", "unknown key endorsement.reminder_days"),
        ("  first_issue: 0\n", "", "missing key fees.first_issue"),
    ],
)
def test_bad_rule_files_name_the_key(tmp_path: Path, old: str, new: str, message: str) -> None:
    path = _variant(tmp_path, old, new)
    with pytest.raises(UserError) as error:
        load_rules(path)
    assert message in str(error.value) and str(path) in str(error.value)
