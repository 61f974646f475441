"""Deterministic synthetic registry bundle for Zhengzhou: demos, tests and load measurements.

Rows are written as they are produced; only compact per-party arrays (codes, dates, pools
for heavy-tailed picks) stay in memory, so a million enterprises fit in bounded memory.
The same seed gives byte-identical files. Deliberate patterns: legal-representative
turnover, heavy-tailed role holders (nominees), multi-level groups, circular holdings,
changing percentages, shared "registration agent" contacts, measures with objections,
repairs and exits, and evasion by a new shell (换壳) after a measure.

Measure status is as of ``end_date``: ``repaired``/``exited`` after that event (an upheld
objection also ends the measure: ``exited``), else ``expired`` once ``end`` has passed, else
``under_objection`` while an objection awaits a decision, else ``active``.
"""

from __future__ import annotations

import csv
import random
from array import array
from collections import deque
from collections.abc import Callable
from contextlib import ExitStack
from datetime import date
from pathlib import Path
from string import ascii_lowercase
from typing import Any

from credtrace.ingest.catalogue import read_catalogue
from credtrace.ingest.enterprise_events import EVENTS
from credtrace.ingest.identifiers import REGIONS, ZHENGZHOU, Region, Sex, make_ric, make_uscc
from credtrace.ingest.tables import TABLE_COLUMNS

#: The tables generated, each with the bundle's required columns.
GENERATED = ("enterprises", "persons", "roles", "shareholdings", "measures", "measure_events")
COLUMNS = {name: TABLE_COLUMNS[name].required for name in GENERATED}
PROGRESS_EVERY = 10_000

ELSEWHERE = tuple(r for r in REGIONS if r not in ZHENGZHOU)
BY_CODE = {r.code: r for r in REGIONS}
KINDS = ("company", "individual_business", "cooperative", "branch", "other_organisation")
KIND_WEIGHTS = (62, 25, 3, 7, 3)
SUBSIDIARY_RATE = 0.12  # a company owned by an earlier company
PARENT_RATE = 0.3  # an independent company may later own subsidiaries
CYCLE_RATE = 0.001  # A -> B -> C, then C or B takes a small stake in A
REUSE_RATE = 0.4  # a role goes to an existing person, picked preferentially
SANCTION_RATE = 0.03
EVASION_RATE = 0.3  # a reached legal representative founds a new shell
AGENT_RATE = 0.04  # uses a registration agent's address
EMPTY_START_RATE = 0.02

SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
    "苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江"
    "史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
)  # roughly by frequency: earlier ones are picked more often
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国红梅玉志鹏辉玲婷雪飞斌宇浩凯秀"
    "英文慧琳欣怡晨阳俊博涵萱雨佳豪振海峰新利庆春"
)
BRAND = (  # 字号 are two or three of these
    "华信恒达兴盛隆泰鑫源宏鼎嘉和瑞丰安康金辉明远天顺豫博新创永利佳美益诚凯旋志宇晟鸿德"
    "正祥云海航通联众合力汇铭泽锦宸睿卓越"
)
INDUSTRIES = (
    "商贸", "科技", "建筑工程", "房地产开发", "餐饮管理", "物流", "电子商务", "农业开发",
    "投资管理", "医疗器械", "文化传媒", "教育咨询", "环保科技", "机械设备", "食品",
    "装饰工程", "信息技术", "劳务服务", "供应链管理", "新能源科技", "汽车销售", "物业服务",
)
SHOPS = ("烩面馆", "便利店", "五金店", "商行", "经营部", "美发店", "汽修部", "副食店", "服装店")
CROPS = ("种植", "养殖", "农机", "蔬菜种植", "花卉苗木", "果品")
ORGANISATIONS = (  # (authority, entity type, name pattern)
    ("5", "1", "{r}{b}{i}协会"), ("5", "2", "{r}{b}职业培训学校"),
    ("5", "2", "{r}{b}养老服务中心"), ("5", "3", "河南省{b}慈善基金会"),
    ("1", "2", "{r}{b}技术研究院"), ("1", "2", "{r}{b}检测中心"),
)
ROADS = (
    "花园路", "文化路", "农业路", "经三路", "中州大道", "金水路", "建设路", "大学路",
    "航海路", "紫荆山路", "商都路", "郑汴路", "嵩山路", "桐柏路", "陇海路", "未来路",
    "东风路", "科学大道", "黄河路", "丰产路", "经八路", "伊河路", "商鼎路", "龙湖中环路",
)
MAIL_DOMAINS = ("163.com", "qq.com", "126.com", "sina.com", "foxmail.com")
COURTS = ("郑州市中级人民法院", "郑州市金水区人民法院", "郑州市二七区人民法院",
          "郑州市中原区人民法院", "郑州市管城回族区人民法院")
