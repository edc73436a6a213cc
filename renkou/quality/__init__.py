"""Data quality per department and per batch: completeness, validity, uniqueness, consistency, timeliness.

Everything is measured from what ingest already recorded (batches, quarantine reasons, duplicates, findings,
events): :mod:`renkou.quality.measure` gathers it, :mod:`renkou.quality.scores` combines it (pure), and
:mod:`renkou.quality.report` renders text, JSON or a self-contained HTML page.
"""
