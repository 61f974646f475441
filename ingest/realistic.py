"""The `realistic` generator profile: what real registers have and the base generator lacks.

`generate_bundle` gives each company at most one corporate parent, so holdings above an
enterprise form a small tree. This profile writes the base bundle for part of the
enterprises and appends, deterministically from the seed:

- **groups** (`GROUP_SHARE` of the enterprises): one or two natural persons at the top, a
  layer of holding companies, operating companies each held by two or three of them, and a
  layer below each held by two operating companies, so ownership chains split and rejoin;
  a cross-holding (two operating companies holding each other) and a cycle (a bottom
  company taking a stake in a holding company) in every `CYCLE_EVERY`-th group;
- **nominee hubs**: a few persons who sit as director or supervisor of hundreds of
  enterprises (`NOMINEE_BOARDS` each);
- **family clusters**: `relations.csv` (the bundle's table: `person, relative, relation,
  start, end`, relations 配偶 / 父母 / 子女 / 兄弟姐妹 / associate) linking each group's
  top persons to relatives who hold shares or roles in the group;
- **registered-agent addresses**: every group company registered at one of a few agents'
  addresses (`AGENT_ADDRESSES`), so each address is shared by thousands of enterprises at
  1M (suspected links through them are hub links).

>>> import tempfile
>>> out = Path(tempfile.mkdtemp())
>>> counts = generate_realistic(out, 400, seed=1)
>>> counts["enterprises.csv"], counts["relations.csv"] > 0
(400, True)
"""

from __future__ import annotations

import csv
import random
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from credtrace.ingest.generate import generate_bundle
from credtrace.ingest.identifiers import make_ric, make_uscc

#: Share of the enterprises that belong to multi-parent groups.
GROUP_SHARE = 0.2
#: Every this many groups has a cross-holding and a cycle.
CYCLE_EVERY = 3
#: Enterprises per nominee hub's boards, and enterprises per hub.
NOMINEE_BOARDS = 300
ENTERPRISES_PER_HUB = 20_000
AGENT_ADDRESSES = ("郑州市金水区花园路39号商务中心1808室（代理）",
                   "郑州市郑东新区商务外环路3号中华大厦22层（集中登记）",
                   "郑州市二七区大学路80号财富广场9层（代理）")
RELATIONS_HEADER = ("person", "relative", "relation", "start", "end")
FAMILY = ("配偶", "子女", "兄弟姐妹", "父母", "associate")
SURNAMES = "王李张刘陈杨赵黄周吴"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平"
BRANDS = ("宏达", "鑫源", "华信", "恒泰", "中原", "豫丰", "金鼎", "瑞祥", "嘉禾", "天成")
TRADES = ("投资控股", "实业", "商贸", "建设工程", "物流", "科技")
REGIONS = ("410105", "410102", "410103", "410104", "410122", "410181")