SAMR = "郑州市市场监督管理局"
TAX = "国家税务总局郑州市税务局"
SOURCES: dict[str, tuple[tuple[str, str], ...]] = {  # kind -> (authority, legal basis)
    "joint_punishment": (
        ("郑州市发展和改革委员会",
         "《国务院关于建立完善守信联合激励和失信联合惩戒制度加快推进社会诚信建设的指导意见》"),
        (TAX, "《重大税收违法失信主体信息公布管理办法》第六条"),
        ("郑州市人力资源和社会保障局", "《拖欠农民工工资失信联合惩戒对象名单管理暂行办法》第五条"),
    ),
    "market_ban": (("中国证券监督管理委员会河南监管局", "《证券市场禁入规定》第五条"),
                   (SAMR, "《中华人民共和国食品安全法》第一百三十五条")),
    "industry_ban": (("郑州市城乡建设局", "《建筑市场信用管理暂行办法》第十四条"),),
    "procurement_exclusion": (("郑州市财政局", "《中华人民共和国政府采购法》第七十七条"),
                              ("郑州市财政局", "《企业信息公示暂行条例》第十八条")),
    "high_consumption_restriction": tuple(
        (c, "《最高人民法院关于限制被执行人高消费及有关消费的若干规定》第三条") for c in COURTS
    ),
    "executive_disqualification": ((SAMR, "《中华人民共和国公司法》第一百七十八条"),),
    "heightened_inspection": ((SAMR, "《企业信息公示暂行条例》第十七条"),
                              (TAX, "《纳税信用管理办法》第三十二条")),
}
DEFAULT_SOURCE = ((SAMR, "《企业信息公示暂行条例》第十八条"),)
DISQUALIFICATION = "executive_disqualification"
OLD_COMPANY_LAW = ((SAMR, "《中华人民共和国公司法》第一百四十六条"),)  # before 2024-07-01
NEW_COMPANY_LAW = date(2024, 7, 1).toordinal()
EVENT_NOTES = {
    "objection_filed": "当事人提出异议申诉", "objection_upheld": "异议成立，撤销认定",
    "objection_rejected": "异议不成立，维持原认定", "repaired": "完成信用修复",
    "exited": "移出名单",
}

Holding = list[Any]  # [holder id, holder kind, basis points, start ordinal, end ordinal | None]


def generate_bundle(
    out_dir: Path,
    enterprises: int,
    seed: int,
    *,
    start_year: int = 2010,
    end_date: date = date(2026, 11, 1),
    progress: Callable[[int], None] | None = None,
) -> dict[str, int]:
    """Write a synthetic canonical bundle to ``out_dir``; return data rows per file.

    Enterprises are established from ``start_year`` to ``end_date`` (at least three years
    later), the date the data describe. ``progress`` gets the number of enterprises written
    every 10,000 and at the end.

    >>> import tempfile
    >>> counts = generate_bundle(Path(tempfile.mkdtemp()), 50, seed=1)
    >>> counts["enterprises.csv"]
    50
    """
    start = date(start_year, 1, 1).toordinal()
    if end_date.toordinal() - start < 3 * 366:
        raise ValueError("end_date must be at least three years after the start year")
    if enterprises < 0:
        raise ValueError("the number of enterprises cannot be negative")
    out_dir.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        writers = {}
        for name, header in COLUMNS.items():
            fh = stack.enter_context(open(out_dir / f"{name}.csv", "w", encoding="utf-8",
                                          newline=""))
            writers[name] = csv.writer(fh, lineterminator="\n")
            writers[name].writerow(header)
        gen = _Generator(random.Random(seed), writers, enterprises, start, end_date.toordinal())
        gen.run(progress)
    return {f"{name}.csv": count for name, count in gen.counts.items()}


