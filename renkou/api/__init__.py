"""The service core: accounts, roles and permissions, sessions and API tokens, the hash-chained audit log, the
clerk's person endpoint and the public aggregate query service with small-cell suppression.

Layout (one concept per module): :mod:`~renkou.api.app` (the FastAPI factory), :mod:`~renkou.api.permissions`
(the one permission mechanism every endpoint declares), :mod:`~renkou.api.accounts` and :mod:`~renkou.api.sessions`,
:mod:`~renkou.api.audit`, :mod:`~renkou.api.suppression` (pure), :mod:`~renkou.api.published` (the public tables),
:mod:`~renkou.api.persons`, :mod:`~renkou.api.service` (the database, its lock, caches), ``routers/`` (one router
per area) and :mod:`~renkou.api.cli` (``renkou serve``, ``renkou admin``).
"""