class _Groups:
    """Appends the group structures, hubs and families to the open bundle files."""

    def __init__(self, rng: random.Random, files: dict[str, Any],
                 existing: list[str]) -> None:
        self.rng, self.files, self.existing = rng, files, existing
        self.counts = dict.fromkeys(files, 0)
        self.seen: set[str] = set()
        self.serial = 0

    def write(self, table: str, *row: object) -> None:
        self.files[table].writerow(row)
        self.counts[table] += 1

    def person(self, birth_year: int = 0) -> str:
        rng = self.rng
        while True:
            birth = date(birth_year or rng.randint(1955, 1995), rng.randint(1, 12),
                         rng.randint(1, 28))
            key = make_ric(rng, rng.choice(REGIONS), birth, rng.choice(("male", "female")))
            if key not in self.seen:
                break
        self.seen.add(key)
        name = rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2))))
        self.write("persons", key, name, "ric")
        return key

    def company(self, brand: str, trade: str, established: date, representative: str) -> str:
        rng = self.rng
        while True:
            key = make_uscc(rng, rng.choice(REGIONS), established=established)
            if key not in self.seen:
                break
        self.seen.add(key)
        self.serial += 1
        day = established.isoformat()
        self.write("enterprises", key, f"郑州{brand}{trade}{self.serial}号有限公司", "company",
                   "active", day, rng.choice(AGENT_ADDRESSES), "", "")
        self.write("roles", key, representative, "legal_representative", day, "")
        return key

    def holds(self, holder: str, kind: str, enterprise: str, pct: float, day: date) -> None:
        self.write("shareholdings", enterprise, holder, kind, f"{pct:g}", day.isoformat(), "")

    def group(self, size: int, twisted: bool) -> int:
        """One group of `size` (≥ 6) companies; `twisted`: with a cross-holding and a cycle.
        Percentages above each company sum to 100."""
        rng = self.rng
        brand = rng.choice(BRANDS)
        founded = date(rng.randint(2005, 2015), rng.randint(1, 12), rng.randint(1, 28))
        top = [self.person() for _ in range(rng.choice((1, 2)))]
        spouse, child = self.person(), self.person(rng.randint(1985, 1998))
        self.write("relations", top[0], spouse, "配偶", "", "")
        self.write("relations", top[0], child, "子女", "", "")
        holdings = [self.company(brand, "投资控股", founded, rng.choice(top))
                    for _ in range(max(2, size // 6))]
        for index, holding in enumerate(holdings):
            room = 95.0 if twisted and index == 0 else 100.0  # 5 % will come from below
            for person, part in zip(top, (0.6, 0.4) if len(top) == 2 else (1.0,), strict=True):
                self.holds(person, "person", holding, room * part, founded)
        later = date(founded.year + 2, founded.month, founded.day)
        operating = []
        for index in range(max(2, size // 2)):
            company = self.company(brand, rng.choice(TRADES), later, rng.choice((spouse, child)))
            parents = rng.sample(holdings, min(len(holdings), rng.choice((2, 3))))
            room = 90.0 if twisted and index < 2 else 100.0  # 10 % held crosswise
            for parent, part in zip(parents, (0.5, 0.3, 0.2) if len(parents) == 3
                                    else (0.55, 0.45), strict=True):
                self.holds(parent, "enterprise", company, room * part, later)
            operating.append(company)
        bottom_day = date(founded.year + 4, founded.month, founded.day)
        last = operating[-1]
        for _ in range(size - len(holdings) - len(operating)):
            last = self.company(brand, "商贸", bottom_day, child)
            a, b = rng.sample(operating, 2)  # two parents that share the holdings above
            self.holds(a, "enterprise", last, 51.0, bottom_day)
            self.holds(b, "enterprise", last, 49.0, bottom_day)
        if twisted:
            first, second = operating[:2]
            self.holds(first, "enterprise", second, 10.0, bottom_day)  # cross-holding
            self.holds(second, "enterprise", first, 10.0, bottom_day)
            self.holds(last, "enterprise", holdings[0], 5.0, bottom_day)  # a cycle
        return size

    def nominee(self) -> None:
        hub = self.person()
        associate = self.person()
        self.write("relations", hub, associate, "associate", "", "")
        for enterprise in self.rng.sample(self.existing, min(NOMINEE_BOARDS,
                                                             len(self.existing))):
            self.write("roles", enterprise, hub, self.rng.choice(("director", "supervisor")),
                       "", "")


def generate_realistic(out_dir: Path, enterprises: int, seed: int, *,
                       progress: Callable[[int], None] | None = None) -> dict[str, int]:
    """Write the realistic profile's bundle of `enterprises` enterprises; rows per file."""
    grouped = int(enterprises * GROUP_SHARE)
    grouped = grouped if grouped >= 6 else 0
    counts = generate_bundle(out_dir, enterprises - grouped, seed, progress=progress)
    with (out_dir / "enterprises.csv").open(encoding="utf-8", newline="") as fh:
        existing = [row["uscc"] for row in csv.DictReader(fh)]
    with (out_dir / "persons.csv").open(encoding="utf-8", newline="") as fh:
        people = {row["person_id"] for row in csv.DictReader(fh)}
    rng = random.Random(f"realistic-{seed}")
    relations = out_dir / "relations.csv"
    relations.write_text(",".join(RELATIONS_HEADER) + "\n", encoding="utf-8")
    tables = ("enterprises", "persons", "roles", "shareholdings", "relations")
    handles = {t: (out_dir / f"{t}.csv").open("a", encoding="utf-8", newline="") for t in tables}
    try:
        gen = _Groups(rng, {t: csv.writer(h, lineterminator="\n") for t, h in handles.items()},
                      existing)
        gen.seen.update(existing, people)  # no key of the basic part is made twice
        made, number = 0, 0
        while grouped - made >= 6:
            size = rng.randint(6, 40)
            if grouped - made - size < 6:
                size = grouped - made
            number += 1
            made += gen.group(size, twisted=number % CYCLE_EVERY == 0)
        for _ in range(enterprises // ENTERPRISES_PER_HUB + 1):
            gen.nominee()
    finally:
        for handle in handles.values():
            handle.close()
    for table, rows in gen.counts.items():
        counts[f"{table}.csv"] = counts.get(f"{table}.csv", 0) + rows
    return counts
