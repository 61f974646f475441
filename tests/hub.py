"""A hub for the workbench's tests: 王建国 directs thirty enterprises (two pages of 25), was
legal representative of the first until 2022-06-30, when its joint-punishment listing
(conduct 2021-05-01) reaches him; 李梅 became its manager on 2023-01-01; he holds 60 % of the
second, which holds 40 % of the third."""

from __future__ import annotations

from pathlib import Path

from credtrace.graph import Store
from tests.builders import Bundle

HUB_SIZE = 30
BEFORE, AFTER = "2022-01-01", "2024-01-01"


def hub_bundle() -> Bundle:
    b = Bundle(seed=17)
    b.person("hub", "王建国")
    b.person("limei", "李梅")
    for i in range(HUB_SIZE):
        b.enterprise(f"E{i}", f"郑州枢纽{i:02d}号有限公司")
        b.role(f"E{i}", "hub", "director", "2018-01-01")
    b.role("E0", "hub", "legal_representative", "2015-01-01", "2022-06-30")
    b.role("E0", "limei", "manager", "2023-01-01")
    b.holds("hub", "E1", 60, "2019-01-01")
    b.holds("E1", "E2", 40, "2019-01-01")
    b.measure("HUB-JP-1", "E0", "joint_punishment", conduct="2021-05-01", start="2021-09-01",
              end="2027-09-01")
    return b


def load_hub(store: Store, folder: Path) -> Bundle:
    bundle = hub_bundle()
    bundle.load(store, folder)
    return bundle
