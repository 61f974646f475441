"""Expand by category, a page at a time (`queries.expand`), on both stores: a hub's thirty
directorships come in pages that do not overlap and together hold every one; the as-of
date decides which roles are there (the legal representative who left on 2022-06-30, the
manager who came on 2023-01-01)."""

from __future__ import annotations

from pathlib import Path

import pytest

from credtrace.graph import Store
from credtrace.queries.common import EntityNotFound, InvalidInput
from credtrace.queries.expand import expand
from tests.builders import Bundle
from tests.hub import AFTER, BEFORE, HUB_SIZE, load_hub


@pytest.fixture
def hub(store: Store, tmp_path: Path) -> Bundle:
    return load_hub(store, tmp_path / "hub")


def test_a_hub_comes_page_by_page(store: Store, hub: Bundle) -> None:
    first = expand(store, hub.key("hub"), kinds=["role"], as_of=AFTER, limit=25)
    assert (first["total"], len(first["nodes"]), first["next_offset"]) == (HUB_SIZE, 25, 25)
    assert first["more"] == [{"type": "DIRECTOR", "label_zh": "董事", "count": 5}]
    second = expand(store, hub.key("hub"), kinds=["role"], as_of=AFTER, offset=25, limit=25)
    assert (len(second["nodes"]), second["next_offset"], second["more"]) == (5, None, [])
    pages = [n["id"] for n in first["nodes"] + second["nodes"]]
    assert sorted(pages) == sorted(hub.key(f"E{i}") for i in range(HUB_SIZE))
    assert {e["type"] for e in first["edges"] + second["edges"]} == {"DIRECTOR"}
    assert all(e["source"] == hub.key("hub") for e in first["edges"])


def test_the_order_is_stable_and_roles_come_first(store: Store, hub: Bundle) -> None:
    answer = expand(store, hub.key("hub"), as_of=AFTER, limit=100)
    again = expand(store, hub.key("hub"), as_of=AFTER, limit=100)
    assert [n["id"] for n in answer["nodes"]] == [n["id"] for n in again["nodes"]]
    assert answer["total"] == HUB_SIZE  # E1 is reached by a role and a holding: once
    held = [e for e in answer["edges"] if e["type"] == "HOLDS_SHARES"]
    assert [(e["target"], e["percentage"]) for e in held] == [(hub.key("E1"), 60.0)]


def test_the_date_decides_which_roles_are_there(store: Store, hub: Bundle) -> None:
    def roles(day: str) -> set[tuple[str, str]]:
        answer = expand(store, hub.key("E0"), kinds=["role"], as_of=day)
        names = {n["id"]: n["name"] for n in answer["nodes"]}
        return {(names[e["source"]], e["type"]) for e in answer["edges"]}

    assert roles(BEFORE) == {("王建国", "DIRECTOR"), ("王建国", "LEGAL_REPRESENTATIVE")}
    assert roles(AFTER) == {("王建国", "DIRECTOR"), ("李梅", "MANAGER")}


def test_a_measure_comes_with_its_state(store: Store, hub: Bundle) -> None:
    answer = expand(store, hub.key("E0"), kinds=["measure"], as_of=AFTER)
    assert [(n["id"], n["state"]["status"]) for n in answer["nodes"]] == [("HUB-JP-1", "active")]
    assert answer["center"]["name"] == "郑州枢纽00号有限公司"
    assert [(e["source"], e["target"]) for e in answer["edges"]] == [("HUB-JP-1", hub.key("E0"))]


def test_bad_requests_say_why(store: Store, hub: Bundle) -> None:
    with pytest.raises(EntityNotFound):
        expand(store, "nobody", as_of=AFTER)
    with pytest.raises(InvalidInput, match="unknown relationship kind"):
        expand(store, hub.key("hub"), kinds=["friends"], as_of=AFTER)
    with pytest.raises(InvalidInput, match="offset"):
        expand(store, hub.key("hub"), offset=-1, as_of=AFTER)