def _iso(ordinal: int | None) -> str:
    return "" if ordinal is None else date.fromordinal(ordinal).isoformat()


def _add_years(ordinal: int, years: int) -> int:
    day = date.fromordinal(ordinal)
    try:
        return day.replace(year=day.year + years).toordinal()
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28).toordinal()


def _pct(bp: int) -> str:
    """Basis points as a percentage with at most two decimals: 5000 -> ``50``."""
    return f"{bp / 100:.2f}".rstrip("0").rstrip(".")


def _brand_text(brand: int) -> str:
    """字号 from an index below ``len(BRAND) ** 3``: three characters, a quarter only two."""
    n = len(BRAND)
    chars = BRAND[brand // n // n] + BRAND[brand // n % n]
    return chars if brand % n < n // 4 else chars + BRAND[brand % n]


class _Generator:
    """One generation run: writers, the random source and compact per-party arrays."""

    def __init__(self, rng: random.Random, writers: dict[str, Any], n: int, start: int,
                 end: int) -> None:
        self.rng, self.writers, self.n, self.start, self.end = rng, writers, n, start, end
        self.counts = dict.fromkeys(COLUMNS, 0)
        self.usccs: list[str] = []
        self.seen_usccs: set[str] = set()
        self.established = array("I")
        self.brand = array("I")  # below len(BRAND) ** 3, see _brand_text
        self.parents = array("I")  # companies that may own subsidiaries, repeated per child
        self.persons: list[str] = []
        self.seen_persons: set[str] = set()
        self.role_pool = array("I")  # person index per role or holding: preferential picks
        self.shell_requests: deque[tuple[int, int]] = deque()  # (person, after ordinal)
        self.cycles = 0
        self.shell_requested = False
        year = date.fromordinal(start).year
        self.births = (date(year - 65, 1, 1).toordinal(), date(year - 20, 12, 31).toordinal())
        catalogue = read_catalogue()
        self.enterprise_kinds = sorted(k for k in catalogue  # events: enterprise_events.csv
                                       if k != DISQUALIFICATION and k not in EVENTS
                                       and catalogue[k]["severity"])  # 0: not a sanction
        self.reaching = {k for k, props in catalogue.items() if props["reaches_persons"]}
        self.agents = [(self._address(rng.choice(ZHENGZHOU[1:]), room=True), self._phone(),
                        self._email()) for _ in range(max(2, n // 2000))]

    def write(self, table: str, *row: object) -> None:
        self.writers[table].writerow(row)
        self.counts[table] += 1

    def run(self, progress: Callable[[int], None] | None) -> None:
        i, reported = 0, 0
        while i < self.n:
            if self.n - i >= 3 and (self.rng.random() < CYCLE_RATE
                                    or (not self.cycles and i >= self.n // 2)):
                self._cycle()
            elif not (self.shell_requests and self._shell(*self.shell_requests.popleft())):
                self._single()
            i = len(self.usccs)
            if progress and i - reported >= PROGRESS_EVERY:
                reported = i - i % PROGRESS_EVERY
                progress(i)
        if progress:
            progress(self.n)

    # ---- random helpers ----------------------------------------------------------------

    def between(self, low: int, high: int) -> int | None:
        """A random day in [low, high], or None if the range is empty."""
        return self.rng.randint(low, high) if low <= high else None

    def _baseline(self) -> int:
        """Establishment date: rising with the index, jittered."""
        span = self.end - self.start
        day = self.start + span * len(self.usccs) // max(self.n, 1) + self.rng.randint(-60, 60)
        return min(max(day, self.start), self.end - 1)

    def _phone(self) -> str:
        rng = self.rng
        return f"0371-{rng.choice('5689')}{rng.randrange(10**7):07d}"

    def _email(self) -> str:
        rng = self.rng
        user = "".join(rng.choices(ascii_lowercase, k=rng.randint(3, 8)))
        return f"{user}{rng.randrange(10000)}@{rng.choice(MAIL_DOMAINS)}"

    def _address(self, region: Region, *, room: bool) -> str:
        rng = self.rng
        address = f"{region.name}{rng.choice(ROADS)}{rng.randint(1, 399)}号"
        if room:
            address += f"{rng.randint(1, 12)}号楼{rng.randint(1, 28)}{rng.randint(1, 20):02d}室"
        return address

    # ---- persons -----------------------------------------------------------------------

    def _new_person(self) -> int:
        rng = self.rng
        name = SURNAMES[int(len(SURNAMES) * rng.random() ** 2)]
        name += "".join(rng.choices(GIVEN, k=rng.choice((1, 2, 2))))
        while True:
            if rng.random() < 0.01:
                person_id, id_type = f"passport:E{rng.randrange(10**8):08d}", "passport"
            else:
                region = rng.choice(ZHENGZHOU[1:] if rng.random() < 0.75 else ELSEWHERE)
                birth = date.fromordinal(rng.randint(*self.births))
                sex: Sex = rng.choice(("male", "female"))
                person_id = make_ric(rng, region.code, birth, sex)
                id_type = "ric"
            if person_id not in self.seen_persons:
                break
        self.seen_persons.add(person_id)
        self.persons.append(person_id)
        self.write("persons", person_id, name, id_type)
        return len(self.persons) - 1

    def pick(self, avoid: set[int] | None = None) -> int:
        """A person for a role: often someone who already holds many (heavy tail)."""
        pool = self.role_pool
        if pool and self.rng.random() < REUSE_RATE:
            person = pool[self.rng.randrange(len(pool))]
            if not avoid or person not in avoid:
                pool.append(person)
                return person
        person = self._new_person()
        pool.append(person)
        return person

    # ---- enterprises -------------------------------------------------------------------

    def _register(self, kind: str, est: int, region: Region, brand: int,
                  codes: tuple[str, str] = ("9", "1")) -> int:
        """Allocate a unique USCC and the compact per-enterprise facts."""
        while True:
            code = make_uscc(self.rng, region.code, authority=codes[0], entity_type=codes[1],
                             established=date.fromordinal(est))
            if code not in self.seen_usccs:
                break
        self.seen_usccs.add(code)
        self.usccs.append(code)
        self.established.append(est)
        self.brand.append(brand)
        return len(self.usccs) - 1

    def _single(self) -> None:
        rng = self.rng
        kind = rng.choices(KINDS, KIND_WEIGHTS)[0]
        parent = None
        if kind == "company" and self.parents and rng.random() < SUBSIDIARY_RATE:
            parent = self.parents[rng.randrange(len(self.parents))]
        self._enterprise(kind, parent=parent)

    def _shell(self, person: int, after: int) -> bool:
        """A new company founded by a person reached by a measure (换壳); False if no room."""
        est = self.between(after + 10, min(after + 180, self.end))
        if est is None:
            return False
        as_holder = self.rng.random() < 0.4
        self._enterprise("company", est=est, lr=None if as_holder else person,
                         controller=person if as_holder else None)
        return True

    def _cycle(self) -> None:
        """A holds B, B holds C, and later C (or B: a cross-holding) takes a small stake in A."""
        rng = self.rng
        self.cycles += 1
        est_a = min(self._baseline(), self.end - 3 * 365)
        est_b = est_a + rng.randint(0, 365)
        est_c = est_b + rng.randint(0, 365)
        brand = rng.randrange(len(BRAND) ** 3)
        a = self._register("company", est_a, rng.choice(ZHENGZHOU), brand)
        b = self._register("company", est_b, rng.choice(ZHENGZHOU), brand)
        c = self._register("company", est_c, rng.choice(ZHENGZHOU), brand)
        holder = self.usccs[rng.choice((b, c))]
        stake = (holder, rng.randint(1, 10) * 100, rng.randint(est_c + 30, self.end))
        self._enterprise("company", index=a, cross=stake)
        self._enterprise("company", index=b, parent=a)
        self._enterprise("company", index=c, parent=b)

    def _enterprise(self, kind: str, *, index: int | None = None, parent: int | None = None,
                    est: int | None = None, lr: int | None = None,
                    controller: int | None = None,
                    cross: tuple[str, int, int] | None = None) -> None:
        """Write one enterprise with its roles, holdings and measures."""
        rng = self.rng
        organisation = rng.choice(ORGANISATIONS)
        if index is None:
            est = self._baseline() if est is None else est
            if parent is not None:
                est = max(est, self.established[parent])
            brand = rng.randrange(len(BRAND) ** 3)
            if parent is not None and rng.random() < 0.8:
                brand = self.brand[parent]
            codes = {"individual_business": ("9", "2"), "cooperative": ("9", "3"),
                     "other_organisation": organisation[:2]}.get(kind, ("9", "1"))
            index = self._register(kind, est, rng.choice(ZHENGZHOU), brand, codes)
        region, est = BY_CODE[self.usccs[index][2:8]], self.established[index]
        joint_stock = kind == "company" and rng.random() < 0.1
        name = self._name(kind, region, self.brand[index], joint_stock, organisation[2])
        sanctioned = rng.random() < SANCTION_RATE and self.end - est > 200
        status = rng.choices(("active", "revoked", "cancelled"),
                             (65, 25, 10) if sanctioned else (88, 4, 8))[0]
        self._write_enterprise(index, kind, status, name, region)
        chain = self._staff(index, kind, joint_stock, lr)
        if kind in ("company", "cooperative"):
            self._holdings(index, kind, chain[0][0], parent, controller, cross)
        if sanctioned:
            self._sanctions(index, chain)
        if status == "revoked" and kind == "company" and rng.random() < 0.5:
            self._disqualify(index, chain)
        if kind == "company" and (parent is not None or rng.random() < PARENT_RATE):
            self.parents.append(index)  # subsidiaries may be intermediate holding companies
        if parent is not None:
            self.parents.append(parent)

    def _name(self, kind: str, region: Region, brand: int, joint_stock: bool,
              pattern: str) -> str:
        rng = self.rng
        b = _brand_text(brand)
        industry = rng.choice(INDUSTRIES)
        if kind == "individual_business":
            return f"{region.name}{b}{rng.choice(SHOPS)}"
        if kind == "cooperative":
            return f"{region.district or region.city}{b}{rng.choice(CROPS)}专业合作社"
        if kind == "other_organisation":
            return pattern.format(r=region.name, b=b, i=industry)
        form = "股份有限公司" if joint_stock else rng.choice(("有限公司",) * 9 + ("有限责任公司",))
        if kind == "branch":
            return f"河南{b}{industry}有限公司{region.district or '郑州'}分公司"
        prefix = rng.choices((region.name, "郑州", "河南", ""), (40, 30, 25, 5))[0]
        return f"{prefix}{b}{industry}{form}"

    def _write_enterprise(self, index: int, kind: str, status: str, name: str,
                          region: Region) -> None:
        rng = self.rng
        if rng.random() < AGENT_RATE:
            address, phone, email = rng.choice(self.agents)
            phone = phone if rng.random() < 0.8 else self._phone()
            email = email if rng.random() < 0.5 else ""
        else:
            located = region if region.district else rng.choice(ZHENGZHOU[1:])
            address = self._address(located, room=rng.random() < 0.4)
            phone = self._phone() if rng.random() < 0.95 else ""
            email = self._email() if rng.random() < 0.6 else ""
        self.write("enterprises", self.usccs[index], name, kind, status,
                   _iso(self.established[index]), address, phone, email)

    # ---- roles -------------------------------------------------------------------------

    def _staff(self, index: int, kind: str, joint_stock: bool,
               first: int | None) -> list[tuple[int, int, int | None]]:
        """Write roles; return the legal representative (or principal) chain."""
        rng = self.rng
        uscc, est = self.usccs[index], self.established[index]
        role = "legal_representative" if kind in ("company", "cooperative") else "principal"
        turnover = 0.05 if kind == "individual_business" else 0.25
        changes = 0
        while changes < 5 and rng.random() < turnover:
            changes += 1
        days = sorted(set(rng.randint(est + 30, self.end) for _ in range(changes)
                          if est + 30 <= self.end))
        chain: list[tuple[int, int, int | None]] = []
        for k, (begin, finish) in enumerate(zip([est, *days], [*days, None], strict=True)):
            if k == 0 and first is not None:
                person = first
                self.role_pool.append(person)
            else:
                person = self.pick({chain[-1][0]} if chain else None)
            chain.append((person, begin, finish))
            unknown = k == 0 and rng.random() < EMPTY_START_RATE
            self.write("roles", uscc, self.persons[person], role,
                       "" if unknown else _iso(begin), _iso(finish))
        lr = chain[0][0]
        if kind == "company":
            if joint_stock:
                plan = {"director": 5, "supervisor": 3, "manager": 1, "cfo": 1,
                        "board_secretary": 1}
            else:
                plan = {"supervisor": int(rng.random() < 0.7), "manager": int(rng.random() < 0.2),
                        "cfo": int(rng.random() < 0.1)}
                if rng.random() < 0.5:  # 执行董事 (and often 经理) is the legal representative
                    self._role(uscc, lr, "director", est, None)
                    if rng.random() < 0.4:
                        self._role(uscc, lr, "manager", est, None)
            for name, count in plan.items():
                taken = {lr}
                for _ in range(count):
                    person = self.pick(taken)
                    taken.add(person)
                    since = est if rng.random() < 0.7 else rng.randint(est, self.end)
                    until = None if rng.random() < 0.75 else self.between(since + 1, self.end)
                    unknown = rng.random() < EMPTY_START_RATE
                    self._role(uscc, person, name, None if unknown else since, until)
        elif kind == "cooperative" and rng.random() < 0.5:
            self._role(uscc, self.pick({lr}), "supervisor", est, None)
        return chain

    def _role(self, uscc: str, person: int, role: str, start: int | None,
              end: int | None) -> None:
        self.write("roles", uscc, self.persons[person], role, _iso(start), _iso(end))

    # ---- shareholdings -----------------------------------------------------------------

    def _holdings(self, index: int, kind: str, lr: int, parent: int | None,
                  controller: int | None, cross: tuple[str, int, int] | None) -> None:
        """Write holdings summing to 100 % at every date, some changing over time."""
        rng = self.rng
        uscc, est = self.usccs[index], self.established[index]
        count = rng.randint(5, 8) if kind == "cooperative" else rng.choices((1, 2, 3, 4, 5),
                                                                             (30, 35, 20, 10, 5))[0]
        rows: list[Holding] = []
        taken: set[int] = set()
        total = 10000
        if parent is not None or controller is not None:
            count = 1 if parent is not None and rng.random() < 0.4 else min(count, 4)
            first = 10000 if count == 1 else rng.randint(51, min(90, 101 - count)) * 100
            if parent is not None:
                rows.append([self.usccs[parent], "enterprise", first, est, None])
            else:
                assert controller is not None
                taken.add(controller)
                self.role_pool.append(controller)
                rows.append([self.persons[controller], "person", first, est, None])
            total, count = 10000 - first, count - 1
        if count and total:
            unit = 100 if rng.random() < 0.8 else 1
            cuts = sorted(rng.randint(0, (total - 100 * count) // unit) * unit
                          for _ in range(count - 1))
            shares = [b - a + 100 for a, b in zip([0, *cuts], [*cuts, total - 100 * count],
                                                 strict=True)]
            for k, share in enumerate(shares):
                if k == 0 and lr not in taken and rng.random() < 0.6:
                    person = lr
                    self.role_pool.append(person)
                else:
                    person = self.pick(taken)
                taken.add(person)
                rows.append([self.persons[person], "person", share, est, None])
        if cross is not None:
            self._transfer(rows, cross[2], cross[1], [cross[0], "enterprise"])
        elif rng.random() < 0.12 and est + 30 < self.end:
            day = rng.randint(est + 30, self.end)
            largest = max(rows, key=lambda r: r[2])
            amount = rng.randint(1, largest[2])
            others = [r for r in rows if r is not largest]
            if others and rng.random() < 0.7:
                recipient = rng.choice(others)[:2]
            else:
                recipient = [self.persons[self.pick(taken)], "person"]
            self._transfer(rows, day, amount, recipient)
        for holder, holder_kind, bp, begin, finish in rows:
            self.write("shareholdings", uscc, holder, holder_kind, _pct(bp), _iso(begin),
                       _iso(finish))

    @staticmethod
    def _transfer(rows: list[Holding], day: int, amount: int, recipient: list[Any]) -> None:
        """Move ``amount`` basis points from the largest holder to ``recipient`` on ``day``."""
        largest = max(rows, key=lambda r: r[2])
        amount = min(amount, largest[2] - 1)  # the largest keeps at least 0.01 %
        if amount <= 0:
            return
        largest[4] = day
        rows.append([largest[0], largest[1], largest[2] - amount, day, None])
        current = next((r for r in rows if r[:2] == recipient and r[4] is None), None)
        if current is not None:
            current[4] = day
            amount += current[2]
        rows.append([*recipient, amount, day, None])

    # ---- measures ----------------------------------------------------------------------

    def _sanctions(self, index: int, chain: list[tuple[int, int, int | None]]) -> None:
        """One to three measures on an enterprise; a reached representative may found a shell."""
        rng = self.rng
        uscc, est = self.usccs[index], self.established[index]
        named = False  # a directly responsible person is on record
        for _ in range(1 + (rng.random() < 0.3) + (rng.random() < 0.1)):
            kind = rng.choice(self.enterprise_kinds)
            conduct = rng.randint(est + 30, self.end - 120)
            start = conduct + rng.randint(15, 90)
            self._measure(uscc, "enterprise", kind, conduct, start)
            if kind == "high_consumption_restriction" and not named and rng.random() < 0.5:
                self._role(uscc, self.pick(), "directly_responsible", est, None)
                named = True
            if kind in self.reaching and (rng.random() < EVASION_RATE or not self.shell_requested):
                person = next(p for p, s, e in chain if s <= conduct and (e is None or conduct < e))
                self.shell_requests.append((person, start))
                self.shell_requested = True
        if rng.random() < 0.05:  # a court also lists a natural person directly
            person = self.pick()
            conduct = rng.randint(est + 30, self.end - 120)
            self._measure(self.persons[person], "person", "high_consumption_restriction",
                          conduct, conduct + rng.randint(15, 90))

    def _disqualify(self, index: int, chain: list[tuple[int, int, int | None]]) -> None:
        """Three years' disqualification of the legal representative of a revoked company."""
        rng = self.rng
        revoked = self.between(self.established[index] + 180, self.end - 1)
        if revoked is None:
            return
        person = next(p for p, s, e in chain if s <= revoked and (e is None or revoked < e))
        conduct = max(self.established[index], revoked - rng.randint(30, 365))
        self._measure(self.persons[person], "person", DISQUALIFICATION, conduct, revoked,
                      _add_years(revoked, 3))
        if rng.random() < EVASION_RATE:
            self.shell_requests.append((person, revoked))

    def _measure(self, subject: str, subject_kind: str, kind: str, conduct: int, start: int,
                 end: int | None = None) -> None:
        """Write a measure and its events; the status follows them (see the module doc)."""
        rng = self.rng
        measure_id = f"M{self.counts['measures'] + 1:08d}"
        if end is None and kind != DISQUALIFICATION and rng.random() < 0.65:
            end = _add_years(start, rng.randint(1, 5))
        sources = SOURCES.get(kind, DEFAULT_SOURCE)
        if kind == DISQUALIFICATION and start < NEW_COMPANY_LAW:
            sources = OLD_COMPANY_LAW
        authority, basis = rng.choice(sources)
        horizon = self.end if end is None else min(end - 1, self.end)
        events: list[tuple[str, int]] = []
        status, pending, last = "", False, start
        if rng.random() < 0.2 and (filed := self.between(start + 1, horizon)):
            events.append(("objection_filed", filed))
            decided, draw = self.between(filed + 15, horizon), rng.random()
            if decided is None or draw < 0.15:
                pending = True
            elif draw < 0.35:
                events.append(("objection_upheld", decided))
                status = "exited"
            else:
                events.append(("objection_rejected", decided))
                last = decided
        if not status and not pending and rng.random() < 0.25 and (
                day := self.between(last + 30, horizon)):
            status = "repaired" if rng.random() < 0.6 else "exited"
            events.append((status, day))
        if not status:
            expired = end is not None and end <= self.end
            status = "expired" if expired else "under_objection" if pending else "active"
        self.write("measures", measure_id, subject, subject_kind, kind, _iso(conduct),
                   _iso(start), _iso(end), authority, basis, status)
        for event, day in events:
            self.write("measure_events", measure_id, event, _iso(day), EVENT_NOTES[event])
