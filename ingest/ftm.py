"""FollowTheMoney entities (JSON lines, as OpenSanctions / yente export) → canonical rows.

The JSON is read directly (no `followthemoney` dependency: the package pulls ~40
packages, among them PyICU built from source against the ICU C library, SQLAlchemy and
rdflib, for what is here a dozen property look-ups).

- Company → enterprise (company); Organization / LegalEntity → other_organisation;
  PublicBody → state_body. Key: a valid USCC in `registrationNumber`, `taxNumber`,
  `innCode` or `idNumber`, else `FTM:<id>`. `addressEntity` → the address of that
  Address entity (when it is in the file), `incorporationDate` → established,
  `dissolutionDate` → dissolved.
- Person → person. Key: a valid citizen ID number in `idNumber` / `nationalId` /
  `taxNumber` (ric), else `FTM:<id>` (other).
- Directorship (director → organization, role, dates) → a role: the `role` text picks
  legal_representative, supervisor, board_secretary, cfo, manager, principal or director
  (the default); the director must be a person.
- Ownership (owner → asset, percentage, dates) → a shareholding; no percentage → the
  range [0, 100], flagged.
- Sanction (entity, authority, program, reason, dates) → a measure `FTM:<id>` of kind
  procurement_exclusion when the program or provisions speak of debarment or
  procurement, executive_disqualification for a disqualification, joint_punishment
  otherwise; authority from `authority`, legal basis from program, provisions, reason.
- Family (person, relative, relationship), Associate (person, associate) and UnknownLink
  (subject, object, role) → a row of `relations` (family / associate links, never
  carrying a measure); Passport and Identification → their `number` is an identifier of
  the holder; Address entities are consumed by the parties that point at them; every
  other schema is refused with the reason.
- Entity references resolve through ids and `referents` (merged ids). A partial date
  (`2019`, `2019-05`) leaves a start unknown (flagged) and is refused as an end.

>>> role_of("General Director"), role_of("董事会秘书"), role_of("")
('manager', 'board_secretary', 'director')
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from credtrace.ingest.fields import FieldError
from credtrace.ingest.interop import (
    Converted,
    Record,
    Row,
    is_partial_date,
    iso_day,
    read_records,
    valid_ric,
    valid_uscc,
)
from credtrace.ingest.vocabulary import canonical

ENTERPRISES = {"Company": "company", "Organization": "other_organisation",
               "LegalEntity": "other_organisation", "PublicBody": "state_body"}
USCC_PROPS = ("registrationNumber", "taxNumber", "innCode", "idNumber")
RIC_PROPS = ("idNumber", "nationalId", "taxNumber")
PERSON_IDS = (*RIC_PROPS, "passportNumber", "socialSecurityNumber")
#: Documents whose `number` is an identifier of their `holder`.
DOCUMENTS = ("Passport", "Identification")
#: Words of a Directorship's role, first match wins (lower-case substrings).
ROLE_WORDS = (
    ("legal representative", "legal_representative"), ("法定代表人", "legal_representative"),
    ("supervis", "supervisor"), ("监事", "supervisor"),
    ("secretary", "board_secretary"), ("秘书", "board_secretary"),
    ("financ", "cfo"), ("cfo", "cfo"), ("财务", "cfo"),
    ("general director", "manager"), ("chief executive", "manager"), ("ceo", "manager"),
    ("manag", "manager"), ("经理", "manager"),
    ("principal", "principal"), ("负责人", "principal"),
)
SANCTION_KINDS = (
    (("debar", "procurement"), "procurement_exclusion"),
    (("disqualif",), "executive_disqualification"),
)
DEFAULT_SANCTION = "joint_punishment"
ARTICLE = {"person": "a person", "enterprise": "an enterprise"}


@dataclass(frozen=True)
class Party:
    """A party entity resolved to its canonical key."""

    key: str
    kind: str  # "enterprise" or "person"


def role_of(text: str) -> str:
    """The canonical role named by a Directorship's `role` text: a title of
    `role_titles.csv`, else the first of `ROLE_WORDS` it contains, else director."""
    listed = canonical("role_titles", text) if text.strip() else None
    if listed is not None:
        return listed
    lowered = text.lower()
    return next((role for word, role in ROLE_WORDS if word in lowered), "director")


def sanction_kind(texts: list[str]) -> str:
    """The measure kind for a Sanction, from its program, provisions and reason."""
    lowered = " ".join(texts).lower()
    return next((kind for words, kind in SANCTION_KINDS if any(w in lowered for w in words)),
                DEFAULT_SANCTION)


def values(entity: dict[str, Any], prop: str) -> list[str]:
    """The values of a property (FtM properties are lists of strings)."""
    properties = entity.get("properties") or {}
    if not isinstance(properties, dict):
        raise FieldError("properties", type(properties).__name__, "expected an object")
    found = properties.get(prop)
    if found is None:
        return []
    if not isinstance(found, list) or not all(isinstance(v, str) for v in found):
        raise FieldError(f"properties.{prop}", repr(found), "expected a list of strings")
    return [v.strip() for v in found if v.strip()]


def first(entity: dict[str, Any], prop: str) -> str:
    """The first value of a property, or empty."""
    found = values(entity, prop)
    return found[0] if found else ""


class Reader:
    """Converts one file: parties first (so references resolve), then relationships."""

    def __init__(self, out: Converted, records: list[Record]) -> None:
        self.out, self.records = out, []
        self.by_id: dict[str, dict[str, Any]] = {}
        for line, entity in records:
            if not isinstance(entity.get("id"), str) or not entity["id"]:
                out.reject(line, "id", repr(entity.get("id")), "is required")
                continue
            self.records.append((line, entity))
            referents = entity.get("referents")
            for ident in [entity["id"], *(referents if isinstance(referents, list) else [])]:
                if isinstance(ident, str):
                    self.by_id.setdefault(ident, entity)
        self.parties: dict[int, Party] = {}  # id() of the entity → its party
        self.documents: dict[str, list[str]] = {}  # a person's id → numbers of its documents
        for _, entity in self.records:
            if entity.get("schema") in DOCUMENTS:
                for holder in values(entity, "holder"):
                    self.documents.setdefault(holder, []).extend(
                        f"{entity['schema'].upper()}:{n}" for n in values(entity, "number"))
        self.relations = {"Directorship": self.directorship, "Ownership": self.ownership,
                          "Sanction": self.sanction, "Family": self.family,
                          "Associate": self.associate, "UnknownLink": self.unknown_link}

    def run(self) -> Converted:
        for step in (self.party, self.relation):  # parties first, so references resolve
            for line, entity in self.records:
                try:
                    step(line, entity)
                except FieldError as err:
                    self.out.refuse(line, err)
        return self.out

    def relation(self, line: int, entity: dict[str, Any]) -> None:
        schema = entity.get("schema")
        if schema in self.relations:
            self.relations[schema](line, entity)
        elif schema in DOCUMENTS:
            self.ref(entity, "holder", "person")  # its number is the person's identifier
        elif schema not in (*ENTERPRISES, "Person", "Address"):
            raise FieldError("schema", str(schema), "this schema is not modelled")

    # --- parties --------------------------------------------------------------------
    def party(self, line: int, entity: dict[str, Any]) -> None:
        schema = entity.get("schema")
        if schema == "Person":
            ric = next((r for p in RIC_PROPS for v in values(entity, p) if (r := valid_ric(v))),
                       None)
            key = ric or f"FTM:{entity['id']}"
            self.out.add("persons", line, {"person_id": key, "name": self.name(entity),
                                           "id_type": "ric" if ric else "other",
                                           "identifiers": ";".join([
                                               self.known_as(entity, PERSON_IDS),
                                               *self.documents_of(entity)])})
            self.parties[id(entity)] = Party(key, "person")
        elif schema in ENTERPRISES:
            key = next((u for p in USCC_PROPS for v in values(entity, p) if (u := valid_uscc(v))),
                       f"FTM:{entity['id']}")
            dissolved = first(entity, "dissolutionDate")
            self.out.add("enterprises", line, {
                "uscc": key, "name": self.name(entity), "kind": ENTERPRISES[schema],
                "status": "dissolved" if dissolved else "",
                "established": self.date(line, entity, "incorporationDate", start=True),
                "address": self.address(line, entity),
                "phone": first(entity, "phone"), "email": first(entity, "email"),
                "identifiers": self.known_as(entity, (*USCC_PROPS, "leiCode", "ogrnCode",
                                                      "vatCode", "swiftBic")),
            })
            self.parties[id(entity)] = Party(key, "enterprise")

    def documents_of(self, entity: dict[str, Any]) -> list[str]:
        """The numbers of the passports and identifications held by a person entity."""
        referents = entity.get("referents")
        ids = [entity["id"], *(referents if isinstance(referents, list) else [])]
        return [n for i in ids if isinstance(i, str) for n in self.documents.get(i, [])]

    @staticmethod
    def known_as(entity: dict[str, Any], props: tuple[str, ...]) -> str:
        """The identifiers a party answers to: its id, its referents (merged ids) and the
        numbers of `props`."""
        referents = entity.get("referents")
        ids = [entity["id"], *(r for r in (referents if isinstance(referents, list) else [])
                               if isinstance(r, str))]
        return ";".join([*(f"FTM:{i}" for i in ids),
                         *(v for p in props for v in values(entity, p))])

    @staticmethod
    def name(entity: dict[str, Any]) -> str:
        caption = entity.get("caption")
        return caption.strip() if isinstance(caption, str) and caption.strip() \
            else first(entity, "name")

    def address(self, line: int, entity: dict[str, Any]) -> str:
        for ref in values(entity, "addressEntity"):
            target = self.by_id.get(ref)
            if target is not None and target.get("schema") == "Address":
                return first(target, "full") or str(target.get("caption") or "")
            self.out.reject(line, "properties.addressEntity", ref,
                            "address entity not in this file; address left empty", "warning")
        return first(entity, "address")

    def date(self, line: int, entity: dict[str, Any], prop: str, *, start: bool) -> str:
        """An ISO day; a partial one is unknown for a start (flagged), refused for an end."""
        value = iso_day(first(entity, prop) or None, f"properties.{prop}")
        if value and is_partial_date(value):
            if not start:
                raise FieldError(f"properties.{prop}", value,
                                 "imprecise end date: cannot tell when it ended")
            self.out.reject(line, f"properties.{prop}", value,
                            "imprecise date: kept as unknown", "warning")
            return ""
        return value

    def ref(self, entity: dict[str, Any], prop: str, kind: str | None = None) -> Party:
        """The party a property points at (through ids and referents)."""
        ident = first(entity, prop)
        target = self.by_id.get(ident)
        party = self.parties.get(id(target)) if target is not None else None
        if party is None:
            schema = None if target is None else target.get("schema")
            what = ("no entity in this file" if target is None
                    else "an entity that was refused" if schema in (*ENTERPRISES, "Person")
                    else f"a {schema}, not a company, organisation or person")
            raise FieldError(f"properties.{prop}", ident, f"refers to {what}")
        if kind is not None and party.kind != kind:
            raise FieldError(f"properties.{prop}", ident,
                             f"refers to {ARTICLE[party.kind]}; expected {ARTICLE[kind]}")
        return party

    def interval(self, line: int, entity: dict[str, Any], start: str = "startDate") -> Row:
        return {"start": self.date(line, entity, start, start=True),
                "end": self.date(line, entity, "endDate", start=False)}

    # --- relationships --------------------------------------------------------------
    def directorship(self, line: int, entity: dict[str, Any]) -> None:
        person = self.ref(entity, "director", "person")
        organisation = self.ref(entity, "organization", "enterprise")
        self.out.add("roles", line, {"enterprise": organisation.key, "person": person.key,
                                     "role": role_of(first(entity, "role")),
                                     **self.interval(line, entity)})

    def ownership(self, line: int, entity: dict[str, Any]) -> None:
        owner = self.ref(entity, "owner")
        asset = self.ref(entity, "asset", "enterprise")
        row: Row = {"enterprise": asset.key, "holder": owner.key, "holder_kind": owner.kind,
                    "percentage": first(entity, "percentage"),
                    "interest": first(entity, "role") or "ownership",
                    **self.interval(line, entity)}
        if not row["percentage"]:
            row.update(pct_min="0", pct_max="100")
            self.out.reject(line, "properties.percentage", "",
                            "share not stated: kept as the range [0, 100]", "warning")
        self.out.add("shareholdings", line, row)

    def sanction(self, line: int, entity: dict[str, Any]) -> None:
        subject = self.ref(entity, "entity")
        basis = [v for p in ("program", "provisions", "reason") for v in values(entity, p)]
        start = "startDate" if first(entity, "startDate") else "listingDate"
        self.out.add("measures", line, {
            "measure_id": f"FTM:{entity['id']}", "subject": subject.key,
            "subject_kind": subject.kind, "kind": sanction_kind(basis), "conduct_date": "",
            "authority": first(entity, "authority"), "legal_basis": "; ".join(basis),
            "status": "active", **self.interval(line, entity, start),
        })


    def link(self, line: int, entity: dict[str, Any], ends: tuple[str, str],
             words: str) -> None:
        """A family, associate or unknown link between the parties of `ends`."""
        who, other = (self.ref(entity, prop) for prop in ends)
        said = first(entity, words)
        word = said if said and canonical("relation_words", said) else \
            "family" if entity.get("schema") == "Family" else "associate" \
            if entity.get("schema") == "Associate" else "unknown_link"
        if word != said and said:
            self.out.reject(line, f"properties.{words}", said,
                            f"relation not in relation_words.csv: loaded as {word}", "warning")
        self.out.add("relations", line, {
            "person": who.key, "person_kind": who.kind, "relative": other.key,
            "relative_kind": other.kind, "relation": word, **self.interval(line, entity)})

    def family(self, line: int, entity: dict[str, Any]) -> None:
        self.link(line, entity, ("person", "relative"), "relationship")

    def associate(self, line: int, entity: dict[str, Any]) -> None:
        self.link(line, entity, ("person", "associate"), "relationship")

    def unknown_link(self, line: int, entity: dict[str, Any]) -> None:
        self.link(line, entity, ("subject", "object"), "role")


def convert(path: Path) -> Converted:
    """Rows of the canonical tables from a FollowTheMoney JSON-lines file."""
    out = Converted(path.name, "entities")
    return Reader(out, read_records(path, out)).run()
