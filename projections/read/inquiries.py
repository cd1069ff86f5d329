"""Scrutiny inquiries read back whole: their terms of reference, recommendations and every
progress update, from the read models only.

A scrutiny body belongs to no partnership, so an inquiry is seen as the recommendations
register is: whoever sees the authority owning one of its recommendations sees the inquiry
and those of its recommendations (with their updates) owned by authorities they see. Whoever
sees the whole record sees every inquiry, with or without recommendations. A page of
inquiries and all they hold costs three statements however many the page holds.
"""

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Select, select, tuple_

from partnership.limits import check_query_text
from partnership.recommendations import inquiry_id
from projections.delivery import recommendations_register
from projections.inquiries import inquiries_register, recommendation_updates
from projections.read import names
from projections.read.paging import Ordering, Page, PageRequest, Row, check_request, keyset_page
from projections.read.search import matching, search_text
from projections.read.visibility import EVERYTHING, Visibility, spellings

INQUIRIES_ORDER = Ordering(
    "inquiries",
    (
        (inquiries_register.c.body, False),
        (inquiries_register.c.title, False),
        (inquiries_register.c.inquiry_id, False),
    ),
)

# A recommendation number as the record keeps it: digits, then perhaps letters ("4a").
_NUMBER = re.compile(r"(\d+)(.*)")


@dataclass(frozen=True)
class InquiryFilter:
    body: str | None = None
    # Text found in the inquiry's title, in any case.
    search: str | None = None


def inquiries_page(
    conn: Connection,
    filters: InquiryFilter,
    request: PageRequest,
    *,
    visible: Visibility = EVERYTHING,
) -> Page[Row]:
    """By body and title; each row holds its `recommendations`, each with its `updates`."""
    check_request(request, INQUIRIES_ORDER)
    table = inquiries_register
    query = _seen(select(table), visible)
    if filters.body is not None:
        bodies = names.scrutiny_bodies_named(conn, filters.body, visible)
        query = query.where(table.c.body.in_(bodies))
    wanted = search_text(filters.search)
    if wanted is not None:
        query = query.where(matching(wanted, table.c.title))
    page = keyset_page(conn, query, INQUIRIES_ORDER, request)
    _with_recommendations(conn, page.rows, visible)
    return page


def inquiry_named(
    conn: Connection, body: str, title: str, *, visible: Visibility = EVERYTHING
) -> Row | None:
    """One inquiry with its recommendations; None if it is not on record or not seen. A
    scrutiny body is seen only through its inquiries, so an unknown body is answered alike."""
    check_query_text(body, "body", "The body asked about")
    check_query_text(title, "title", "The inquiry's title")
    # An inquiry's id is made from its body and title as the record compares them.
    return inquiry_by_id(conn, str(inquiry_id(body, title)), visible=visible)


def inquiry_by_id(
    conn: Connection, inquiry_id: str, *, visible: Visibility = EVERYTHING
) -> Row | None:
    """One inquiry by its id, with its recommendations; None if it is not on record or not
    seen."""
    table = inquiries_register
    query = select(table).where(table.c.inquiry_id == inquiry_id)
    row = conn.execute(_seen(query, visible)).mappings().first()
    if row is None:
        return None
    found = dict(row)
    _with_recommendations(conn, [found], visible)
    return found


def _owned_by_seen(visible: Visibility) -> Any:
    return recommendations_register.c.owner_authority.in_(spellings(visible).authorities)


def _seen(query: Select[Any], visible: Visibility) -> Select[Any]:
    if visible.everything:
        return query
    recommendations = recommendations_register
    with_seen = select(recommendations.c.inquiry_id).where(_owned_by_seen(visible))
    return query.where(inquiries_register.c.inquiry_id.in_(with_seen))


def _with_recommendations(conn: Connection, inquiries: list[Row], visible: Visibility) -> None:
    """Each inquiry's recommendations seen, in number order, each with its updates in the
    order recorded: one statement for the recommendations and one for the updates."""
    for row in inquiries:
        row["recommendations"] = []
    if not inquiries:
        return
    by_id = {row["inquiry_id"]: row for row in inquiries}
    table = recommendations_register
    query = select(table).where(table.c.inquiry_id.in_(list(by_id)))
    if not visible.everything:
        query = query.where(_owned_by_seen(visible))
    found = [dict(row) for row in conn.execute(query).mappings()]
    found.sort(key=lambda row: (row["inquiry_id"], _number_order(row["number"])))
    if not found:
        return
    keys = [(row["inquiry_id"], row["number"]) for row in found]
    updates: dict[tuple[str, str], list[Row]] = defaultdict(list)
    seen_updates = (
        select(recommendation_updates)
        .where(recommendation_updates.c.inquiry_id.in_(list(by_id)))
        .where(
            tuple_(recommendation_updates.c.inquiry_id, recommendation_updates.c.number).in_(keys)
        )
        .order_by(recommendation_updates.c.position)
    )
    for update in conn.execute(seen_updates).mappings():
        updates[(update["inquiry_id"], update["number"])].append(dict(update))
    for recommendation in found:
        key = (recommendation["inquiry_id"], recommendation["number"])
        recommendation["progress_updates"] = updates[key]
        by_id[recommendation["inquiry_id"]]["recommendations"].append(recommendation)


def _number_order(number: str) -> tuple[int, str]:
    """'4a' before '10': the papers' order, not the text's."""
    match = _NUMBER.fullmatch(number)
    return (0, number) if match is None else (int(match[1]), match[2])
