"""`redact`: person ids masked wherever they appear, consistently; enterprises untouched."""

from __future__ import annotations

import json
from pathlib import Path

from credtrace.graph import Store
from credtrace.ingest import ingest_bundle
from credtrace.queries.network import neighbourhood
from credtrace.queries.paths import paths
from credtrace.queries.privacy import masked, person_ids, redact
from tests.conftest import EXAMPLE

KEY = b"test-key"
LINA, HUAXIN = "410105198207070429", "914101057123456728"


def test_every_place_a_person_id_can_hide() -> None:
    answer = {
        "subject": {"id": LINA, "kind": "Person", "name": "李娜"},
        "steps": [{"step": "role", "person": LINA, "enterprise": HUAXIN},
                  {"step": "shareholding", "holder": "E12345678", "holder_kind": "person"}],
        "measure": {"subject": "passport:E1", "subject_kind": "person"},
        "props": {"id_number": "P-7"},
        "by_person": {LINA: 1},
        "edges": [{"source": LINA, "target": HUAXIN}],
        "reason": f"{LINA} left on 2021-06-15; 410105197503120318 took over",
    }
    out = redact(answer, reveal_ids=False, key=KEY)
    text = json.dumps(out, ensure_ascii=False)
    for secret in (LINA, "E12345678", "passport:E1", "P-7", "410105197503120318"):
        assert secret not in text.replace(masked(secret, KEY), ""), secret
    token = masked(LINA, KEY)
    assert out["subject"]["id"] == out["steps"][0]["person"] == out["edges"][0]["source"] \
        == token and token in out["by_person"]
    assert out["steps"][0]["enterprise"] == out["edges"][0]["target"] == HUAXIN
    assert answer["subject"]["id"] == LINA  # the argument is not changed


def test_tokens_are_keyed_stable_and_distinct() -> None:
    a, b = "410105198207070429", "410106198307070429"  # same visible ends
    assert masked(a, KEY) == masked(a, KEY) != masked(a, b"another key")
    assert masked(a, KEY)[:18] == masked(b, KEY)[:18] and masked(a, KEY) != masked(b, KEY)


def test_enterprise_keys_that_look_like_id_numbers_stay() -> None:
    answer = {"enterprise": {"id": "110105198001010012", "kind": "Enterprise"},
              "note": "110105198001010012"}
    assert person_ids(answer) == set()
    assert redact(answer, reveal_ids=False, key=KEY) == answer


def test_short_ids_are_masked_as_values_not_inside_words() -> None:
    answer = {"person": "p1", "text": "p1 appears in up1"}
    out = redact(answer, reveal_ids=False, key=KEY)
    assert out["person"] == masked("p1", KEY) and out["text"] == "p1 appears in up1"


def test_real_answers_leak_no_id_number(store: Store, tmp_path: Path) -> None:
    ingest_bundle(store, EXAMPLE)
    persons = [line.split(",")[0] for line in
               (EXAMPLE / "persons.csv").read_text("utf-8").splitlines()[1:]]
    answers = [neighbourhood(store, HUAXIN, hops=3, as_of="2024-01-01").as_dict(),
               paths(store, HUAXIN, "91410102812345696N", as_of="2024-01-01")]
    for answer in answers:
        text = json.dumps(redact(answer, reveal_ids=False, key=KEY), ensure_ascii=False)
        assert [p for p in persons if p in text] == []
