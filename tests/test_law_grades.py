"""Grade caps by measure kind and state (issue 15): an enterprise under an active joint
punishment is not graded A however old the listing; the cap is a contribution of its own.
Both stores."""

from __future__ import annotations

import math
from pathlib import Path

from credtrace.graph import Store
from credtrace.queries.score import score
from tests.builders import Bundle


def listed(end: str = "") -> Bundle:
    """郑州华信商贸, on the joint-punishment list from 2019-09-01 (conduct 2019-06-15)."""
    b = Bundle()
    b.enterprise("A", "郑州华信商贸有限公司", established="2016-04-12")
    b.person("李娜", "李娜")
    b.role("A", "李娜", "legal_representative", "2016-04-12")
    b.measure("M1", "A", "joint_punishment", conduct="2019-06-15", start="2019-09-01", end=end)
    return b


def test_an_active_joint_punishment_caps_the_grade_at_d(store: Store, tmp_path: Path) -> None:
    b = listed()
    b.load(store, tmp_path)
    answer = score(store, b.uscc("A"), as_of="2026-01-01")
    own, cap = answer["contributions"]
    assert own["type"] == "own" and own["points"] == 3.34  # 30 × 0.5^(6.33/2): would be A
    assert (cap["type"], cap["source"], cap["points"]) == ("grade_cap", "M1", 36.67)
    assert (answer["score"], answer["grade"], answer["supervision"]) == (59.99, "D", "重点监管")
    assert "失信联合惩戒" in cap["explanation"] and "caps the grade at D" in cap["explanation"]
    assert math.isclose(sum(c["points"] for c in answer["contributions"]), 100 - 59.99)


def test_once_the_listing_ends_the_cap_goes_and_the_decay_remains(store: Store,
                                                                  tmp_path: Path) -> None:
    b = listed(end="2025-09-01")
    b.load(store, tmp_path)
    answer = score(store, b.uscc("A"), as_of="2026-01-01")
    assert [c["type"] for c in answer["contributions"]] == ["own"]
    assert answer["grade"] == "A"

