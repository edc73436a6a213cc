"""Early warnings evaluated after every file a steward uploads, as ``renkou ingest`` does after every ingest
(:func:`renkou.plan.warnings.after_ingest`), and stored for the dashboard in the plan part's tables
(:mod:`renkou.plan.store`) with the batch that triggered them.

The statistics behind the rules take seconds on a large register, so they run in a background thread on the
analytics connection (:func:`renkou.api.analytics.analytics_register`), never under the service's lock; only the
short write of the result takes the lock. A failure never fails the upload: it is logged in one line.
"""

from __future__ import annotations

import logging
import threading

from renkou.api.analytics import analytics_register
from renkou.api.service import Service

log = logging.getLogger("renkou.web")


def evaluate(service: Service, batch_id: int) -> None:
    """Evaluate the shipped warning rules on the register as it is now and store them (trigger ``upload``)."""
    from renkou.plan.facility_files import DEFAULT_STANDARDS, load_standards
    from renkou.plan.store import save_run
    from renkou.plan.warnings import DEFAULT_RULES, load_rules, register_warnings

    try:
        rules, standards = load_rules(DEFAULT_RULES), load_standards(DEFAULT_STANDARDS)
        with analytics_register(service) as register:
            day, found = register_warnings(register, rules, standards)
        with service.database() as engine:
            save_run(engine, day, found, trigger="upload", batches=[batch_id])
    except Exception as error:  # the upload stands whatever happens here
        log.warning("预警未能评估 / warnings not evaluated after batch %s: %s", batch_id, str(error).splitlines()[0])


def start(service: Service, batch_id: int) -> threading.Thread:
    """Run :func:`evaluate` in the background; the thread is kept on the service (joined when it closes)."""
    thread = threading.Thread(target=evaluate, args=(service, batch_id), daemon=True, name="renkou-warnings")
    service.track(thread)
    thread.start()
    return thread
