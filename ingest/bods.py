"""BODS 0.4 (Beneficial Ownership Data Standard) statements → rows of the canonical tables.

Input: a JSON array of statements (line = the statement's 1-based index) or JSON lines
(line = the real line). Statements of one `recordId` are a series (by `statementDate`, then
file order): an entity or person is its latest statement; every statement of a
relationship is its state from its effect date until the next one (valid time,
`ingest.bods_series`), so the graph keeps every interval.

- Entity → enterprise. Key: a valid USCC from a `CN-*` identifier, else the first
  identifier as `SCHEME:ID` (`GB-COH:XE9999`), else `BODS:<recordId>`. Kind from
  `entityType` (registeredEntity → company, state/stateBody → state_body, the others →
  other_organisation). Components (`isComponent`) are real entities and load too.
- Person → person. Key: a valid citizen ID number from a `CHN-*`/`CN-*` identifier (ric),
  else a passport identifier as `SCHEME:ID` (passport), else the first identifier
  (other), else `BODS:<recordId>` (other). Anonymous persons load with a placeholder name.
- Relationship → per interest:
  * ownership interests (shareholding, votingRights, rights to profit / surplus,
    beneficiary, unknown) → ONE shareholding per party, direct-or-indirect and dates: the
    figure comes from the first interest with a share (shareholding first), `interest`
    names them all. `exact` → percentage; minimum/maximum (exclusive bounds are kept as
    the bound) → pct_min/pct_max, a range stays a range; no share → [0, 100], flagged.
    `directOrIndirect`: direct → direct=true, unknown → unset (both are links of a
    chain); indirect → direct=false with the figure in `declared_indirect` (or the
    range): a declared figure, never walked, so effective ownership does not count it
    twice.
  * boardMember / boardChair → director, seniorManagingOfficial → manager (a person's
    role; a role held by a nomination arrangement passes to its nominees).
  * control interests (appointmentOfBoard, otherInfluenceOrControl, settlor, trustee,
    protector, control by contract / rules / law) → a declared `actual_controller` role
    when the interested party is a person and `beneficialOwnershipOrControl` is true;
    otherwise refused with the reason.
  * nominee / nominator → used to pass roles through nomination arrangements; not an edge.
  * `startDate`/`endDate` → the interval; a `closed` record ends open interests on its
    `statementDate`.
- Each statement is first checked against the BODS 0.4 JSON schema
  (`ingest.bods_schema`): a field credtrace reads that the schema refuses refuses the
  statement, named by its JSON path with the schema's reason; other departures load,
  flagged. Then the semantic checks (dates, duplicate ids, restatements as a series).
- An unspecified subject or interested party (an object with a `reason`) is refused with
  that reason; a malformed statement is refused with its field; the rest loads.

>>> ENTITY_KINDS["stateBody"], ROLES["seniorManagingOfficial"]
('state_body', 'manager')
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from credtrace.ingest.bods_schema import WARNING_KIND, violations
from credtrace.ingest.bods_series import Statement, Window, windows
from credtrace.ingest.fields import FieldError, parse_date, parse_percentage
from credtrace.ingest.interop import (
    Converted,
    Record,
    Row,
    foreign_key,
    iso_day,
    read_records,
    valid_ric,
    valid_uscc,
)

ENTITY_KINDS = {
    "registeredEntity": "company", "legalEntity": "other_organisation",
    "arrangement": "other_organisation", "anonymousEntity": "other_organisation",
    "unknownEntity": "other_organisation", "state": "state_body", "stateBody": "state_body",
}
STATE_SUBTYPES = {"governmentDepartment", "stateAgency"}
#: Interests that carry a share, in the order their figure is preferred.
OWNERSHIP = (
    "shareholding", "votingRights", "rightsToProfitOrIncome",
    "rightsToSurplusAssetsOnDissolution", "beneficiaryOfLegalArrangement",
    "rightToProfitOrIncomeFromAssets", "enjoymentAndUseOfAssets", "unknownInterest",
    "unpublishedInterest",
)
ROLES = {"boardMember": "director", "boardChair": "director",
         "seniorManagingOfficial": "manager"}
CONTROL = {
    "appointmentOfBoard", "otherInfluenceOrControl", "controlViaCompanyRulesOrArticles",
    "controlByLegalFramework", "rightsGrantedByContract", "conditionalRightsGrantedByContract",
    "settlor", "trustee", "protector",
}
NOMINATION = {"nominee", "nominator"}
DIRECTNESS = {"direct": "true", "indirect": "false", "unknown": ""}
EARLIEST_BIRTH = "1880"


@dataclass(frozen=True)
class Party:
    """An entity or person statement resolved to its canonical key."""

    key: str
    kind: str  # "enterprise" or "person"
    name: str
    nomination: bool = False  # an arrangement of subtype nomination


@dataclass(frozen=True)
class Interest:
    """One interest of a relationship statement, validated."""

    path: str
    type: str
    direct: str  # "true", "false" or "" (unknown)
    beneficial: bool
    exact: str = ""
    low: str = ""
    high: str = ""
    start: str = ""
    end: str = ""


def _obj(value: Any, field: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise FieldError(field, repr(value), "expected an object")
    return value


def _objs(value: Any, field: str) -> list[dict[str, Any]]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise FieldError(field, repr(value), "expected a list of objects")
    return value


def _str(value: Any, field: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise FieldError(field, repr(value), "expected text")
    return value.strip()


def _date(value: Any, field: str) -> str:
    return parse_date(iso_day(value, field), field) or ""


def _pct(share: dict[str, Any], names: tuple[str, ...], path: str) -> str:
    """The first of `names` given, a number 0–100 (the schema saw to that)."""
    for name in names:
        value = share.get(name)
        if value is not None:
            return str(parse_percentage(str(value), f"{path}.{name}"))
    return ""


def _unspecified(details: dict[str, Any], name: str) -> str:
    """Why a party has no details, from its `unspecified*Details`."""
    info = details.get(name)
    if not isinstance(info, dict):
        return "not given"
    return ": ".join(str(info[k]) for k in ("reason", "description") if info.get(k))


# --- parties ------------------------------------------------------------------------
def _identifiers(details: dict[str, Any]) -> list[tuple[str, str]]:
    found = []
    for i, ident in enumerate(_objs(details.get("identifiers"), "recordDetails.identifiers")):
        scheme = _str(ident.get("scheme"), f"recordDetails.identifiers[{i}].scheme")
        value = _str(ident.get("id"), f"recordDetails.identifiers[{i}].id")
        if scheme and value:
            found.append((scheme.upper(), value))
    return found


def _known_as(record_id: str, identifiers: list[tuple[str, str]]) -> str:
    """The identifiers a party answers to: its record id and every identifier stated."""
    return ";".join([f"BODS:{record_id}", *(foreign_key(*i) for i in identifiers)])


def _entity(line: int, record_id: str, details: dict[str, Any], out: Converted) -> Party:
    entity_type = details["entityType"]  # required, its type from the codelist (schema)
    kind_code = entity_type["type"]
    subtype = _str(entity_type.get("subtype"), "recordDetails.entityType.subtype")
    kind = "state_body" if subtype in STATE_SUBTYPES else ENTITY_KINDS[kind_code]
    key = ""
    identifiers = _identifiers(details)
    for scheme, value in identifiers:
        if scheme.startswith("CN-"):
            key = valid_uscc(value) or ""
            if not key:
                out.reject(line, "recordDetails.identifiers", value,
                           f"{scheme} identifier is not a valid USCC; kept as {scheme}:ID",
                           "warning")
    if not key:
        key = foreign_key(*identifiers[0]) if identifiers else f"BODS:{record_id}"
    name = _str(details.get("name"), "recordDetails.name")
    if not name:
        name = f"({kind_code}: {_unspecified(details, 'unspecifiedEntityDetails')})"
        out.reject(line, "recordDetails.name", "", f"no name; shown as {name}", "warning")
    dissolved = _date(details.get("dissolutionDate"), "recordDetails.dissolutionDate")
    founded = _date(details.get("foundingDate"), "recordDetails.foundingDate")
    if dissolved and founded and dissolved < founded:
        raise FieldError("recordDetails.dissolutionDate", dissolved,
                         f"dissolved before its founding date {founded}")
    out.add("enterprises", line, {
        "uscc": key, "name": name, "kind": kind, "status": "dissolved" if dissolved else "",
        "established": founded,
        "address": _address(details),
        "identifiers": _known_as(record_id, identifiers),
    })
    return Party(key, "enterprise", name, subtype == "nomination")


def _address(details: dict[str, Any]) -> str:
    addresses = _objs(details.get("addresses"), "recordDetails.addresses")
    addresses.sort(key=lambda a: a.get("type") != "registered")
    return _str(addresses[0].get("address"), "recordDetails.addresses.address") \
        if addresses else ""


def _person(line: int, record_id: str, details: dict[str, Any], out: Converted) -> Party:
    today = date.today().isoformat()
    born = _str(details.get("birthDate"), "recordDetails.birthDate")  # YYYY[-MM[-DD]]
    died = _str(details.get("deathDate"), "recordDetails.deathDate")
    if born and not EARLIEST_BIRTH <= born <= today:
        raise FieldError("recordDetails.birthDate", born, "not a possible birth date")
    if died and (died < born or died > today):
        raise FieldError("recordDetails.deathDate", died, "before birth or in the future")
    identifiers = _identifiers(details)
    rics = [ric for scheme, value in identifiers
            if scheme.startswith(("CHN-", "CN-")) and (ric := valid_ric(value))]
    passports = [i for i in identifiers if i[0].endswith("PASSPORT")]
    if rics:
        key, id_type = rics[0], "ric"
    elif passports or identifiers:
        key, id_type = foreign_key(*(passports or identifiers)[0]), \
            "passport" if passports else "other"
    else:
        key, id_type = f"BODS:{record_id}", "other"
    name = _person_name(details)
    if not name:
        person_type = _str(details.get("personType"), "recordDetails.personType") or "person"
        name = f"({person_type}: {_unspecified(details, 'unspecifiedPersonDetails')})"
        out.reject(line, "recordDetails.names", "", f"no name; shown as {name}", "warning")
    out.add("persons", line, {"person_id": key, "name": name, "id_type": id_type,
                              "identifiers": _known_as(record_id, identifiers)})
    return Party(key, "person", name)


def _person_name(details: dict[str, Any]) -> str:
    names = _objs(details.get("names"), "recordDetails.names")
    names.sort(key=lambda n: n.get("type") != "legal")
    for item in names:
        full = _str(item.get("fullName"), "recordDetails.names.fullName")
        parts = [_str(item.get(k), f"recordDetails.names.{k}") for k in ("givenName",
                                                                         "familyName")]
        if full or any(parts):
            return full or " ".join(p for p in parts if p)
    return ""


# --- relationships ------------------------------------------------------------------
def _interests(details: dict[str, Any], closed_on: str, window: Window, line: int,
               out: Converted) -> list[Interest]:
    """The validated interests, within the statement's `window` of the record's series; a
    relationship without any has one of unknown type. A closed record ends every open
    interest on its statement date. An interest ending on its start day (valid BODS) holds
    that day; one whose window closes before it starts is superseded, flagged."""
    result = []
    items = _objs(details.get("interests"), "recordDetails.interests") or [{}]
    for i, item in enumerate(items):
        path = f"recordDetails.interests[{i}]"
        kind = item.get("type") or "unknownInterest"  # codes from the codelists (schema)
        direct = item.get("directOrIndirect") or "unknown"
        share = _obj(item.get("share"), f"{path}.share")
        start = _date(item.get("startDate"), f"{path}.startDate")
        end = _date(item.get("endDate"), f"{path}.endDate") or closed_on
        if start and end and end < start:
            raise FieldError(f"{path}.endDate", end, f"end before start {start}")
        if start and end == start:
            end = (date.fromisoformat(start) + timedelta(days=1)).isoformat()
        start = max(start, window.start)
        if window.until and (not end or window.until < end):
            end = window.until
        if start and end and end <= start:
            out.reject(line, f"{path}.startDate", start, f"superseded by the record's "
                       f"statement at line {window.next_line} from {end}", "warning")
            continue
        result.append(Interest(
            path, kind, DIRECTNESS[direct], item.get("beneficialOwnershipOrControl") is True,
            _pct(share, ("exact",), f"{path}.share"),
            _pct(share, ("minimum", "exclusiveMinimum"), f"{path}.share"),
            _pct(share, ("maximum", "exclusiveMaximum"), f"{path}.share"), start, end,
        ))
    return result


def _holding(subject: Party, party: Party, group: list[Interest], line: int,
             out: Converted) -> None:
    """One shareholding from the ownership interests of one party, directness and dates."""
    group.sort(key=lambda i: OWNERSHIP.index(i.type))
    first = group[0]
    figure = next((i for i in group if i.exact or i.low or i.high), first)
    row: Row = {
        "enterprise": subject.key, "holder": party.key, "holder_kind": party.kind,
        "interest": ";".join(dict.fromkeys(i.type for i in group)), "direct": first.direct,
        "start": first.start, "end": first.end, "pct_min": figure.low, "pct_max": figure.high,
    }
    if not (figure.exact or figure.low or figure.high):
        row.update(pct_min="0", pct_max="100")
        out.reject(line, f"{figure.path}.share", "", "share not stated: kept as the range "
                   "[0, 100] so the chain stays traceable", "warning")
    if figure.exact:
        row.update(pct_min="", pct_max="")
        row["declared_indirect" if first.direct == "false" else "percentage"] = figure.exact
    out.add("shareholdings", line, row)


def _roles(subject: Party, party: Party, interest: Interest, role: str, line: int,
           out: Converted, nominees: dict[str, list[Party]]) -> None:
    holders = [party] if party.kind == "person" else nominees.get(party.key, [])
    if not holders:
        out.reject(line, f"{interest.path}.type", interest.type,
                   f"{role} is a role of a natural person; {party.name} is an entity")
    for holder in holders:
        if holder is not party:
            out.reject(line, f"{interest.path}.type", interest.type,
                       f"held through the nomination arrangement {party.name}: "
                       f"{role} given to its nominee {holder.name}", "warning")
        out.add("roles", line, {"enterprise": subject.key, "person": holder.key,
                                "role": role, "start": interest.start, "end": interest.end})


def _relationship(line: int, details: dict[str, Any], closed_on: str, window: Window,
                  out: Converted, parties: dict[str, Party],
                  nominees: dict[str, list[Party]]) -> None:
    interests = _interests(details, closed_on, window, line, out)  # its own content first
    subject = _party(details, "subject", parties)
    party = _party(details, "interestedParty", parties)
    if subject.kind != "enterprise":
        raise FieldError("recordDetails.subject", subject.key, "the subject must be an entity")
    ownership: dict[tuple[str, str, str], list[Interest]] = {}
    for interest in interests:
        if interest.type in OWNERSHIP:
            same = (interest.direct, interest.start, interest.end)
            ownership.setdefault(same, []).append(interest)
        elif interest.type in ROLES:
            _roles(subject, party, interest, ROLES[interest.type], line, out, nominees)
        elif interest.type in NOMINATION:
            out.reject(line, f"{interest.path}.type", interest.type,
                       "nomination link: passes the arrangement's roles to its nominees; "
                       "not stored as an edge", "warning")
        elif party.kind == "person" and interest.beneficial:
            _roles(subject, party, interest, "actual_controller", line, out, nominees)
        else:
            out.reject(line, f"{interest.path}.type", interest.type,
                       "a control interest is loaded as a declared actual controller only "
                       "for a natural person with beneficialOwnershipOrControl true")
    for group in ownership.values():
        _holding(subject, party, group, line, out)


def _party(details: dict[str, Any], name: str, parties: dict[str, Party]) -> Party:
    value = details.get(name)
    field = f"recordDetails.{name}"
    if isinstance(value, dict):
        raise FieldError(field, str(value.get("reason", "")),
                         f"{name} unspecified ({_unspecified(details, name)}); nothing to link")
    record_id = _str(value, field)
    if record_id not in parties:
        raise FieldError(field, record_id, "refers to no entity or person statement in this "
                         "file (or to one that was refused)")
    return parties[record_id]


def _nominees(statements: list[tuple[str, dict[str, Any]]],
              parties: dict[str, Party]) -> dict[str, list[Party]]:
    """Nomination arrangement key → the persons who are its nominees."""
    result: dict[str, list[Party]] = {}
    for kind, details in statements:
        subject = parties.get(str(details.get("subject")))
        party = parties.get(str(details.get("interestedParty")))
        interests = details.get("interests")
        if kind != "relationship" or not (subject and party and isinstance(interests, list)):
            continue
        if subject.nomination and party.kind == "person" and any(
                isinstance(i, dict) and i.get("type") == "nominee" for i in interests):
            result.setdefault(subject.key, []).append(party)
    return result


# --- statements ---------------------------------------------------------------------
Dated = tuple[str, int, dict[str, Any]]  # statementDate, line, statement


def _conforms(line: int, statement: dict[str, Any], out: Converted) -> None:
    """Check `statement` against the BODS 0.4 schema: raise on the first violation that
    refuses it, else flag every departure (`ingest.bods_schema`)."""
    if "recordType" not in statement and "statementType" in statement:
        raise FieldError("recordType", "", "BODS 0.4 expected (statementType is 0.2/0.3)")
    found = violations(statement)
    refusal = next((v for v in found if v.refused), None)
    if refusal is not None:
        raise FieldError(refusal.field, refusal.value, refusal.reason)
    for v in found:
        out.reject(line, v.field, v.value, f"{WARNING_KIND}: {v.reason}", "warning",
                   WARNING_KIND)


def _records(records: list[Record], out: Converted) -> dict[str, list[Dated]]:
    """recordId -> its statements in statement order (statementDate, then file order). A
    statement the BODS 0.4 schema refuses, one without a recordId, a repeated statementId
    or a date in the future is refused."""
    series: dict[str, list[Dated]] = {}
    ids: dict[str, int] = {}
    today = date.today().isoformat()
    for line, statement in records:
        try:
            _conforms(line, statement, out)
            statement_id = _str(statement.get("statementId"), "statementId")
            if not statement_id:
                raise FieldError("statementId", "", "is required")
            if statement_id in ids:
                raise FieldError("statementId", statement_id,
                                 f"duplicate of the statement at line {ids[statement_id]}")
            record_id = _str(statement.get("recordId"), "recordId")
            if not record_id:
                raise FieldError("recordId", "", "is required")
            day = _date(statement.get("statementDate"), "statementDate")
            if day > today:
                raise FieldError("statementDate", day, "in the future")
        except FieldError as err:
            out.refuse(line, err)
            continue
        ids[statement_id] = line
        series.setdefault(record_id, []).append((day, line, statement))
    for statements in series.values():
        statements.sort(key=lambda dated: dated[:2])
    return series


def _given_dates(statement: dict[str, Any], name: str) -> tuple[str, ...]:
    """The readable `name` dates of a statement's interests (validated later, in full)."""
    details = statement.get("recordDetails")
    items = details.get("interests") if isinstance(details, dict) else None
    found = []
    for item in items if isinstance(items, list) else []:
        value = item.get(name) if isinstance(item, dict) else None
        if isinstance(value, str) and len(value) >= 10:
            found.append(value[:10])
    return tuple(found)


