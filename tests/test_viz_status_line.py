"""A measure's tooltip has one status line, its state on the date: 郑州华信's listing was
recorded `active` and is under objection since 2026-10-20, so on 2026-11-01 the picture
says 异议审查中 only (the issue's "two conflicting status lines")."""

from __future__ import annotations

from graph import Store
from ingest import ingest_bundle
from tests.conftest import EXAMPLE
from viz.views import ego_picture


def test_a_measure_has_one_status_line(store: Store) -> None:
    ingest_bundle(store, EXAMPLE)
    picture = ego_picture(store, "914101057123456728", as_of="2026-11-01")
    details = picture.nodes["ZZ-2021-JP-0001"].details
    assert [value for label, value in details if "状态" in label] == ["异议审查中"]
