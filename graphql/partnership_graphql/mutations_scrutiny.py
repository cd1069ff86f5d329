"""Mutations for scrutiny inquiries: numbered recommendations and their progress updates."""

from datetime import date
from enum import Enum

import strawberry
from strawberry.types import Info

from partnership import recommendations
from partnership_graphql.input_limits import limits_stated
from partnership_graphql.mutations import (
    CORRECTION,
    CORRECTION_REASON,
    CORRECTS_VERSION,
    EFFECTIVE_DATE,
    SOURCE,
    RecordResult,
    domain_code,
    optional_value,
    provenance_of,
    record,
    required_value,
    version_seen,
)

SCRUTINY_BODY = (
    "The inquiring body's name as the papers give it, e.g. Corporate and Customer Overview "
    "and Scrutiny Panel; it need not be one of a partnership's bodies."
)
INQUIRY = "The inquiry's title, as it was opened."
NUMBER = "The recommendation's number, e.g. 4a ('4 (a)' and '4A' mean the same)."
INQUIRY_VERSION = version_seen("inquiry")
# An inquiry is known by its "title" when opened, and is the `inquiry` of the inputs after.
NAMED_INQUIRY = {"title": "inquiry"}


@strawberry.enum(description="Where a recommendation stands.")
class RecommendationStatus(Enum):
    OPEN = recommendations.OPEN
    IN_PROGRESS = recommendations.IN_PROGRESS
    IMPLEMENTED = recommendations.IMPLEMENTED
    NOT_ACCEPTED = recommendations.NOT_ACCEPTED
    CLOSED = recommendations.CLOSED


@strawberry.enum(description="What of an inquiry's record can be corrected.")
class InquiryCorrectableField(Enum):
    TERMS_OF_REFERENCE = "terms_of_reference"


@strawberry.enum(description="What of a recommendation can be corrected; status moves by progress.")
class RecommendationCorrectableField(Enum):
    TEXT = "text"
    OWNER_AUTHORITY = "owner_authority"
    OBJECTIVE = "objective"


@limits_stated
@strawberry.input(description="A scrutiny inquiry a body opened.")
class OpenInquiryInput:
    body: str = strawberry.field(description=SCRUTINY_BODY)
    title: str = strawberry.field(description="Its title; it identifies the inquiry for good.")
    terms_of_reference: list[str] = strawberry.field(
        default_factory=list, description="The inquiry's terms of reference, item by item."
    )
    effective_date: date = strawberry.field(description="The day it was opened.")
    source: str = strawberry.field(description=SOURCE)


@limits_stated
@strawberry.input(description="A numbered recommendation the inquiry made; it starts open.")
class MakeRecommendationInput:
    body: str = strawberry.field(description=SCRUTINY_BODY)
    inquiry: str = strawberry.field(description=INQUIRY)
    number: str = strawberry.field(description=NUMBER)
    text: str = strawberry.field(description="The recommendation, as worded in the report.")
    owner_authority: str | None = strawberry.field(
        default=None,
        description="The registered authority that owns it (e.g. Lancashire County Council "
        "where the paper says 'LCC -'), if one does.",
    )
    objective: str | None = strawberry.field(
        default=None, description="The objective it serves, if the paper gives one."
    )
    effective_date: date = strawberry.field(description="The day it was made.")
    source: str = strawberry.field(description=SOURCE)
    expected_version: int | None = strawberry.field(default=None, description=INQUIRY_VERSION)


@limits_stated
@strawberry.input(description="A dated progress update on a recommendation.")
class RecordRecommendationProgressInput:
    body: str = strawberry.field(description=SCRUTINY_BODY)
    inquiry: str = strawberry.field(description=INQUIRY)
    number: str = strawberry.field(description=NUMBER)
    text: str = strawberry.field(description="The update, as the monitoring report gives it.")
    status: RecommendationStatus | None = strawberry.field(
        default=None, description="Its status now; leave out if unchanged."
    )
    reported_by_authority: str | None = strawberry.field(
        default=None,
        description="The registered authority the paper credits with the update, if any.",
    )
    effective_date: date = strawberry.field(description="The date of the update.")
    source: str = strawberry.field(description=SOURCE)
    expected_version: int | None = strawberry.field(default=None, description=INQUIRY_VERSION)


@limits_stated
@strawberry.input(description="An inquiry the body stops monitoring; its record stays.")
class CloseInquiryInput:
    body: str = strawberry.field(description=SCRUTINY_BODY)
    title: str = strawberry.field(description=INQUIRY)
    effective_date: date = strawberry.field(description="The day it was closed.")
    source: str = strawberry.field(description=SOURCE)
    expected_version: int | None = strawberry.field(default=None, description=INQUIRY_VERSION)