def _windows(statements: list[Dated]) -> list[Window]:
    return windows([Statement(line, day, _given_dates(st, "startDate"),
                              _given_dates(st, "endDate"), st.get("recordStatus") == "closed")
                    for day, line, st in statements])


def _applied(records: list[Record], out: Converted
             ) -> list[tuple[int, str, dict[str, Any], Window]]:
    """(line, recordId, statement, window) in file order: the latest statement of an
    entity or person record; every statement of a relationship record, each with its
    window of valid time (`ingest.bods_series`)."""
    applied = []
    for record_id, statements in _records(records, out).items():
        if statements[-1][2].get("recordType") == "relationship":
            by_line = {line: st for _, line, st in statements}
            applied += [(w.line, record_id, by_line[w.line], w) for w in _windows(statements)]
        else:
            _, line, statement = statements[-1]
            applied.append((line, record_id, statement, Window(line, "", "", None)))
    return sorted(applied, key=lambda item: item[0])


def convert(path: Path) -> Converted:
    """Rows of the canonical tables from a BODS 0.4 file, with the statements refused."""
    out = Converted(path.name, "statements")
    statements = []
    for line, record_id, statement, window in _applied(read_records(path, out), out):
        # recordType and recordDetails are required and typed (`_records` checked)
        statements.append((line, record_id, statement["recordType"],
                           statement["recordDetails"], statement, window))
    parties: dict[str, Party] = {}
    for line, record_id, kind, details, _, _ in statements:
        convert_party = {"entity": _entity, "person": _person}.get(kind)
        if convert_party is not None:
            try:
                parties[record_id] = convert_party(line, record_id, details, out)
            except FieldError as err:
                out.refuse(line, err)
    nominees = _nominees([(kind, details) for _, _, kind, details, _, _ in statements],
                         parties)
    for line, _, kind, details, statement, window in statements:
        if kind == "relationship":
            try:
                _relationship(line, details, _closed_on(statement), window, out, parties,
                              nominees)
            except FieldError as err:
                out.refuse(line, err)
    return out


def _closed_on(statement: dict[str, Any]) -> str:
    """The day a closed record ends its open interests: its statement date."""
    if statement.get("recordStatus") != "closed":
        return ""
    day = _date(statement.get("statementDate"), "statementDate")
    if not day:
        raise FieldError("statementDate", "", "a closed record needs the date it closed")
    return day
