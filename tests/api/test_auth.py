"""Keys: missing, malformed, wrong or revoked keys get 401; the purpose rule; rate limits."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from credtrace.api.keys import KeyStore
from credtrace.api.roles import Role
from credtrace.api.securitydb import SecurityDB
from credtrace.graph import Store
from tests.api.conftest import AS_OF, HUAXIN, Api, start

URL = f"/v1/check/{HUAXIN}?as_of={AS_OF}"


@pytest.mark.parametrize("key", [None, "", "nonsense", "ctk_00000000_secret"])
def test_missing_or_invalid_key_is_401(api: Api, key: str | None) -> None:
    headers = {} if key is None else {"X-API-Key": key}
    response = api.client.get(URL, headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("ApiKey")
    assert response.json()["status"] == 401


def test_a_wrong_secret_for_a_real_key_id_is_401(api: Api) -> None:
    real = api.keys[Role.ADMIN]
    response = api.client.get(URL, headers={"X-API-Key": real[:-1] + ("A" if real[-1] != "A"
                                                                       else "B")})
    assert response.status_code == 401


def test_a_revoked_key_stops_working_at_once(api: Api) -> None:
    resources = api.app.state.resources
    assert api.get(URL, Role.INVESTIGATOR).status_code == 200
    key_id = api.keys[Role.INVESTIGATOR].split("_")[1]
    resources.keys.revoke(key_id)
    assert api.get(URL, Role.INVESTIGATOR).status_code == 401


def test_people_must_say_why_machines_need_not(api: Api) -> None:
    response = api.client.get(URL, headers=api.headers(Role.ANALYST, purpose=None))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "X-Purpose"
    assert api.client.get(URL, headers=api.headers(Role.ANALYST, purpose="  ")).status_code \
        == 422
    machine = api.client.get(URL, headers=api.headers(Role.SANCTION_SYSTEM, purpose=None))
    assert machine.status_code == 200


def test_keys_are_stored_hashed(api: Api) -> None:
    raw = Path(api.app.state.resources.settings.security_path).read_bytes()
    for key in api.keys.values():
        assert key.encode() not in raw and key.split("_", 2)[2].encode() not in raw


@pytest.fixture
def limited(loaded: Store, tmp_path: Path) -> Iterator[Api]:
    yield from start(loaded, tmp_path, rate_per_minute=1, rate_burst=2)


def test_rate_limit_per_key_is_429_with_retry_after(limited: Api) -> None:
    codes = [limited.get(URL, Role.SANCTION_SYSTEM).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    refused = limited.get(URL, Role.SANCTION_SYSTEM)
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
    assert limited.get(URL, Role.INVESTIGATOR).status_code == 200  # another key, own bucket


def test_a_key_revoked_by_another_process_stops_working_on_the_next_request(api: Api) -> None:
    """The service keeps its SQLite connections open; a revocation committed through
    another connection (the CLI, another worker) is still seen on the next request."""
    for _ in range(3):  # the service's connections are open and have read the key
        assert api.get(URL, Role.SANCTION_SYSTEM).status_code == 200
    other = KeyStore(SecurityDB(Path(api.app.state.resources.settings.security_path)))
    other.revoke(api.keys[Role.SANCTION_SYSTEM].split("_")[1])
    assert api.get(URL, Role.SANCTION_SYSTEM).status_code == 401
    assert api.post("/v1/check", Role.SANCTION_SYSTEM,
                    json={"subjects": [HUAXIN]}).status_code == 401
