"""Personal data in answers: person identifiers masked for viewers without the right to see them.

A person's key is their ID number (or passport number), so it can surface anywhere in an
answer: a party ``{"kind": "Person", "id": …}``, a ``"person"`` field of an evidence step,
a path's node or a relationship's ``source`` / ``target``, a subgraph node, a measure's
``subject``, a dictionary key, or inside a sentence of a ``reason``. `redact` first finds
the person ids of the answer, then replaces every occurrence of each.

Found as a person id:

- ``id`` / ``uid`` of a dictionary whose ``kind`` is ``Person``;
- the text value of ``person``, ``person_id`` or ``id_number``;
- ``subject`` when ``subject_kind`` is ``person``, ``holder`` when ``holder_kind`` is
  ``person``;
- any citizen ID number written in a text, in any of its written forms (`written_ids`:
  a lower-case ``x``, digits grouped by spaces or hyphens, full-width or other Unicode
  digits, glued to Latin letters), with a plausible birth date and the check character
  (`graph.personal.is_citizen_id`), that is not the key of an enterprise of the answer.
  Each written form is replaced by the token of the number it spells.

**Masked token.** ``4101**********0318~98d9ff17``: the mask of `graph.personal.mask_id`
(length and four characters at each end kept), then ``~`` and the first 8 hex digits of
HMAC-SHA256(key, id). The suffix keeps two persons whose masks look alike apart, and the
same person gets the same token everywhere in an answer (and in every answer made with the
same key), so an analyst can follow a person across a network without seeing the number.
The hash is keyed because ID numbers are guessable (region, birth date, three digits): a
plain hash could be reversed by trying them all; without the key it cannot. The API uses
its configured mask key; without one, a random key made once per process
(`process_key`), so tokens are stable until restart.

>>> answer = {"subject": {"id": "410105197503120318", "kind": "Person", "name": "张伟"},
...           "evidence": [{"step": "role", "person": "410105197503120318",
...                         "enterprise": "914101057123456728"}],
...           "reason": "410105197503120318 left on 2021-06-15"}
>>> out = redact(answer, reveal_ids=False, key=b"k")
>>> out["subject"]["id"]
'4101**********0318~98d9ff17'
>>> out["evidence"][0]["person"] == out["subject"]["id"], out["evidence"][0]["enterprise"]
(True, '914101057123456728')
>>> out["reason"]
'4101**********0318~98d9ff17 left on 2021-06-15'
>>> redact(answer, reveal_ids=True) == answer
True
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import re
import secrets
import unicodedata
from collections.abc import Iterator
from typing import Any, TypeVar

from credtrace.graph.model import Label
from credtrace.graph.personal import is_citizen_id, mask_id

T = TypeVar("T")

#: Fields whose text value is always a person's key.
PERSON_FIELDS = ("person", "person_id", "id_number")
#: Fields that hold a person's key when their companion field says ``person``.
KINDED_FIELDS = {"subject": "subject_kind", "holder": "holder_kind",
                 "party": "party_kind"}  # a data_quality note's fact
#: Fields that hold an enterprise's key (never masked, even if it looks like an ID number).
ENTERPRISE_FIELDS = ("enterprise", "uscc")
#: Ids shorter than this are replaced only where they are a whole value, never inside text.
MIN_INLINE = 6
SEPARATOR = "~"
SUFFIX_HEX = 8


#: Between the characters of a written ID number: spaces (any width) and hyphens or dashes.
_SEP = "[\\s\u00a0\u3000\\-\u2010-\u2015\u2212\ufe63\uff0d]"
#: 18 characters (the last may be X) with up to 3 separators between any two, on the text
#: with every digit made ASCII and every x made X; not inside a longer number.
_WRITTEN = re.compile(rf"(?<![0-9])(?=([0-9](?:{_SEP}{{0,3}}[0-9]){{16}}{_SEP}{{0,3}}[0-9X]))")
_X = frozenset("xX\uff38\uff58")
_DIGITS = re.compile(r"\d")


def _ascii(ch: str) -> str:
    """One character as the recogniser reads it: any decimal digit as ASCII, x as X."""
    if ch in _X:
        return "X"
    digit = unicodedata.decimal(ch, None)
    return str(digit) if digit is not None else ch


def written_ids(text: str) -> list[tuple[int, int, str]]:
    """(start, end, number) of each citizen ID number written in `text`, in any form.

    >>> written_ids("身份证号：４１０１０５ 1975-0312-031８，ID41010219700101003x.")
    [(5, 26, '410105197503120318'), (29, 47, '41010219700101003X')]
    >>> [n for _, _, n in written_ids("ID41010219700101003x and 9141010571234567280")]
    ['41010219700101003X']
    """
    if len(_DIGITS.findall(text)) < 17:
        return []
    plain = "".join(map(_ascii, text))
    found: list[tuple[int, int, str]] = []
    end = 0
    for match in _WRITTEN.finditer(plain):
        start, written = match.start(), match.group(1)
        stop = start + len(written)
        if start < end or (stop < len(plain) and plain[stop].isdigit()):
            continue
        number = re.sub("[^0-9X]", "", written)
        if is_citizen_id(number):
            found.append((start, stop, number))
            end = stop
    return found


@functools.cache
def process_key() -> bytes:
    """A random masking key, made on first use and kept for the life of the process."""
    return secrets.token_bytes(32)


def masked(uid: str, key: bytes | None = None) -> str:
    """The masked token of one person id (`key` None: the process's random key).

    >>> masked("E12345678", b"k")
    'E*******8~2df710e3'
    """
    digest = hmac.new(key or process_key(), uid.encode(), hashlib.sha256).hexdigest()
    return f"{mask_id(uid)}{SEPARATOR}{digest[:SUFFIX_HEX]}"


def _dicts(value: Any) -> Iterator[dict[str, Any]]:
    if isinstance(value, dict):
        yield value
        for item in value.values():
            yield from _dicts(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _dicts(item)


def _texts(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _texts(k)
            yield from _texts(v)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _texts(item)


def person_ids(answer: Any) -> set[str]:
    """The keys of the persons in an answer (see the module's list).

    >>> sorted(person_ids([{"kind": "Person", "id": "p-1"}, {"holder": "E1", "holder_kind":
    ...     "person"}, {"kind": "Enterprise", "id": "410105197503120318"}]))
    ['E1', 'p-1']
    """
    found: set[str] = set()
    enterprises: set[str] = set()
    for item in _dicts(answer):
        kind = item.get("kind")
        for name in ("id", "uid"):
            if isinstance(item.get(name), str):
                if kind == Label.PERSON:
                    found.add(item[name])
                elif kind == Label.ENTERPRISE:
                    enterprises.add(item[name])
        found.update(item[f] for f in PERSON_FIELDS if isinstance(item.get(f), str))
        found.update(item[f] for f, kind_field in KINDED_FIELDS.items()
                     if item.get(kind_field) == "person" and isinstance(item.get(f), str))
        enterprises.update(item[f] for f in ENTERPRISE_FIELDS if isinstance(item.get(f), str))
    found.update(uid for text in _texts(answer) for _, _, uid in written_ids(text))
    return {uid for uid in found if uid} - enterprises


def redact(answer: T, *, reveal_ids: bool, key: bytes | None = None,
           issued: dict[str, str] | None = None) -> T:
    """`answer` (JSON-like) with every person id replaced by its masked token, unless the
    viewer may see ID numbers (`reveal_ids`); a new value, the argument is not changed.
    `issued`, if given, receives each token handed out -> its person id."""
    if reveal_ids:
        return answer
    ids = person_ids(answer)
    if not ids:
        return answer
    tokens = {uid: masked(uid, key) for uid in ids}
    if issued is not None:
        issued.update((token, uid) for uid, token in tokens.items())
    inline = sorted((uid for uid in ids if len(uid) >= MIN_INLINE), key=lambda u: (-len(u), u))
    pattern = re.compile("|".join(map(re.escape, inline))) if inline else None

    def text(value: str) -> str:
        if value in tokens:
            return tokens[value]
        value = pattern.sub(lambda m: tokens[m.group(0)], value) if pattern else value
        for start, stop, number in reversed(written_ids(value)):
            if number in tokens:
                value = value[:start] + tokens[number] + value[stop:]
        return value

    def walk(value: Any) -> Any:
        if isinstance(value, str):
            return text(value)
        if isinstance(value, dict):
            return {walk(k): walk(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [walk(v) for v in value]
        return value

    result: T = walk(answer)
    return result
