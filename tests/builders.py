"""Small bundles for rule tests: name parties with short labels, get valid keys, write CSVs.

>>> b = Bundle()
>>> _ = b.enterprise("A", "甲公司"), b.person("p", "张三")
>>> len(b.uscc("A")), len(b.ric("p"))
(18, 18)
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from credtrace.graph import Store
from credtrace.ingest import IngestReport, ingest_bundle
from credtrace.ingest.identifiers import make_ric, make_uscc
from credtrace.ingest.tables import TABLE_COLUMNS

#: Every table with all its columns, required and optional (`ingest.tables.TABLE_COLUMNS`).
COLUMNS = {name: columns.all for name, columns in TABLE_COLUMNS.items()}


@dataclass
class Bundle:
    """A bundle under construction; labels map to generated valid keys."""

    seed: int = 1
    keys: dict[str, str] = field(default_factory=dict)
    rows: dict[str, list[dict[str, str]]] = field(
        default_factory=lambda: {name: [] for name in COLUMNS})

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    def uscc(self, label: str) -> str:
        return self.keys[label]

    def ric(self, label: str) -> str:
        return self.keys[label]

    def key(self, label: str) -> str:
        return self.keys[label]

    def enterprise(self, label: str, name: str, *, kind: str = "company",
                   established: str = "2010-01-01", address: str = "", phone: str = "",
                   email: str = "", status: str = "active") -> str:
        key = self.keys[label] = make_uscc(self.rng, "410105")
        self.rows["enterprises"].append({"uscc": key, "name": name, "kind": kind,
                                         "status": status, "established": established,
                                         "address": address, "phone": phone, "email": email})
        return key

    def person(self, label: str, name: str, *, birth: date = date(1980, 1, 1),
               passport: str = "") -> str:
        """A person keyed by a citizen ID number, or by `passport` when given."""
        key = self.keys[label] = passport or make_ric(self.rng, "410105", birth, "male")
        self.rows["persons"].append({"person_id": key, "name": name,
                                     "id_type": "passport" if passport else "ric"})
        return key

    def role(self, enterprise: str, person: str, role: str, start: str = "",
             end: str = "") -> None:
        self.rows["roles"].append({"enterprise": self.keys[enterprise],
                                   "person": self.keys[person], "role": role,
                                   "start": start, "end": end})

    def holds(self, holder: str, enterprise: str, percentage: float | str, start: str = "",
              end: str = "", *, pct_min: str = "", pct_max: str = "") -> None:
        kind = "person" if self.keys[holder] in {r["person_id"] for r in self.rows["persons"]} \
            else "enterprise"
        self.rows["shareholdings"].append({
            "enterprise": self.keys[enterprise], "holder": self.keys[holder],
            "holder_kind": kind, "percentage": str(percentage), "start": start, "end": end,
            "pct_min": pct_min, "pct_max": pct_max})

    def measure(self, measure_id: str, subject: str, kind: str, *, conduct: str, start: str,
                end: str = "", status: str = "active", authority: str = "郑州市市场监督管理局",
                subject_kind: str | None = None, published: str = "", sector: str = "") -> None:
        key = self.keys[subject]
        if subject_kind is None:
            persons = {r["person_id"] for r in self.rows["persons"]}
            subject_kind = "person" if key in persons else "enterprise"
        self.rows["measures"].append({
            "measure_id": measure_id, "subject": key, "subject_kind": subject_kind,
            "kind": kind, "conduct_date": conduct, "start": start, "end": end,
            "authority": authority, "legal_basis": "《测试条例》第一条", "status": status,
            "published": published, "sector": sector})

    def relation(self, person: str, relative: str, relation: str, start: str = "",
                 end: str = "") -> None:
        """`relative` is `relation` (配偶, 子女, associate, …) to `person`."""
        persons = {r["person_id"] for r in self.rows["persons"]}
        kinds = ["person" if self.keys[x] in persons else "enterprise" for x in (person,
                                                                                 relative)]
        self.rows["relations"].append({
            "person": self.keys[person], "relative": self.keys[relative], "relation": relation,
            "start": start, "end": end, "person_kind": kinds[0], "relative_kind": kinds[1]})

    def event(self, measure_id: str, event: str, day: str, note: str = "") -> None:
        self.rows["measure_events"].append({"measure_id": measure_id, "event": event,
                                            "date": day, "note": note})

    def enterprise_event(self, event_id: str, enterprise: str, event: str, day: str, *,
                         responsible: str = "", persons: tuple[str, ...] = (),
                         roles_on: str = "", authority: str = "郑州市市场监督管理局") -> None:
        self.rows["enterprise_events"].append({
            "event_id": event_id, "enterprise": self.keys[enterprise], "event": event,
            "date": day, "roles_on": roles_on, "personally_responsible": responsible,
            "responsible_persons": ";".join(self.keys[p] for p in persons),
            "authority": authority})

    def write(self, folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        for name, columns in COLUMNS.items():
            with open(folder / f"{name}.csv", "w", encoding="utf-8", newline="") as fh:
                writer = csv.DictWriter(fh, columns)
                writer.writeheader()
                writer.writerows(self.rows[name])
        return folder

    def load(self, store: Store, folder: Path) -> IngestReport:
        """Write the bundle and ingest it; fails loudly on any rejected row."""
        report = ingest_bundle(store, self.write(folder))
        assert report.rejected == 0, report.rejects
        return report
