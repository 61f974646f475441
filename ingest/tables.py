"""The canonical bundle's tables: their columns and how one row becomes graph writes.

Every importer (CSV bundle, BODS, FollowTheMoney) produces rows of these tables, so all
data passes the same validation. A converter returns the writes for one row, plus the
references it needs to exist, or raises `FieldError`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from credtrace.graph.identifiers import identifier_key
from credtrace.graph.lifecycle import EVENTS, STATUSES
from credtrace.graph.model import MODEL, Label, Rel
from credtrace.graph.store import EntityRow, edge_key
from credtrace.ingest.fields import (
    FieldError,
    choice,
    parse_bool,
    parse_date,
    parse_interval,
    parse_number,
    parse_percentage,
    required,
    split_list,
    text,
)
from credtrace.ingest.identifiers import IdentifierError, validate_ric, validate_uscc
from credtrace.ingest.sectors import codes, sector
from credtrace.ingest.vocabulary import canonical

ID_TYPES = ("ric", "passport", "other")
CONTACT_FIELDS = ("address", "phone", "email")
_BESIDE_WIDE = re.compile(r" (?=[^\x00-\x7f])|(?<=[^\x00-\x7f]) ")


@dataclass(slots=True)
class Writes:
    """What one row writes, its own key, and the keys it refers to (kind label, key, field)."""

    key: str = ""
    nodes: list[tuple[str, EntityRow]] = field(default_factory=list)
    edges: list[tuple[str, EntityRow]] = field(default_factory=list)
    refs: list[tuple[str, str, str]] = field(default_factory=list)
    warnings: list[tuple[str, str, str]] = field(default_factory=list)  # field, message, kind


def uscc(value: str | None, field: str) -> str:
    """An enterprise key: a valid USCC in canonical form, or `SCHEME:ID` for an entity from
    another register (e.g. `GB-COH:XE9999` from a BODS or FollowTheMoney import).

    >>> uscc("gb-coh:XE9999", "uscc")
    'GB-COH:XE9999'
    """
    raw = required(value, field)
    scheme, colon, ident = raw.partition(":")
    if colon:
        if not scheme.strip() or not ident.strip():
            raise FieldError(field, raw, "a foreign identifier needs SCHEME:ID")
        return f"{scheme.strip().upper()}:{ident.strip()}"
    try:
        return validate_uscc(raw)
    except IdentifierError as exc:
        raise FieldError(field, raw, str(exc)) from None


def contact_value(field: str, value: str) -> str:
    """A contact in one canonical form, however it was typed: full-width to half-width;
    a phone as its digits (area code kept, a `+86`/`0086` country code dropped); an address
    with single spaces and none beside a Chinese character; an e-mail lower-case.

    >>> contact_value("phone", "＋86 (0371) 1234-5678"), contact_value("address", "金水路 １号")
    ('037112345678', '金水路1号')
    >>> contact_value("address", " Aston  House, London ")
    'Aston House, London'
    """
    value = unicodedata.normalize("NFKC", value).strip()
    if field == "phone":
        digits = "".join(ch for ch in value if ch.isdigit())
        for prefix in ("0086", "86"):
            if digits.startswith(prefix) and len(digits) - len(prefix) >= 10:
                return digits[len(prefix):]
        return digits
    if field == "email":
        return value.lower()
    return _BESIDE_WIDE.sub("", " ".join(value.split()))


def add_identifiers(writes: Writes, party: str, given: list[str]) -> None:
    """Index the identifiers a party is known by in its sources (`identifiers`: `;`-separated,
    each `SCHEME:ID` or a bare id); a `SCHEME:ID` answers to its bare id too."""
    forms = {identifier_key(v) for v in given}
    forms |= {identifier_key(v.partition(":")[2]) for v in given if ":" in v}
    forms.discard("id:")
    forms.discard(identifier_key(party))  # the key itself resolves directly
    for uid in sorted(forms):
        writes.nodes.append((Label.IDENTIFIER, EntityRow(uid, {"value": uid[3:]})))
        writes.edges.append((Rel.HAS_IDENTIFIER, EntityRow(
            edge_key(Rel.HAS_IDENTIFIER, party, uid), {}, source=party, target=uid)))


def from_vocabulary(writes: Writes, row: dict[str, str], name: str, vocabulary: str,
                    default: str, unknown: str) -> str:
    """The canonical value of a registry term (`default` when empty); a term the vocabulary
    does not list loads as `unknown`, with a warning."""
    term = text(row.get(name))
    if term is None:
        return default
    found = canonical(vocabulary, term)
    if found is None:
        writes.warnings.append((name, f"not in ingest/data/{vocabulary}.csv: loaded as "
                                      f"{unknown}", f"unknown {name}"))
        return unknown
    return found


def enterprise(row: dict[str, str]) -> Writes:
    """An enterprise; its kind and status in a registry's words (`ingest.vocabulary`)."""
    key = uscc(row.get("uscc"), "uscc")
    writes = Writes(key=key)
    content: dict[str, Any] = {
        "name": required(row.get("name"), "name"),
        "kind": from_vocabulary(writes, row, "kind", "enterprise_kinds", "company",
                                "other_organisation"),
        "status": from_vocabulary(writes, row, "status", "enterprise_statuses", "unknown",
                                  "unknown"),
        "established": parse_date(row.get("established"), "established"),
    }
    for name in CONTACT_FIELDS:
        raw = text(row.get(name))
        value = contact_value(name, raw) if raw else None
        content[name] = value or raw
        if value:
            contact = f"{name}:{value}"
            found = {"field": name, "value": value}
            writes.nodes.append((Label.CONTACT, EntityRow(contact, found)))
            writes.edges.append((Rel.HAS_CONTACT, EntityRow(
                edge_key(Rel.HAS_CONTACT, key, contact), {"field": name}, source=key,
                target=contact,
            )))
    writes.nodes.insert(0, (Label.ENTERPRISE, EntityRow(key, content)))
    old_number = [key[8:17]] if ":" not in key else []  # the organisation code in a USCC
    add_identifiers(writes, key, [*old_number, *split_list(row.get("identifiers"))])
    return writes


