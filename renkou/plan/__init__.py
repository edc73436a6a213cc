"""Plan targets, their evaluation and early warning (规划目标评估与预警).

- :mod:`renkou.plan.targets`: target strings ("~1.6", "<=14", ">8", "60..70", "falling") and comparisons (pure).
- :mod:`renkou.plan.loader`: plan files (YAML) validated with line-numbered bilingual errors.
- :mod:`renkou.plan.evaluate`: status of each indicator from its value, history and trend (pure).
- :mod:`renkou.plan.warnings`: configurable early-warning rules over indicator series (pure).
- :mod:`renkou.plan.projected`: indicators at the target year under the projection's low / medium / high variants.
- :mod:`renkou.plan.gather`: the register side: indicator values at several as-of dates via ``renkou stats``.
"""
