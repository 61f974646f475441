"""Personal identifiers in pictures, reports and exports: masked unless the viewer may see them.

A person's key is their ID number, so it must not leak through node keys, labels, tooltips
or table cells. `Masker` knows the persons of one output; it gives each a display key
(masked, made unique when two masks collide) and masks their numbers in any text.

>>> m = Masker(["410105197503120318"], reveal_ids=False)
>>> m.key("410105197503120318")
'4101**********0318'
>>> m.text("person 410105197503120318 holds")
'person 4101**********0318 holds'
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

KEEP_HEAD, KEEP_TAIL = 4, 4


def mask_id(value: str) -> str:
    """Mask an identifier, keeping its type prefix (``passport:``) and a few characters.

    >>> mask_id("passport:E12345678")
    'passport:E1*****78'
    """
    prefix, _, number = value.rpartition(":")
    if len(number) >= 12:
        masked = number[:KEEP_HEAD] + "*" * (len(number) - KEEP_HEAD - KEEP_TAIL) \
            + number[-KEEP_TAIL:]
    elif len(number) > 4:
        masked = number[:2] + "*" * (len(number) - 4) + number[-2:]
    else:
        masked = "*" * len(number)
    return f"{prefix}:{masked}" if prefix else masked


class Masker:
    """Display keys and text for the persons of one output."""

    def __init__(self, person_ids: Iterable[str], *, reveal_ids: bool) -> None:
        self.reveal = reveal_ids
        ids = sorted(set(person_ids), key=lambda s: (-len(s), s))
        self.shown: dict[str, str] = {}
        used: dict[str, int] = {}
        for uid in sorted(ids):
            base = uid if reveal_ids else mask_id(uid)
            used[base] = used.get(base, 0) + 1
            self.shown[uid] = base if used[base] == 1 else f"{base}#{used[base]}"
        # longest first, so an id that contains another is replaced whole
        self._pattern = re.compile("|".join(re.escape(i) for i in ids)) if ids else None

    def key(self, uid: str) -> str:
        """The display key of `uid` (unchanged for anything that is not a person)."""
        return self.shown.get(uid, uid)

    def text(self, value: str) -> str:
        """`value` with every person's ID number replaced by its display key."""
        if self.reveal or self._pattern is None:
            return value
        return self._pattern.sub(lambda m: self.shown[m.group(0)], value)

    def deep(self, value: Any) -> Any:
        """`value` (JSON-like) with every string masked."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {self.deep(k): self.deep(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self.deep(v) for v in value]
        return value


def person_ids_in(value: Any) -> set[str]:
    """Keys of persons anywhere in an answer: ``{"kind": "Person", "id": …}`` and
    ``"person": "<key>"`` fields.

    >>> sorted(person_ids_in([{"kind": "Person", "id": "p1"}, {"person": "p2"}]))
    ['p1', 'p2']
    """
    found: set[str] = set()
    if isinstance(value, dict):
        if value.get("kind") == "Person" and isinstance(value.get("id"), str):
            found.add(value["id"])
        if isinstance(value.get("person"), str):
            found.add(value["person"])
        for item in value.values():
            found |= person_ids_in(item)
    elif isinstance(value, list | tuple):
        for item in value:
            found |= person_ids_in(item)
    return found