def person(row: dict[str, str]) -> Writes:
    id_type = choice(row.get("id_type") or "ric", "id_type", ID_TYPES)
    raw = required(row.get("person_id"), "person_id")
    writes = Writes(key=raw)
    key, id_number = raw, None
    if id_type == "ric":
        try:
            result = validate_ric(raw)
        except IdentifierError as exc:
            raise FieldError("person_id", raw, str(exc)) from None
        key = id_number = result.value
        writes.warnings.extend(("person_id", w, "unknown region code")
                               for w in result.warnings)
    content = {"name": required(row.get("name"), "name"), "id_type": id_type,
               "id_number": id_number}
    writes.nodes.append((Label.PERSON, EntityRow(key, content)))
    add_identifiers(writes, key, split_list(row.get("identifiers")))
    return writes


def person_key(value: str | None, field: str) -> str:
    """A person reference: a citizen ID number is canonicalised, other ids kept as given."""
    raw = required(value, field)
    if len(raw) == 18 and raw[:17].isdigit():
        return raw.upper()
    return raw


def role_type(value: str | None) -> str:
    """The relationship type of a role title in a registry's words (`role_titles.csv`)."""
    term = required(value, "role")
    found = canonical("role_titles", term)
    if found is None:
        raise FieldError("role", term, "unknown role title; add it to "
                         "ingest/data/role_titles.csv or give one of " + ", ".join(MODEL.roles))
    return MODEL.roles[found]


def role(row: dict[str, str]) -> Writes:
    rel_type = role_type(row.get("role"))
    ent = uscc(row.get("enterprise"), "enterprise")
    who = person_key(row.get("person"), "person")
    start, end = parse_interval(row.get("start"), row.get("end"))
    holder_label = MODEL.rel(rel_type).source
    uid = edge_key(rel_type, who, ent, start)
    return Writes(
        key=uid,
        edges=[(rel_type, EntityRow(uid, {"start": start, "end": end},
                                    source=who, target=ent))],
        refs=[(Label.ENTERPRISE, ent, "enterprise"), (holder_label, who, "person")],
    )


def holder_key(row: dict[str, str]) -> tuple[str, str]:
    """The holder's key and label from `holder` and `holder_kind`."""
    kind = choice(row.get("holder_kind") or "person", "holder_kind", ("person", "enterprise"))
    if kind == "enterprise":
        return uscc(row.get("holder"), "holder"), Label.ENTERPRISE
    return person_key(row.get("holder"), "holder"), Label.PERSON


