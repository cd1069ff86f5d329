"""The timeline page query on the example partnership: every filter, and paging both ways."""

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Connection

from partnership.domain import InvalidInput
from partnership.partnerships import PartnershipNotFound
from projections.read import (
    MAX_PAGE_SIZE,
    NEWEST_FIRST,
    OLDEST_FIRST,
    TimelineFilter,
    timeline_page,
)
from projections.runtime import Runtime
from service.example import example_actor, load_example
from service.example_papers import BURNLEY, CHORLEY, LSSCC, SCRUTINY_PANEL, SUB_GROUP

FRONT_OFFICE = "CRM Front Office implementation"


@pytest.fixture
def reader(runtime: Runtime) -> Iterator[Connection]:
    load_example(runtime.app, example_actor(runtime.settings), runtime.clock())
    runtime.runner.catch_up()
    with runtime.store.reader.connect() as conn:
        yield conn


def everything(conn: Connection, filters: TimelineFilter, order: str = NEWEST_FIRST) -> list[Any]:
    """Every matching entry's position, read with the largest pages."""
    positions: list[int] = []
    after = None
    while True:
        page = timeline_page(conn, filters, MAX_PAGE_SIZE, after, order=order)
        positions += [row["position"] for row in page.rows]
        if not page.has_next_page:
            return positions
        after = page.cursors[-1]


def rows(conn: Connection, **filters: Any) -> list[dict[str, Any]]:
    return timeline_page(conn, TimelineFilter(**filters), MAX_PAGE_SIZE).rows


def test_each_filter_keeps_only_what_it_names(reader: Connection) -> None:
    by_body = rows(reader, body=SUB_GROUP)
    assert by_body
    assert all(row["body"] == SUB_GROUP for row in by_body)
    assert {row["aggregate_type"] for row in by_body} >= {"meeting"}

    by_project = rows(reader, project=FRONT_OFFICE)
    assert by_project
    assert all(row["project"] == FRONT_OFFICE for row in by_project)
    assert any("developing its CRM independently" in row["summary"] for row in by_project)

    by_partnership = rows(reader, partnership=LSSCC, effective_to=date(2006, 12, 31))
    assert by_partnership
    assert all(row["partnership"] == LSSCC for row in by_partnership)
    # A partnership not on record is refused, never answered as one with nothing recorded.
    with pytest.raises(PartnershipNotFound):
        rows(reader, partnership="No Such Partnership")

    scrutiny = rows(reader, body=SCRUTINY_PANEL, text="RECOMMENDATION")
    assert scrutiny
    assert all("recommendation" in row["summary"].lower() for row in scrutiny)

    burnley_2007 = rows(
        reader, authority=BURNLEY, effective_from=date(2007, 1, 1), effective_to=date(2007, 12, 31)
    )
    assert burnley_2007
    assert all(
        date(2007, 1, 1) <= row["effective_date"] <= date(2007, 12, 31) for row in burnley_2007
    )


def test_free_text_is_literal_and_filters_combine(reader: Connection) -> None:
    # A LIKE wildcard in the words asked for matches only itself: "C_M" must not find "CRM".
    assert any("CRM" in row["summary"] for row in rows(reader, text="crm"))
    assert rows(reader, text="C_M") == []
    assert all("%" in row["summary"] for row in rows(reader, text="%"))
    combined = rows(reader, body=SUB_GROUP, authority=CHORLEY, kinds=["MEETING_HELD"])
    assert combined
    assert all(row["body"] == SUB_GROUP and row["kind"] == "MEETING_HELD" for row in combined)


def test_oldest_first_is_newest_first_turned_round(reader: Connection) -> None:
    newest = everything(reader, TimelineFilter())
    oldest = everything(reader, TimelineFilter(), OLDEST_FIRST)
    assert oldest == list(reversed(newest))
    first = timeline_page(reader, TimelineFilter(), 1, order=OLDEST_FIRST).rows[0]
    assert first["effective_date"] == date(2004, 12, 1)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    size=st.integers(min_value=1, max_value=17),
    order=st.sampled_from([NEWEST_FIRST, OLDEST_FIRST]),
    body=st.sampled_from([None, SUB_GROUP, SCRUTINY_PANEL]),
)
def test_paging_back_retraces_paging_forward(
    reader: Connection, size: int, order: str, body: str | None
) -> None:
    filters = TimelineFilter(body=body)
    forward: list[list[int]] = []
    cursors: list[tuple[str, str]] = []
    after = None
    while True:
        page = timeline_page(reader, filters, size, after, order=order)
        assert page.has_previous_page == (after is not None)
        forward.append([row["position"] for row in page.rows])
        cursors.append((page.cursors[0], page.cursors[-1]))
        if not page.has_next_page:
            break
        after = page.cursors[-1]
    assert [p for chunk in forward for p in chunk] == everything(reader, filters, order)

    # From the last page's start, `last` pages lead back through the same pages.
    before = cursors[-1][0]
    for back, expected in enumerate(reversed(forward[:-1]), start=1):
        page = timeline_page(reader, filters, last=size, before=before, order=order)
        assert page.has_next_page
        assert [row["position"] for row in page.rows] == expected
        assert page.has_previous_page == (back < len(forward) - 1)
        before = page.cursors[0]


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"first": MAX_PAGE_SIZE + 1}, "first"),
        ({"last": 0, "before": None}, "last"),
        ({"first": 5, "last": 5}, "last"),
        ({"first": 5, "after": "not-a-cursor"}, "after"),
        ({"last": 5, "before": "bm90LWEtZGF0ZXwz"}, "before"),
        ({"order": "sideways"}, "order"),
    ],
)
def test_a_malformed_page_request_is_refused_by_name(
    reader: Connection, arguments: dict[str, Any], field: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        timeline_page(reader, TimelineFilter(), **arguments)
    assert refused.value.field == field


@pytest.mark.parametrize(
    ("filters", "field"),
    [
        (
            TimelineFilter(effective_from=date(2008, 1, 1), effective_to=date(2007, 1, 1)),
            "effectiveTo",
        ),
        (TimelineFilter(text="   "), "text"),
        (TimelineFilter(text="x" * 201), "text"),
    ],
)
def test_a_malformed_filter_is_refused_by_name(
    reader: Connection, filters: TimelineFilter, field: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        timeline_page(reader, filters, 10)
    assert refused.value.field == field
