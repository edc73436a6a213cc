"""Plan targets, their evaluation, early warning, facility demand and impact assessment (规划评估、预警与公共服务).

- :mod:`renkou.plan.targets`: target strings ("~1.6", "<=14", ">8", "60..70", "falling") and comparisons (pure).
- :mod:`renkou.plan.loader`: plan files (YAML) validated with line-numbered bilingual errors.
- :mod:`renkou.plan.evaluate`: status of each indicator from its value, history and trend (pure).
- :mod:`renkou.plan.warnings`: configurable early-warning rules over indicator series and facility capacity (pure),
  and :func:`renkou.plan.warnings.after_ingest`, which evaluates and stores them after every ingest.
- :mod:`renkou.plan.store`: the plan's tables in the register (stored warnings for the dashboard, capacity).
- :mod:`renkou.plan.projected`: indicators at the target year under the projection's low / medium / high variants.
- :mod:`renkou.plan.gather`: the register side: indicator values at several as-of dates via ``renkou stats``.
- :mod:`renkou.plan.facilities`: public-service facility demand by area and year, and gaps to capacity (pure);
  :mod:`renkou.plan.facility_files` reads the standards (YAML) and capacity (CSV) files.
- :mod:`renkou.plan.impact`: impact scenarios (housing, university, settlement quota) as extra migrants (pure);
  :mod:`renkou.plan.population` projects the register and re-runs the medium variant with them.
- :mod:`renkou.plan.assess`: facility and impact results as JSON (the shapes the CLI, report and dashboard read).
- :mod:`renkou.plan.report`: the mid-term / end-term evaluation report (HTML, PDF, Word).
- :func:`demo_step`: the plan's step of ``renkou demo`` (:mod:`renkou.plan.demo`).
"""

from renkou.plan.demo import demo_step

__all__ = ["demo_step"]
