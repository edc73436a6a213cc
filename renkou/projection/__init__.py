"""Population projection: the cohort-component method (Leslie form) with variants and stochastic intervals.

The engine (:mod:`renkou.projection.engine`) is pure NumPy; files are read and validated in
:mod:`renkou.projection.base_file` and :mod:`renkou.projection.assumptions_file`; higher-level assumptions
(TFR, e0 and migration paths, variants, stochastic trajectories) compile down to the same explicit inputs.
Nothing is imported eagerly here so that ``renkou --help`` does not pay for NumPy.
"""

from __future__ import annotations

import importlib
from typing import Any

_ENGINE_NAMES = ("Projection", "StepRates", "StepResult", "project", "project_step", "survival_ratios")
__all__ = list(_ENGINE_NAMES)


def __getattr__(name: str) -> Any:
    if name in _ENGINE_NAMES:
        return getattr(importlib.import_module("renkou.projection.engine"), name)
    raise AttributeError(name)
