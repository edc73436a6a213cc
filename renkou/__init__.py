"""renkou (人口): population register, statistics, projections and public services for a city's population office."""

__version__ = "0.1.0"
