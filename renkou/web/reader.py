"""The dashboard's analytical reads: :mod:`renkou.api.analytics` (a second connection, cached until the register
changes), named here for the web part's modules."""

from __future__ import annotations

from renkou.api.analytics import analytics_register, cached

__all__ = ["analytics_register", "cached"]
