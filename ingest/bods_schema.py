"""A BODS 0.4 statement checked against the standard's JSON schema, as its own tools do.

The schema (`ingest/data/bods-0.4`: the standard's files, Apache-2.0, see the README
there) is compiled once per process, every `$ref` resolved from that folder by a registry
(no network). The check runs before anything else reads a statement, so a refusal names
the statement's own broken field, as a JSON path, with the schema's reason:

- **refused**: a field credtrace reads (ids, record type and status, dates, names,
  identifiers, subject, interested party, interests and shares) of the wrong type,
  outside its codelist, not a date, outside 0–100 — or a key it cannot do without
  (statementId, recordId, recordType, recordDetails, entityType, subject, interestedParty)
  missing;
- **flagged** (loads, warning `not BODS 0.4`): any other departure, e.g. a statementId
  shorter than 32 characters, no declarationSubject, an address type outside its codelist.

>>> ok = {"statementId": "8729fec1-eb01-4866-ba40-dd5525d43db8", "declarationSubject": "c",
...       "recordId": "c", "recordType": "entity", "statementDate": "2020-01-01",
...       "recordDetails": {"isComponent": False, "entityType": {"type": "registeredEntity"}}}
>>> violations(ok)
[]
>>> [(v.field, v.refused) for v in violations({**ok, "statementId": "c1", "recordType": 7})]
[('statementId', False), ('recordType', True)]
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema_rs

from credtrace.ingest.fields import FieldError, parse_date

SCHEMA_DIR = Path(__file__).parent / "data" / "bods-0.4"
STATEMENT = "urn:statement#/$defs/Statement"
WARNING_KIND = "not BODS 0.4"
_INTEREST = "recordDetails.interests[]"
#: Fields credtrace reads (array indexes as `[]`): a value it cannot read refuses.
READ = frozenset({
    "statementId", "recordId", "recordType", "recordStatus", "statementDate", "recordDetails",
    "recordDetails.entityType", "recordDetails.entityType.type", "recordDetails.name",
    "recordDetails.foundingDate", "recordDetails.dissolutionDate", "recordDetails.birthDate",
    "recordDetails.deathDate", "recordDetails.names", "recordDetails.names[].fullName",
    "recordDetails.names[].givenName", "recordDetails.names[].familyName",
    "recordDetails.addresses", "recordDetails.addresses[].address",
    "recordDetails.identifiers", "recordDetails.identifiers[].scheme",
    "recordDetails.identifiers[].id", "recordDetails.subject", "recordDetails.interestedParty",
    "recordDetails.interests", _INTEREST,
    *(f"{_INTEREST}.{name}" for name in ("type", "directOrIndirect", "share", "startDate",
                                         "endDate", "beneficialOwnershipOrControl")),
    *(f"{_INTEREST}.share.{name}" for name in ("exact", "minimum", "maximum",
                                               "exclusiveMinimum", "exclusiveMaximum")),
})
#: Required fields without which a statement cannot be read at all.
KEYS = frozenset({"statementId", "recordId", "recordType", "recordDetails",
                  "recordDetails.entityType", "recordDetails.entityType.type",
                  "recordDetails.subject", "recordDetails.interestedParty"})
#: Schema keywords whose failure means a value cannot be read.
UNREADABLE = frozenset({"type", "enum", "format", "anyOf", "oneOf", "minimum", "maximum",
                        "exclusiveMinimum", "exclusiveMaximum"})


@dataclass(frozen=True)
class Violation:
    """One departure of a statement from the schema."""

    field: str  # JSON path in the statement, e.g. recordDetails.interests[0].share.exact
    value: str
    reason: str
    refused: bool


@cache
def _validator() -> Any:
    documents = [json.loads(path.read_text("utf-8")) for path in SCHEMA_DIR.glob("*.json")]
    registry = jsonschema_rs.Registry([(doc["$id"], doc) for doc in documents])
    return jsonschema_rs.validator_for({"$ref": STATEMENT}, registry=registry,
                                       validate_formats=True)


def _path(parts: list[str | int]) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in parts).lstrip(".")


def _shown(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)[:200]


def _violation(error: Any) -> Violation:
    kind, field = error.kind.name, _path(list(error.instance_path))
    if kind == "required":
        field = f"{field}.{error.kind.property}".lstrip(".")
        return Violation(field, "", error.message, field in KEYS)
    reason = error.message
    if kind == "format" and error.kind.format == "date":
        try:
            parse_date(error.instance, field)
        except FieldError as err:
            reason = err.reason  # the reason credtrace gives for a date everywhere
    refused = kind in UNREADABLE and re.sub(r"\[\d+\]", "[]", field) in READ
    return Violation(field, _shown(error.instance), reason, refused)


def violations(statement: dict[str, Any]) -> list[Violation]:
    """Where `statement` departs from the BODS 0.4 schema (none for a valid one), the first
    violation of each field."""
    validator = _validator()
    if validator.is_valid(statement):
        return []
    found: dict[str, Violation] = {}
    for error in validator.iter_errors(statement):
        violation = _violation(error)
        found.setdefault(violation.field, violation)
    return list(found.values())
