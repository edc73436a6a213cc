"""Constants shared by the report tests (a uniquely named module: test folders have no __init__.py)."""

from __future__ import annotations

from datetime import date

SCALE = 0.0005  # about 10 000 persons: every district has people, births and deaths in 2016-2020
YEAR = 2020
TODAY = date(2021, 3, 1)  # a fixed extraction date, so the source lines are known
