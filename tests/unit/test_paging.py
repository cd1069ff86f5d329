"""The one cursor every list gives out, and paging a list sorted in memory both ways."""

import base64
import json
from datetime import date
from typing import Any

import pytest
from sqlalchemy import BigInteger, Column, Date, Integer, MetaData, SmallInteger, String, Table

from partnership.domain import InvalidInput
from projections.read.paging import (
    MAX_PAGE_SIZE,
    Ordering,
    PageRequest,
    decode_cursor,
    encode_cursor,
    sorted_page,
)

rows = Table(
    "rows",
    MetaData(),
    Column("day", Date),
    Column("name", String),
    Column("position", BigInteger),
)
BY_DAY = Ordering("by_day", ((rows.c.day, True), (rows.c.name, False), (rows.c.position, False)))
OTHER = Ordering("other", BY_DAY.columns)
narrow = Table(
    "narrow",
    MetaData(),
    Column("code", String(10)),
    Column("sequence", Integer),
    Column("rank", SmallInteger),
)
NARROW = Ordering(
    "narrow", ((narrow.c.code, False), (narrow.c.sequence, False), (narrow.c.rank, False))
)


def forged(*parts: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(parts)).encode()).decode()


def test_a_cursor_gives_back_the_key_it_was_made_from() -> None:
    row = {"day": date(2008, 1, 2), "name": "Joint Committee", "position": 2**62}
    assert decode_cursor(BY_DAY, encode_cursor(BY_DAY, row)) == list(row.values())


@pytest.mark.parametrize(
    "cursor",
    [
        "not-a-cursor",
        forged("by_day", ["2008-01-02", "x"]),  # too short
        forged("by_day", ["2008-13-02", "x", 1]),  # no such day
        forged("by_day", ["2008-01-02", "x", 2**63]),  # beyond a database integer
        forged("by_day", ["2008-01-02", "x", True]),
        forged("by_day", ["2008-01-02", 7, 1]),
        forged("by_day", {"a": 1}),
        forged("by_day"),
    ],
)
def test_a_cursor_not_given_out_is_refused_by_the_argument_it_came_in(cursor: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        decode_cursor(BY_DAY, cursor, "before")
    assert refused.value.field == "before"


@pytest.mark.parametrize(
    "key",
    [
        ["\ud800", 1, 1],  # a lone surrogate: not UTF-8, no driver can send it
        ["ab\x00", 1, 1],  # NUL, which PostgreSQL text cannot hold
        ["ab\x07", 1, 1],  # another control character the limits refuse
        ["x" * 11, 1, 1],  # longer than the column
        ["ab", 2**31, 1],  # beyond a 32-bit Integer
        ["ab", -(2**31) - 1, 1],
        ["ab", 2**62, 1],
        ["ab", 1, 2**15],  # beyond a SmallInteger
    ],
    ids=[
        "surrogate",
        "nul",
        "bell",
        "too-long",
        "int32-max+1",
        "int32-min-1",
        "2**62",
        "int16-max+1",
    ],
)
def test_a_cursor_part_its_column_cannot_hold_is_refused_by_the_argument(key: list[Any]) -> None:
    with pytest.raises(InvalidInput, match="start again without `before`") as refused:
        decode_cursor(NARROW, forged("narrow", key), "before")
    assert refused.value.field == "before"


def test_a_cursor_part_at_its_column_bounds_is_kept() -> None:
    key = ["x" * 10, 2**31 - 1, -(2**15)]
    assert decode_cursor(NARROW, forged("narrow", key)) == key
    tabbed = ["a\tb\nc", -(2**31), 2**15 - 1]
    assert decode_cursor(NARROW, forged("narrow", tabbed)) == tabbed
    row = {"day": date(2008, 1, 2), "name": "x", "position": 2**63 - 1}
    assert decode_cursor(BY_DAY, encode_cursor(BY_DAY, row))[-1] == 2**63 - 1


def test_a_sorted_list_refuses_a_cursor_with_text_no_database_holds() -> None:
    cursor = forged("alerts", ["\ud800"])
    with pytest.raises(InvalidInput) as refused:
        sorted_page("alerts", ["a"], lambda item: [item], (str,), PageRequest(after=cursor))
    assert refused.value.field == "after"


def test_a_cursor_from_one_list_is_refused_by_another() -> None:
    cursor = encode_cursor(OTHER, {"day": date(2008, 1, 2), "name": "x", "position": 1})
    with pytest.raises(InvalidInput, match="start again without `after`"):
        decode_cursor(BY_DAY, cursor)


@pytest.mark.parametrize(
    ("request_", "field"),
    [
        (PageRequest(first=0), "first"),
        (PageRequest(first=MAX_PAGE_SIZE + 1), "first"),
        (PageRequest(last=0), "last"),
        (PageRequest(first=1, before="x"), "last"),
    ],
)
def test_a_page_request_out_of_bounds_is_refused_by_name(request_: PageRequest, field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        request_.check()
    assert refused.value.field == field


def page_of(items: list[int], request: PageRequest) -> Any:
    return sorted_page("numbers", items, lambda item: [item], (int,), request)


def test_a_sorted_list_pages_forward_and_back_through_the_same_pages() -> None:
    items = list(range(10, 0, -1))
    forward, after = [], None
    while True:
        page = page_of(items, PageRequest(first=3, after=after))
        forward.append(page.rows)
        assert page.has_previous_page == (after is not None)
        if not page.has_next_page:
            break
        after = page.cursors[-1]
    assert forward == [[1, 2, 3], [4, 5, 6], [7, 8, 9], [10]]
    before, back = page.cursors[0], []
    while True:
        page = page_of(items, PageRequest(last=3, before=before))
        back.append(page.rows)
        assert page.has_next_page
        if not page.has_previous_page:
            break
        before = page.cursors[0]
    assert back == forward[-2::-1]


def test_the_last_items_of_a_list_are_its_end() -> None:
    page = page_of(list(range(1, 8)), PageRequest(last=2))
    assert (page.rows, page.has_previous_page, page.has_next_page) == ([6, 7], True, False)
