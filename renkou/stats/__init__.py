"""Population statistics: indicators, life tables and the figures of the annual report.

The demographic arithmetic (for example :mod:`renkou.stats.lifetable`) is pure NumPy with no I/O; reading and writing
files lives in the ``*_io`` modules and the command line in :mod:`renkou.stats.cli`.
"""
