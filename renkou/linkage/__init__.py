"""Record linkage: quarantined department rows back to the register's persons.

Deterministic rules first (an ID number that is valid once normalised, a 15-digit number upgraded to 18 digits),
then a Splink (Fellegi-Sunter) model on DuckDB for what is left. Pairs above the upper threshold are linked
automatically, pairs between the thresholds wait in a clerical review queue, the rest stay unlinked. Settings are
data (a YAML file, :mod:`renkou.linkage.settings`); the quality of the result is measured against the synthetic
city's ground truth by :mod:`renkou.linkage.evaluate`.
"""
