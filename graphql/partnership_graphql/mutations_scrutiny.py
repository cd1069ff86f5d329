"""Mutations for scrutiny inquiries: numbered recommendations and their progress updates."""

from datetime import date
from enum import Enum
from typing import Any

import strawberry
from strawberry.types import Info

from partnership import recommendations
from partnership.application import PartnershipApplication as Commands
from partnership_graphql.input_limits import limits_stated
from partnership_graphql.mutations_parts import (
    CORRECTION,
    CORRECTION_REASON,
    CORRECTS_VERSION,
    ChangeInput,
    StatedInput,
    optional_value,
    required_value,
    shared_parts_last,
    version_seen,
)
from partnership_graphql.mutations_path import MutationResult, record

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
@shared_parts_last
@strawberry.input(description="A scrutiny inquiry a body opened.")
class OpenInquiryInput(StatedInput):
    body: str = strawberry.field(description=SCRUTINY_BODY)
    title: str = strawberry.field(description="Its title; it identifies the inquiry for good.")
    terms_of_reference: list[str] = strawberry.field(
        default_factory=list, description="The inquiry's terms of reference, item by item."
    )
    effective_date: date = strawberry.field(description="The day it was opened.")


@strawberry.input
class InquiryChangeInput(ChangeInput):
    body: str = strawberry.field(description=SCRUTINY_BODY)
    expected_version: int | None = strawberry.field(default=None, description=INQUIRY_VERSION)


@strawberry.input
class RecommendationChangeInput(InquiryChangeInput):
    inquiry: str = strawberry.field(description=INQUIRY)
    number: str = strawberry.field(description=NUMBER)


@limits_stated
@shared_parts_last
@strawberry.input(description="A numbered recommendation the inquiry made; it starts open.")
class MakeRecommendationInput(RecommendationChangeInput):
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


@limits_stated
@shared_parts_last
@strawberry.input(description="A dated progress update on a recommendation.")
class RecordRecommendationProgressInput(RecommendationChangeInput):
    text: str = strawberry.field(description="The update, as the monitoring report gives it.")
    status: RecommendationStatus | None = strawberry.field(
        default=None, description="Its status now; leave out if unchanged."
    )
    reported_by_authority: str | None = strawberry.field(
        default=None,
        description="The registered authority the paper credits with the update, if any.",
    )
    effective_date: date = strawberry.field(description="The date of the update.")


@limits_stated
@shared_parts_last
@strawberry.input(description="An inquiry the body stops monitoring; its record stays.")
class CloseInquiryInput(InquiryChangeInput):
    title: str = strawberry.field(description=INQUIRY)
    effective_date: date = strawberry.field(description="The day it was closed.")


@limits_stated
@shared_parts_last
@strawberry.input(description=CORRECTION)
class CorrectInquiryInput(InquiryChangeInput):
    title: str = strawberry.field(description=INQUIRY)
    corrects_version: int = strawberry.field(description=CORRECTS_VERSION)
    field: InquiryCorrectableField
    terms_of_reference: list[str] = strawberry.field(
        description="The right terms of reference, item by item, in full."
    )
    reason: str = strawberry.field(description=CORRECTION_REASON)

    def command_arguments(self, given: dict[str, Any]) -> dict[str, Any]:
        terms = given.pop("terms_of_reference")
        return given | {"value": terms}


@limits_stated
@shared_parts_last
@strawberry.input(description=CORRECTION)
class CorrectRecommendationInput(RecommendationChangeInput):
    corrects_version: int = strawberry.field(description=CORRECTS_VERSION)
    field: RecommendationCorrectableField
    value: str | None = strawberry.field(
        default=None,
        description="The right value: the text; or the owner (a registered authority) or "
        "objective, null for none.",
    )
    reason: str = strawberry.field(description=CORRECTION_REASON)

    def command_arguments(self, given: dict[str, Any]) -> dict[str, Any]:
        if self.field is RecommendationCorrectableField.TEXT:
            return given | {"value": required_value(self.value, "text")}
        return given | {"value": optional_value(self.value)}


@strawberry.type
class ScrutinyMutation:
    @strawberry.mutation(description="Record that a body opened a scrutiny inquiry.")
    async def open_inquiry(self, info: Info, input: OpenInquiryInput) -> MutationResult:
        return await record(info, Commands.open_inquiry, input)

    @strawberry.mutation(description="Record a recommendation an inquiry made.")
    async def make_recommendation(
        self, info: Info, input: MakeRecommendationInput
    ) -> MutationResult:
        return await record(info, Commands.make_recommendation, input, NAMED_INQUIRY)

    @strawberry.mutation(description="Record progress on a recommendation, perhaps a new status.")
    async def record_recommendation_progress(
        self, info: Info, input: RecordRecommendationProgressInput
    ) -> MutationResult:
        return await record(info, Commands.record_recommendation_progress, input, NAMED_INQUIRY)

    @strawberry.mutation(description="Record that a body stopped monitoring an inquiry.")
    async def close_inquiry(self, info: Info, input: CloseInquiryInput) -> MutationResult:
        return await record(info, Commands.close_inquiry, input)

    @strawberry.mutation(description="Correct a wrongly recorded fact about an inquiry.")
    async def correct_inquiry(self, info: Info, input: CorrectInquiryInput) -> MutationResult:
        return await record(info, Commands.correct_inquiry, input, {"value": "termsOfReference"})

    @strawberry.mutation(description="Correct a recommendation's text, owner or objective.")
    async def correct_recommendation(
        self, info: Info, input: CorrectRecommendationInput
    ) -> MutationResult:
        return await record(info, Commands.correct_recommendation, input, NAMED_INQUIRY)
