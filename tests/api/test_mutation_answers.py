"""A mutation answers with what its own change made, and says so when it cannot answer."""

from concurrent.futures import ThreadPoolExecutor
from typing import Any
from uuid import UUID

import pytest

from partnership.contracts import contract_id
from projections import read
from projections.runtime import ReadModelsBehind, Runtime
from tests.api.conftest import GraphQLClient
from tests.api.test_graphql_http import AWARD, award_input
from tests.api.test_idempotency import VARY, send, vary_input
from tests.authorities import register_before_the_test


@pytest.fixture(autouse=True)
def authority_registered(request: pytest.FixtureRequest) -> None:
    """The authority the contracts below are awarded to, on a record begun empty."""
    register_before_the_test(request, award_input()["authority"])


def made_by(runtime: Runtime, position: int) -> tuple[UUID, int]:
    """Which record the event at `position` changed, and the version it made."""
    (notification,) = runtime.app.recorder.select_notifications(start=position, limit=1)
    assert notification.id == position
    return UUID(str(notification.originator_id)), notification.originator_version


def test_concurrent_changes_each_answer_with_the_version_their_own_event_made(
    runtime: Runtime, client: GraphQLClient
) -> None:
    send(client, AWARD, {"input": award_input()})

    def vary(n: int) -> dict[str, Any]:
        # Two saves of one version collide; the loser is told to retry, as a client would.
        while True:
            answer: dict[str, Any] = send(client, VARY, {"input": vary_input(f"Change {n}")})
            if answer["varyContract"].get("code") != "concurrent_change":
                return answer["varyContract"]

    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(pool.map(vary, range(24)))

    assert all(a["__typename"] == "ContractChanged" for a in answers), answers
    versions = [a["version"] for a in answers]
    assert sorted(versions) == list(range(2, 26))
    for answer in answers:
        assert made_by(runtime, answer["position"]) == (
            contract_id("BBC-TEL-2011"),
            answer["version"],
        )


def test_a_change_whose_read_models_fall_behind_says_where_it_was_recorded(
    runtime: Runtime, client: GraphQLClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    send(client, AWARD, {"input": award_input()})
    at = runtime.app.head_position()

    def behind(result: Any) -> Any:
        raise ReadModelsBehind(result.position, result.version, "the timeline is stalled")

    monkeypatch.setattr(runtime, "seen", behind)
    body = client.post(VARY, {"input": vary_input()})

    (error,) = body["errors"]
    assert error["message"] != "Unexpected error."
    assert error["extensions"]["code"] == "recorded_read_models_behind"
    assert error["extensions"]["version"] == 2
    position = error["extensions"]["position"]
    assert position > at
    assert made_by(runtime, position) == (contract_id("BBC-TEL-2011"), 2)


def test_a_change_whose_catch_up_fails_unexpectedly_still_names_its_position(
    runtime: Runtime, client: GraphQLClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    send(client, AWARD, {"input": award_input()})

    def broken(result: Any) -> Any:
        raise RuntimeError("the read-model database went away")

    monkeypatch.setattr(runtime, "seen", broken)
    (error,) = client.post(VARY, {"input": vary_input()})["errors"]

    assert error["extensions"]["code"] == "recorded_read_models_behind"
    assert made_by(runtime, error["extensions"]["position"])[1] == 2


def test_a_change_whose_answer_cannot_be_read_names_its_position(
    runtime: Runtime, client: GraphQLClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    send(client, AWARD, {"input": award_input()})

    def broken(*_: Any) -> Any:
        raise RuntimeError("the read-model database went away")

    monkeypatch.setattr(read, "contract_by_id", broken)
    (error,) = client.post(VARY, {"input": vary_input()})["errors"]

    assert error["message"] != "Unexpected error."
    assert error["extensions"]["code"] == "recorded_answer_unavailable"
    assert error["extensions"]["version"] == 2
    assert made_by(runtime, error["extensions"]["position"])[1] == 2