def shareholding(row: dict[str, str]) -> Writes:
    """A holding: an exact `percentage`, or a `pct_min`/`pct_max` range kept as a range.

    `direct=false` marks a declared indirect interest (BODS `directOrIndirect: indirect`):
    its figure is `declared_indirect` (or a range); it is reported beside the computed
    effective ownership and never walked as a link of a chain, so it is not counted twice.
    """
    ent = uscc(row.get("enterprise"), "enterprise")
    holder, label = holder_key(row)
    if holder == ent:
        raise FieldError("holder", holder, "an enterprise cannot hold its own shares")
    start, end = parse_interval(row.get("start"), row.get("end"))
    pct = parse_percentage(row.get("percentage"), "percentage", required_=False)
    low = parse_percentage(row.get("pct_min"), "pct_min", required_=False)
    high = parse_percentage(row.get("pct_max"), "pct_max", required_=False)
    direct = None if text(row.get("direct")) is None else parse_bool(row.get("direct"), "direct")
    declared = parse_percentage(row.get("declared_indirect"), "declared_indirect",
                                required_=False)
    if direct is False and pct is not None:
        raise FieldError("percentage", str(pct), "an indirect holding (direct=false) is a "
                         "declared figure, not a link: give it as declared_indirect")
    if direct is not False and declared is not None:
        raise FieldError("declared_indirect", str(declared), "needs direct=false")
    if pct is None and low is None and high is None and declared is None:
        raise FieldError("percentage", "", "percentage (or a pct_min/pct_max range) is required")
    if low is not None and high is not None and low > high:
        raise FieldError("pct_min", str(low), f"range minimum above maximum {high}")
    content = {
        "start": start, "end": end, "percentage": pct, "pct_min": low, "pct_max": high,
        "capital": parse_number(row.get("capital"), "capital"),
        "interest": text(row.get("interest")), "direct": direct, "declared_indirect": declared,
    }
    # a declared indirect figure and a direct holding of the same parties are two facts
    uid = edge_key(Rel.HOLDS_SHARES, holder, ent, start, *(["indirect"] if direct is False else []))
    return Writes(
        key=uid,
        edges=[(Rel.HOLDS_SHARES, EntityRow(uid, content,
                                          source=holder, target=ent))],
        refs=[(Label.ENTERPRISE, ent, "enterprise"), (label, holder, "holder")],
    )


#: Labels of family and associate relations (`relation_words.csv` gives the words).
FAMILY_RELATIONS = {"spouse": "配偶", "parent": "父母", "child": "子女", "sibling": "兄弟姐妹",
                    "family": "亲属"}


def relation(row: dict[str, str]) -> Writes:
    """A family or associate link: `relation` is what `relative` is to `person` (配偶,
    父母, 子女, 兄弟姐妹, associate, …, words of `relation_words.csv`). Family links join
    two persons; an associate or unknown link any two parties (`*_kind`). Such links are
    their own category: they explain, and never carry a measure (R2)."""
    term = required(row.get("relation"), "relation")
    found = canonical("relation_words", term)
    if found is None:
        raise FieldError("relation", term, "unknown relation; add it to "
                         "ingest/data/relation_words.csv")
    rel_type = Rel.FAMILY if found in FAMILY_RELATIONS else Rel.ASSOCIATE
    ends = []
    for name in ("person", "relative"):
        kind = choice(row.get(f"{name}_kind") or "person", f"{name}_kind",
                      ("person", "enterprise"))
        if kind == "enterprise" and rel_type == Rel.FAMILY:
            raise FieldError(f"{name}_kind", kind, "a family link joins two persons")
        ends.append((uscc(row.get(name), name), Label.ENTERPRISE) if kind == "enterprise"
                    else (person_key(row.get(name), name), Label.PERSON))
    (who, who_label), (other, other_label) = ends
    if who == other:
        raise FieldError("relative", other, "a party is not its own relative")
    start, end = parse_interval(row.get("start"), row.get("end"))
    uid = edge_key(rel_type, who, other, found)
    return Writes(
        key=uid,
        edges=[(rel_type, EntityRow(uid, {"start": start, "end": end, "relation": found},
                                    source=who, target=other))],
        refs=[(who_label, who, "person"), (other_label, other, "relative")],
    )


def measure(row: dict[str, str], *, kinds: tuple[str, ...]) -> Writes:
    """A measure, its kind checked against the catalogue's `kinds`."""
    measure_id = required(row.get("measure_id"), "measure_id")
    subject_kind = choice(row.get("subject_kind") or "enterprise", "subject_kind",
                          ("enterprise", "person"))
    if subject_kind == "enterprise":
        subject, label = uscc(row.get("subject"), "subject"), Label.ENTERPRISE
    else:
        subject, label = person_key(row.get("subject"), "subject"), Label.PERSON
    kind = choice(row.get("kind"), "kind", kinds)
    conduct = parse_date(row.get("conduct_date"), "conduct_date")
    start, end = parse_interval(row.get("start"), row.get("end"))
    if conduct and start and conduct > start:
        raise FieldError("conduct_date", conduct, f"conduct after the measure's start {start}")
    authority = required(row.get("authority"), "authority")
    content = {
        "kind": kind, "conduct_date": conduct, "start": start, "end": end,
        "authority": authority, "legal_basis": text(row.get("legal_basis")),
        "status": choice(row.get("status") or "active", "status", STATUSES),
        "subject": subject, "subject_kind": subject_kind,
        "published": parse_date(row.get("published"), "published"),  # optional column
        "sector": sector(row.get("sector")),  # optional column (行业/领域)
    }
    imposed = edge_key(Rel.IMPOSED_ON, measure_id, subject)
    determined = edge_key(Rel.DETERMINED_BY, measure_id, authority)
    doubtful = content["sector"] is not None and content["sector"] not in codes()
    return Writes(
        warnings=[("sector", "not in ingest/data/sectors.csv: kept, no sector rule "
                             "applies (Order No. 58's one-year minimum may be missed)",
                    "unknown sector")]
        if doubtful else [],
        key=measure_id,
        nodes=[(Label.AUTHORITY, EntityRow(authority, {"name": authority})),
               (Label.MEASURE, EntityRow(measure_id, content))],
        edges=[
            (Rel.IMPOSED_ON, EntityRow(imposed, {"start": start, "end": end},
                                     source=measure_id, target=subject)),
            (Rel.DETERMINED_BY, EntityRow(determined, {}, source=measure_id, target=authority)),
        ],
        refs=[(label, subject, "subject")],
    )


