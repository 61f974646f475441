"""Statutory derived measures from enterprise events (issue 15): a revoked licence
disqualifies its personally responsible legal representative for three years (Company Law
art. 178), and R4 alerts when they are appointed director elsewhere within them. Both
stores."""

from __future__ import annotations

from pathlib import Path

import pytest

from credtrace.graph import Store
from credtrace.queries.alerts import alerts
from credtrace.queries.check import check
from tests.builders import Bundle

REVOKED = "2024-09-10"


def revoked(responsible: str = "true") -> Bundle:
    """郑州华信商贸 (legal representative 张伟 2018-01-01 to 2024-12-31; 赵敏 from 2025-01-01)
    has its licence revoked on 2024-09-10; 张伟 joins 郑州新华贸易 as director on
    2025-03-01, 赵敏 as director on 2025-04-01."""
    b = Bundle()
    b.enterprise("A", "郑州华信商贸有限公司", established="2018-01-01")
    b.enterprise("B", "郑州新华贸易有限公司", established="2025-02-01")
    b.person("张伟", "张伟")
    b.person("赵敏", "赵敏")
    b.role("A", "张伟", "legal_representative", "2018-01-01", "2024-12-31")
    b.role("A", "赵敏", "legal_representative", "2025-01-01")
    b.role("B", "张伟", "director", "2025-03-01")
    b.role("B", "赵敏", "director", "2025-04-01")
    b.enterprise_event("E1", "A", "licence_revoked", REVOKED, responsible=responsible)
    return b


def test_a_revoked_licence_disqualifies_the_legal_representative_for_three_years(
        store: Store, tmp_path: Path) -> None:
    b = revoked()
    b.load(store, tmp_path)
    (item,) = check(store, b.ric("张伟"), scenario="executive_appointment",
                    as_of="2025-06-01")["measures"]
    assert (item["measure"], item["kind"], item["derived"], item["roles"]) == \
        ("E1", "licence_revoked", True, ["legal_representative"])
    assert item["state"]["ends_by_itself"] == "2027-09-10"
    assert "第一百七十八条" in item["state"]["rule"]
    assert [s["step"] for s in item["evidence"]] == ["measure", "enterprise", "role", "person"]
    assert check(store, b.ric("张伟"), as_of="2027-09-10")["measures"] == []
    assert check(store, b.ric("赵敏"), as_of="2025-06-01")["measures"] == []  # came after


def test_an_appointment_as_director_within_the_period_is_alerted(store: Store,
                                                                 tmp_path: Path) -> None:
    b = revoked()
    b.load(store, tmp_path)
    found = alerts(store, as_of="2025-06-01")["forbidden_roles"]
    assert [(a["person"]["name"], a["role"], a["enterprise"]["name"], a["measure"]["id"],
             a["uncertain"]) for a in found] == \
        [("张伟", "director", "郑州新华贸易有限公司", "E1", [])]
    assert alerts(store, as_of="2027-09-10")["forbidden_roles"] == []


@pytest.mark.parametrize(("responsible", "expected"), [
    ("", [("张伟", ["personal responsibility not established by the event "
                   "(a condition of the law)"])]),
    ("false", []),
])
def test_personal_responsibility_unknown_is_uncertain_and_denied_reaches_nobody(
        store: Store, tmp_path: Path, responsible: str,
        expected: list[tuple[str, list[str]]]) -> None:
    b = revoked(responsible)
    b.load(store, tmp_path)
    found = alerts(store, as_of="2025-06-01")["forbidden_roles"]
    assert [(a["person"]["name"], a["uncertain"]) for a in found] == expected


def test_a_serious_violation_listing_bars_representing_another_enterprise(
        store: Store, tmp_path: Path) -> None:
    b = Bundle()
    b.enterprise("A", "郑州华信商贸有限公司", established="2018-01-01")
    b.enterprise("B", "郑州新华贸易有限公司", established="2025-02-01")
    b.person("张伟", "张伟")
    b.role("A", "张伟", "legal_representative", "2018-01-01")
    b.role("B", "张伟", "legal_representative", "2025-03-01")
    b.enterprise_event("S1", "A", "serious_violation_list", "2024-09-10")
    b.load(store, tmp_path)
    answer = alerts(store, as_of="2025-06-01")
    assert [(a["enterprise"]["name"], a["role"]) for a in answer["forbidden_roles"]] == \
        [("郑州新华贸易有限公司", "legal_representative")]  # not A itself
    assert [(a["person"]["name"], a["enterprise"]["name"], a["measure"]["id"],
             [t["trigger"] for t in a["triggers"]]) for a in answer["new_shells"]] == \
        [("张伟", "郑州新华贸易有限公司", "S1", ["represented"])]  # B was founded a month
    # before he represented it: not founded by him (issue 12: founded = legal representative,
    # principal or controller at founding)
