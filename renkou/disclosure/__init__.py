"""Government information disclosure (政府信息公开): working-day calendar, request deadlines, replies and fees.

Pure domain code:

- :mod:`.calendar` — ``WorkingCalendar``: China's official working days (chinesecalendar + holiday notices);
- :mod:`.notices` — holiday notices as YAML the officer can add; ``load_calendar()`` builds the calendar;
- :mod:`.receipt` — ``Channel`` and ``receipt_date()``: the legal receipt day by channel (art. 31);
- :mod:`.events` — the events of a request (received, correction, extension, consultation, fee, answer...);
- :mod:`.workflow` — ``RequestState`` and ``replay()``: the request state machine;
- :mod:`.responses` — ``ResponseKind`` and ``WithholdingGround`` with their articles (arts. 14-16, 35-39);
- :mod:`.deadlines` — ``compute_deadlines(events, calendar)``: due dates, provisional flag, explanation trail;
- :mod:`.fees`, :mod:`.fee_rules` — fee arithmetic (国办函〔2020〕109号) and its YAML schedule.

Storage and output (the service's database, documents):

- :mod:`.applicants` — applicants, masking, AES-GCM sealing of their details and their keyed identity;
- :mod:`.store` — requests and their append-only events, publications, reviews and lawsuits, all audited;
- :mod:`.officer` — ``Desk``: the officer's operations (correction, extension, consultation, fee, reply, letters);
- :mod:`.views` — a request's state and deadlines as of a day, for lists, pages and the public's status;
- :mod:`.documents`, :mod:`.letters` — reply letters and fee notices as Word, HTML and PDF;
- :mod:`.publications` — the proactive publication register and its 20-working-day check (art. 26);
- :mod:`.reminders` — overdue tracking and the reminder through ``renkou.notify``;
- :mod:`.annual` — the annual work report with the tables of 国办公开办函〔2021〕30号.

This package module imports nothing heavy so ``renkou --help`` stays fast; import the submodules you need.
"""