def make_measure(kinds: set[str]) -> Callable[[dict[str, str]], Writes]:
    """The measures converter for a catalogue (picklable: loads convert in worker
    processes)."""
    return partial(measure, kinds=tuple(sorted(kinds)))


def event(row: dict[str, str]) -> Writes:
    measure_id = required(row.get("measure_id"), "measure_id")
    name = choice(row.get("event"), "event", EVENTS)
    day = parse_date(row.get("date"), "date", required_=True)
    uid = f"{measure_id}#{name}#{day}"
    content = {"measure_id": measure_id, "event": name, "date": day, "note": text(row.get("note"))}
    return Writes(
        key=uid,
        nodes=[(Label.MEASURE_EVENT, EntityRow(uid, content))],
        edges=[(Rel.EVENT_OF, EntityRow(edge_key(Rel.EVENT_OF, uid, measure_id), {"start": day},
                                      source=uid, target=measure_id))],
        refs=[(Label.MEASURE, measure_id, "measure_id")],
    )


@dataclass(frozen=True)
class Columns:
    """A table's columns in file order: those a file must have, then those it may have (an
    absent one reads as empty)."""

    required: tuple[str, ...]
    optional: tuple[str, ...] = ()

    @property
    def all(self) -> tuple[str, ...]:
        return (*self.required, *self.optional)


#: The bundle's tables in load order (parties before the relationships that refer to them)
#: and their columns: the one declaration the importer, the generator and the tests read.
TABLE_COLUMNS: dict[str, Columns] = {
    "enterprises": Columns(("uscc", "name", "kind", "status", "established", *CONTACT_FIELDS),
                           ("identifiers",)),
    "persons": Columns(("person_id", "name", "id_type"), ("identifiers",)),
    "roles": Columns(("enterprise", "person", "role", "start", "end")),
    "shareholdings": Columns(("enterprise", "holder", "holder_kind", "percentage", "start",
                              "end"),
                             ("pct_min", "pct_max", "capital", "interest", "direct",
                              "declared_indirect")),
    "relations": Columns(("person", "relative", "relation", "start", "end"),
                         ("person_kind", "relative_kind")),
    "measures": Columns(("measure_id", "subject", "subject_kind", "kind", "conduct_date",
                         "start", "end", "authority", "legal_basis", "status"),
                        ("published", "sector")),
    "enterprise_events": Columns(("event_id", "enterprise", "event", "date"),
                                 ("roles_on", "personally_responsible", "responsible_persons",
                                  "authority", "legal_basis")),
    "measure_events": Columns(("measure_id", "event", "date", "note")),
}


@dataclass(frozen=True)
class Table:
    """A bundle table: file name, required columns and its converter."""

    name: str
    convert: Callable[[dict[str, str]], Writes]

    @property
    def columns(self) -> tuple[str, ...]:
        return TABLE_COLUMNS[self.name].required

    @property
    def file(self) -> str:
        return f"{self.name}.csv"


def tables(measure_kinds: set[str]) -> tuple[Table, ...]:
    """The tables in load order (`TABLE_COLUMNS`' order)."""
    from credtrace.ingest.enterprise_events import make_enterprise_event  # it uses this module

    converters: dict[str, Callable[[dict[str, str]], Writes]] = {
        "enterprises": enterprise, "persons": person, "roles": role,
        "shareholdings": shareholding, "relations": relation,
        "measures": make_measure(measure_kinds),
        "enterprise_events": make_enterprise_event(measure_kinds), "measure_events": event,
    }
    return tuple(Table(name, converters[name]) for name in TABLE_COLUMNS)
