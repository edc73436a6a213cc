"""Residence permits (居住证) under 居住证暂行条例 (国务院令第663号, 2016), on the register.

Pure domain code:

- :mod:`.rules` — the regulation's periods and conditions as a validated YAML file (``data/rules-2016.yaml``);
- :mod:`.periods` — years and months by the Civil Code's corresponding-day rule;
- :mod:`.deadlines` — issue period (art. 9) and yearly endorsement windows (art. 10) on the working calendar;
- :mod:`.eligibility` — who may apply (art. 2), with a bilingual reason for every condition;
- :mod:`.lifecycle` — ``permit_state()``: one person's permit and continuous residence years from their events;
- :mod:`.fold_arrays` — the same fold vectorised over every holder (for district lists);
- :mod:`.entitlements` — services by years held, from a YAML table with its source.

On the register: :mod:`.records` (reads), :mod:`.forms` (a clerk's form as a batch of one), :mod:`.desk` (apply,
issue, endorse, restore (the late endorsement), replace, cancel, status, recording suspensions; events ``permit_applied``, ``permit_issued``,
``permit_renewed``, ``permit_suspended``, ``permit_restored``, ``permit_replaced``, ``permit_cancelled``),
:mod:`.lists` (due and overdue per district), :mod:`.reminders` and :mod:`.contacts` (endorsement reminders for the :mod:`renkou.notify` outbox), :mod:`.cli` (``renkou permit``, every
act audited). The clerk's endpoints are :mod:`renkou.api.routers.permits` (the same acts, the same rules), their page
:mod:`renkou.web.permits_pages`.

This module imports nothing heavy so ``renkou --help`` stays fast.
"""
