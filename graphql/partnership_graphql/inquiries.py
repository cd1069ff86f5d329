"""Scrutiny inquiries read back whole: terms of reference, recommendations with their
objectives and owners, and every progress update's text."""

from datetime import date
from typing import Annotated

import strawberry
from strawberry.types import Info

from partnership.global_ids import Kind
from partnership.recommendations import InquiryNotFound
from partnership_graphql.connections import (
    PAGING,
    After,
    Before,
    Connection,
    First,
    Last,
    page_request,
)
from partnership_graphql.context import Row
from partnership_graphql.mutations_scrutiny import RecommendationStatus
from partnership_graphql.nodes import Node, node_id, not_found
from partnership_graphql.read_whole import read_as_asked
from partnership_graphql.search import TitleSearch
from projections import read


@strawberry.type(
    description="A progress update on a recommendation, as the monitoring paper gave it."
)
class ProgressUpdate:
    text: str = strawberry.field(description="The update in the paper's words.")
    status: RecommendationStatus | None = strawberry.field(
        description="The status it gave the recommendation; null if it left it unchanged."
    )
    reported_by_authority: str | None = strawberry.field(
        description="The authority the paper credits with the update, if it names one."
    )
    reported_on: date = strawberry.field(description="The date of the update.")
    withdrawn: bool = strawberry.field(
        description="Whether it was withdrawn as recorded in error (it, its recommendation "
        "or its whole inquiry): it stays, marked."
    )

    @classmethod
    def from_row(cls, row: Row) -> "ProgressUpdate":
        status = row["status"]
        return cls(
            text=row["text"],
            status=None if status is None else RecommendationStatus(status),
            reported_by_authority=row["reported_by_authority"],
            reported_on=row["reported_on"],
            withdrawn=bool(row.get("withdrawn")),
        )


@strawberry.type(description="A recommendation of an inquiry, with every update on it.")
class InquiryRecommendation:
    number: str = strawberry.field(description="Its number in the inquiry's report, e.g. 4a.")
    text: str = strawberry.field(description="The recommendation in the inquiry's words.")
    objective: str | None = strawberry.field(
        description="The objective it serves, if the report names one."
    )
    owner_authority: str | None = strawberry.field(
        description="The authority answering for it, if one is named."
    )
    status: RecommendationStatus = strawberry.field(
        description="Where it stands, as its latest progress update put it."
    )
    made_on: date = strawberry.field(description="When the inquiry made it.")
    withdrawn: bool = strawberry.field(
        description="Whether it was withdrawn as recorded in error (it, or its whole "
        "inquiry): it stays, marked."
    )
    progress_updates: list[ProgressUpdate] = strawberry.field(
        description="Every progress update on it, in the order recorded."
    )

    @classmethod
    def from_row(cls, row: Row) -> "InquiryRecommendation":
        return cls(
            number=row["number"],
            text=row["text"],
            objective=row["objective"],
            owner_authority=row["owner_authority"],
            status=RecommendationStatus(row["status"]),
            made_on=row["made_on"],
            withdrawn=bool(row.get("withdrawn")),
            progress_updates=[
                ProgressUpdate.from_row(update) for update in row["progress_updates"]
            ],
        )


@strawberry.type(description="A scrutiny inquiry, read back whole.")
class Inquiry(Node):
    body: str = strawberry.field(description="The scrutiny body that opened it.")
    title: str = strawberry.field(description="Its title, as it was opened.")
    terms_of_reference: list[str] = strawberry.field(
        description="Its terms of reference, as last corrected; empty if none were recorded."
    )
    opened_on: date = strawberry.field(description="When it was opened.")
    closed_on: date | None = strawberry.field(
        description="When the body stopped monitoring it; null while it is open."
    )
    withdrawn: bool = strawberry.field(
        description="Whether it was withdrawn as recorded in error: it stays, marked, with "
        "all its recommendations and updates."
    )
    recommendations: list[InquiryRecommendation] = strawberry.field(
        description="Its recommendations in number order: those owned by authorities the "
        "person asking sees, or all of them for whoever sees the whole record."
    )

    @classmethod
    def from_row(cls, row: Row) -> "Inquiry":
        return cls(
            id=node_id(Kind.INQUIRY, row["inquiry_id"]),
            body=row["body"],
            title=row["title"],
            terms_of_reference=list(row["terms_of_reference"]),
            opened_on=row["opened_on"],
            closed_on=row["closed_on"],
            withdrawn=bool(row.get("withdrawn")),
            recommendations=[
                InquiryRecommendation.from_row(recommendation)
                for recommendation in row["recommendations"]
            ],
        )


@strawberry.type
class InquiriesQuery:
    @strawberry.field(
        description="Scrutiny inquiries by body and title, each read back whole: terms of "
        f"reference, recommendations and every progress update. {PAGING}"
    )
    async def inquiries(
        self,
        info: Info,
        body: Annotated[
            str | None,
            strawberry.argument(
                description="Only this scrutiny body's, named as recorded (in any case); one "
                "that has opened no inquiry is refused (body_not_found)."
            ),
        ] = None,
        search: TitleSearch = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Inquiry]:
        filters = read.InquiryFilter(body=body, search=search)
        page = await read_as_asked(
            info,
            lambda conn, visible: read.inquiries_page(
                conn, filters, page_request(first, after, last, before), visible=visible
            ),
        )
        return Connection.of(page, Inquiry.from_row)

    @strawberry.field(
        description="One scrutiny inquiry, read back whole; one not on record or not yours to "
        "see (a scrutiny body is seen only through its inquiries' recommendations) is refused "
        "(inquiry_not_found)."
    )
    async def inquiry(
        self,
        info: Info,
        body: Annotated[
            str,
            strawberry.argument(
                description="The scrutiny body that opened it, named as recorded (in any "
                "case and spacing)."
            ),
        ],
        title: Annotated[
            str,
            strawberry.argument(
                description="Its title as it was opened (in any case and spacing)."
            ),
        ],
    ) -> Inquiry | None:
        row = await read_as_asked(
            info,
            lambda conn, visible: read.inquiry_named(conn, body, title, visible=visible),
        )
        if row is None:
            raise not_found(InquiryNotFound(body, title), "title")
        return Inquiry.from_row(row)
