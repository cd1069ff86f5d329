"""GraphQL over HTTP: every refusal in GraphQL's shape with the status the spec names, and the
answer in the media type the client accepts."""

import httpx
import pytest

from tests.api.conftest import OFFICER_TOKEN

pytestmark = [pytest.mark.store_agnostic, pytest.mark.shared_example]

QUERY = "{ projectionStatus { name } }"
SIGNED_IN = {"Authorization": f"Bearer {OFFICER_TOKEN}"}
NEW = "application/graphql-response+json"


def coded(response: httpx.Response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(("application/json", NEW))
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == code
    assert len(error["message"]) > 15


@pytest.mark.parametrize(
    ("content", "content_type", "status", "code"),
    [
        (b"{not json", "application/json", 400, "body_not_json"),
        (b"", "application/json", 400, "body_not_json"),
        (b"{}", "application/json", 400, "query_missing"),
        (
            b'{"query": "query A { projectionStatus { name } }", "operationName": "B"}',
            "application/json",
            400,
            "operation_not_found",
        ),
        (
            b'{"query": "{ projectionStatus { name } }"}',
            "text/plain",
            415,
            "unsupported_content_type",
        ),
        (QUERY.encode(), "application/graphql", 415, "unsupported_content_type"),
    ],
    ids=["not-json", "empty", "no-query", "unknown-operation", "text-plain", "graphql-body"],
)
def test_a_request_that_cannot_run_is_refused_in_graphql_shape(
    server: str, content: bytes, content_type: str, status: int, code: str
) -> None:
    response = httpx.post(
        f"{server}/graphql", content=content, headers={**SIGNED_IN, "Content-Type": content_type}
    )
    coded(response, status, code)


def test_a_mutation_by_get_is_405_naming_post(server: str) -> None:
    response = httpx.get(
        f"{server}/graphql",
        params={"query": "mutation { __typename }"},
        headers={**SIGNED_IN, "Accept": "application/json"},
    )
    coded(response, 405, "operation_not_allowed")
    assert response.headers["allow"] == "POST"


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_a_method_the_endpoint_does_not_take_is_405_in_graphql_shape(
    server: str, method: str
) -> None:
    response = httpx.request(method, f"{server}/graphql", json={"query": QUERY}, headers=SIGNED_IN)
    coded(response, 405, "method_not_allowed")
    assert set(response.headers["allow"].split(", ")) >= {"GET", "POST"}


@pytest.mark.parametrize("accept", ["text/html", "application/xml", "application/json;q=0"])
def test_an_accept_that_cannot_be_met_is_406(server: str, accept: str) -> None:
    response = httpx.post(
        f"{server}/graphql", json={"query": QUERY}, headers={**SIGNED_IN, "Accept": accept}
    )
    coded(response, 406, "not_acceptable")


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        (None, "application/json"),
        ("*/*", "application/json"),
        ("application/json", "application/json"),
        (NEW, NEW),
        (f"{NEW}, application/json", NEW),
        (f"{NEW};q=0.5, application/json", "application/json"),
    ],
)
def test_the_answer_is_in_the_media_type_accepted(
    server: str, accept: str | None, media_type: str
) -> None:
    headers = dict(SIGNED_IN) if accept is None else {**SIGNED_IN, "Accept": accept}
    response = httpx.post(f"{server}/graphql", json={"query": QUERY}, headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == media_type
    assert response.json()["data"]["projectionStatus"]


def test_a_document_that_does_not_validate_is_400_without_data_in_the_new_media_type(
    server: str,
) -> None:
    invalid = {"query": "{ noSuchField }"}
    new = httpx.post(f"{server}/graphql", json=invalid, headers={**SIGNED_IN, "Accept": NEW})
    assert new.status_code == 400
    assert new.headers["content-type"].startswith(NEW)
    assert "data" not in new.json()
    assert new.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    legacy = httpx.post(
        f"{server}/graphql", json=invalid, headers={**SIGNED_IN, "Accept": "application/json"}
    )
    assert legacy.status_code == 200  # application/json: any well-formed request is 200
    assert legacy.json()["data"] is None


def test_the_openapi_pages_are_gone(server: str) -> None:
    for path in ("/schema", "/schema/openapi.json", "/schema/swagger"):
        assert httpx.get(f"{server}{path}").status_code == 404
