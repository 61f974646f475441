"""Suspected links through a hub contact (a registered agent's address shared by more than
`HUB_CONTACT_PARTIES` parties) are suppressed, and the hub is reported as such."""

from __future__ import annotations

from pathlib import Path

from credtrace.graph import Store
from credtrace.queries.related import HUB_CONTACT_PARTIES, related
from tests.builders import Bundle

AGENT = "郑州市金水区花园路39号商务中心1808室"
SHOP = "郑州市管城区东大街8号"


def registered() -> Bundle:
    """华信 is registered at an agent's address with 60 other companies, shares 管城's shop
    address, and its legal representative 李娜 also represents 新华信 (at the agent too)."""
    b = Bundle(seed=9)
    b.enterprise("A", "郑州华信商贸有限公司", address=AGENT)
    b.enterprise("B", "郑州新华信贸易有限公司", address=AGENT)
    b.enterprise("C", "郑州管城餐饮管理有限公司", address=SHOP)
    b.enterprise("A2", "郑州华信商贸有限公司东大街分店", address=SHOP)
    for i in range(HUB_CONTACT_PARTIES + 8):
        b.enterprise(f"x{i}", f"郑州代理注册第{i}号有限公司", address=AGENT)
    b.person("李娜", "李娜")
    b.role("A", "李娜", "legal_representative", "2016-04-12")
    b.role("B", "李娜", "legal_representative", "2018-03-01")
    return b


def test_links_through_an_agent_address_are_suppressed_and_reported(
        store: Store, tmp_path: Path) -> None:
    b = registered()
    b.load(store, tmp_path)
    answer = related(store, b.uscc("A"), as_of="2024-01-01", limit=500)
    suspected = {r["name"] for r in answer["suspected"]}
    assert not any(name.startswith("郑州代理注册") for name in suspected)
    assert "郑州新华信贸易有限公司" not in suspected  # not through the hub either
    (hub,) = answer["suppressed_hubs"]
    assert (hub["kind"], hub["name"], hub["parties"]) == ("Contact", AGENT,
                                                           HUB_CONTACT_PARTIES + 10)
    assert hub["left_out"] == HUB_CONTACT_PARTIES + 8  # 新华信 is reached through 李娜 too
    related_names = {r["name"] for r in answer["related"]}
    assert "郑州新华信贸易有限公司" in related_names


def test_a_small_shared_address_stays_suspected(store: Store, tmp_path: Path) -> None:
    b = registered()
    b.load(store, tmp_path)
    answer = related(store, b.uscc("C"), as_of="2024-01-01")
    assert answer["suppressed_hubs"] == []
    assert [(r["name"], r["relations"][0]["relation"]) for r in answer["suspected"]] == [
        ("郑州华信商贸有限公司东大街分店", "shared_address")]
