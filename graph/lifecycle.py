"""A measure's life, declared once: the statuses a bundle records, the due-process events
(程序事件) that move it, and the states the queries derive from both.

Ingest validates against these names, the due-process rules and `queries.measures` decide
with them, the API accepts them and pictures draw them.

>>> [e for e in EVENTS if e not in ENDING_EVENTS]
['objection_filed', 'objection_rejected']
"""

from __future__ import annotations

#: Statuses a bundle may record for a measure (`measures.csv` `status`).
STATUSES = ("active", "under_objection", "repaired", "exited", "expired")
#: Due-process events (`measure_events.csv` `event`, the API's events) in Chinese.
EVENT_ZH = {"objection_filed": "提出异议", "objection_upheld": "异议成立",
            "objection_rejected": "异议驳回", "repaired": "信用修复", "exited": "退出名单"}
EVENTS = tuple(EVENT_ZH)
#: Events that end a measure (each can happen once); the measure's state is then the event.
ENDING_EVENTS = ("repaired", "exited", "objection_upheld")
#: The decisions on an objection.
DECISIONS = ("objection_upheld", "objection_rejected")
#: States a measure is in on a date (`queries.measures.MeasureState.status`).
STATES = ("active", "under_objection", *ENDING_EVENTS, "expired", "not_started", "uncertain")
