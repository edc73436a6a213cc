"""Government information disclosure (政府信息公开): working-day calendar, request deadlines, replies and fees.

Pure domain code, no storage or web:

- :mod:`.calendar` — ``WorkingCalendar``: China's official working days (chinesecalendar + holiday notices);
- :mod:`.notices` — holiday notices as YAML the officer can add; ``load_calendar()`` builds the calendar;
- :mod:`.receipt` — ``Channel`` and ``receipt_date()``: the legal receipt day by channel (art. 31);
- :mod:`.events` — the events of a request (received, correction, extension, consultation, fee, answer...);
- :mod:`.workflow` — ``RequestState`` and ``replay()``: the request state machine;
- :mod:`.responses` — ``ResponseKind`` and ``WithholdingGround`` with their articles (arts. 14-16, 35-39);
- :mod:`.deadlines` — ``compute_deadlines(events, calendar)``: due dates, provisional flag, explanation trail;
- :mod:`.fees`, :mod:`.fee_rules` — fee arithmetic (国办函〔2020〕109号) and its YAML schedule.

This package module imports nothing heavy so ``renkou --help`` stays fast; import the submodules you need.
"""