@limits_stated
@strawberry.input(description=CORRECTION)
class CorrectInquiryInput:
    body: str = strawberry.field(description=SCRUTINY_BODY)
    title: str = strawberry.field(description=INQUIRY)
    corrects_version: int = strawberry.field(description=CORRECTS_VERSION)
    field: InquiryCorrectableField
    terms_of_reference: list[str] = strawberry.field(
        description="The right terms of reference, item by item, in full."
    )
    reason: str = strawberry.field(description=CORRECTION_REASON)
    effective_date: date = strawberry.field(description=EFFECTIVE_DATE)
    source: str = strawberry.field(description=SOURCE)
    expected_version: int | None = strawberry.field(default=None, description=INQUIRY_VERSION)


@limits_stated
@strawberry.input(description=CORRECTION)
class CorrectRecommendationInput:
    body: str = strawberry.field(description=SCRUTINY_BODY)
    inquiry: str = strawberry.field(description=INQUIRY)
    number: str = strawberry.field(description=NUMBER)
    corrects_version: int = strawberry.field(description=CORRECTS_VERSION)
    field: RecommendationCorrectableField
    value: str | None = strawberry.field(
        default=None,
        description="The right value: the text; or the owner (a registered authority) or "
        "objective, null for none.",
    )
    reason: str = strawberry.field(description=CORRECTION_REASON)
    effective_date: date = strawberry.field(description=EFFECTIVE_DATE)
    source: str = strawberry.field(description=SOURCE)
    expected_version: int | None = strawberry.field(default=None, description=INQUIRY_VERSION)


def _corrected_recommendation_value(
    field: RecommendationCorrectableField, value: str | None
) -> str | None:
    if field is RecommendationCorrectableField.TEXT:
        return required_value(value, "text")
    return optional_value(value)


@strawberry.type
class ScrutinyMutation:
    @strawberry.mutation(description="Record that a body opened a scrutiny inquiry.")
    async def open_inquiry(self, info: Info, input: OpenInquiryInput) -> RecordResult:
        return await record(
            info,
            lambda app, actor, now: app.open_inquiry(
                input.body,
                input.title,
                provenance_of(input),
                actor,
                now,
                list(input.terms_of_reference),
            ),
        )

    @strawberry.mutation(description="Record a recommendation an inquiry made.")
    async def make_recommendation(self, info: Info, input: MakeRecommendationInput) -> RecordResult:
        return await record(
            info,
            lambda app, actor, now: app.make_recommendation(
                input.body,
                input.inquiry,
                input.number,
                input.text,
                input.owner_authority,
                input.objective,
                provenance_of(input),
                actor,
                now,
                input.expected_version,
            ),
            NAMED_INQUIRY,
        )

    @strawberry.mutation(description="Record progress on a recommendation, perhaps a new status.")
    async def record_recommendation_progress(
        self, info: Info, input: RecordRecommendationProgressInput
    ) -> RecordResult:
        return await record(
            info,
            lambda app, actor, now: app.record_recommendation_progress(
                input.body,
                input.inquiry,
                input.number,
                input.text,
                None if input.status is None else domain_code(input.status),
                provenance_of(input),
                actor,
                now,
                input.reported_by_authority,
                input.expected_version,
            ),
            NAMED_INQUIRY,
        )

    @strawberry.mutation(description="Record that a body stopped monitoring an inquiry.")
    async def close_inquiry(self, info: Info, input: CloseInquiryInput) -> RecordResult:
        return await record(
            info,
            lambda app, actor, now: app.close_inquiry(
                input.body, input.title, provenance_of(input), actor, now, input.expected_version
            ),
        )

    @strawberry.mutation(description="Correct a wrongly recorded fact about an inquiry.")
    async def correct_inquiry(self, info: Info, input: CorrectInquiryInput) -> RecordResult:
        return await record(
            info,
            lambda app, actor, now: app.correct_inquiry(
                input.body,
                input.title,
                input.corrects_version,
                domain_code(input.field),
                list(input.terms_of_reference),
                input.reason,
                provenance_of(input),
                actor,
                now,
                input.expected_version,
            ),
            {"value": "termsOfReference"},
        )

    @strawberry.mutation(description="Correct a recommendation's text, owner or objective.")
    async def correct_recommendation(
        self, info: Info, input: CorrectRecommendationInput
    ) -> RecordResult:
        return await record(
            info,
            lambda app, actor, now: app.correct_recommendation(
                input.body,
                input.inquiry,
                input.number,
                input.corrects_version,
                domain_code(input.field),
                _corrected_recommendation_value(input.field, input.value),
                input.reason,
                provenance_of(input),
                actor,
                now,
                input.expected_version,
            ),
            NAMED_INQUIRY,
        )
