"""Recommendation commands: the Chorley inquiry's 4a-5f, and refusals."""

from datetime import date
from typing import Any

import pytest

from partnership.application import PartnershipApplication
from partnership.commands.envelope import Envelope
from partnership.domain import ConcurrentChange, DomainError, InvalidInput, Provenance
from partnership.partnerships import COUNTY, Authority, AuthorityNotFound
from partnership.recommendations import (
    IMPLEMENTED,
    IN_PROGRESS,
    OPEN,
    ChangeBeforeOpening,
    InquiryAlreadyOpened,
    InquiryClosed,
    InquiryNotFound,
    ProgressBeforeRecommendation,
    RecommendationAlreadyMade,
    RecommendationNotFound,
)
from projections.runtime import Runtime
from tests.conftest import OFFICER, MovableClock

pytestmark = pytest.mark.store_agnostic

LCC = "Lancashire County Council"
BODY = "Corporate and Customer Overview and Scrutiny Panel"
TITLE = "Contact Centre Efficiencies and Partnership with Lancashire County Council"

SUB_GROUP_2006 = (
    "Chorley Corporate & Customer Overview & Scrutiny Panel, Partnership Sub-Group, "
    "26 October 2006, item 4: terms of reference"
)
# The report that made the recommendations is not among the papers; its date is assumed.
MADE = Provenance(date(2007, 3, 1), "Test fixture: the inquiry's final report (date assumed)")
MONITORING_2007 = Provenance(
    date(2007, 11, 20),
    "Chorley Corporate & Customer Overview & Scrutiny Panel, 20 November 2007, item 6: "
    "Monitoring of Inquiry Recommendations",
)
TERMS = [
    "To review the Lancashire Shared Services Contact Centre partnership arrangements.",
    "To assess whether the Council is achieving the desired benefits of partnership working.",
    "To identify possible improvements.",
    "To report on the findings and make recommendations to the Corporate and Customer "
    "Overview and Scrutiny Panel.",
]
PARTNERSHIP_WORKING = "Objective/Key Issue 2: Partnership Working"

# (number as printed, text, owner, objective, November 2007 update, status, reported by LCC)
RECOMMENDATIONS: list[tuple[str, str, str | None, str | None, str, str | None, bool]] = [
    (
        "4,a",
        "To support the refined long term vision of the Partnership to deliver Lancashire "
        "County Council and District partner services and to support the refined vision "
        "statement.",
        LCC,
        PARTNERSHIP_WORKING,
        "A three year vision statement has been agreed with an associated action plan. The "
        "initial aim of this is to implement Front Office which is on target.",
        IN_PROGRESS,
        True,
    ),
    (
        "4,b",
        "To ensure that the governance arrangements for the Partnership are effective by "
        "revisiting the terms of reference for the Joint Committee and to review the vision "
        "and project plan every 6 months and monitoring effectively the timescales set down "
        "in the project plan.",
        None,
        PARTNERSHIP_WORKING,
        "Governance arrangements and terms of reference for the Joint Committee have been "
        "revised and agreed. There have not yet been any subsequent meetings as the focus has "
        "temporarily shifted to the CRM implementation.",
        IN_PROGRESS,
        False,
    ),
    (
        "4,c",
        "To develop a mechanism for Partner Districts, Lancashire County Council and the "
        "contractor for effective communication.",
        LCC,
        PARTNERSHIP_WORKING,
        "Northgate now present in both Programme and Partnership Board meetings to discuss "
        "progress and any difficulties with the project implementation. LCC also have weekly "
        "meetings with Northgate.",
        IMPLEMENTED,
        True,
    ),
    (
        "4,d",
        "To make the Joint Committee meeting effective it is suggested that the quorum is "
        "changed to a majority vote system with absent partners given the opportunity to "
        "respond electronically to any decision.",
        LCC,
        PARTNERSHIP_WORKING,
        "As part of the revised contract arrangements, the inter authority agreement and "
        "constitution was also revised to reflect new decision making arrangements.",
        IMPLEMENTED,
        True,
    ),
    (
        "5,a",
        "For Lancashire County Council to provide Districts access to their Information "
        "systems where necessary to enable delivery of joint services.",
        LCC,
        None,
        "The revised vision statement and associated action plan makes provision for aiming "
        "for shared information services. The first step towards this is being made around "
        "joining up websites and the first meeting to discuss this was held on 30th October.",
        IN_PROGRESS,
        True,
    ),
    (
        "5,b",
        "To explore opportunities for joint training between Chorley and Lancashire County "
        "Council in the future.",
        LCC,
        None,
        "Whilst joint training is not specifically in the LCC Customer Access Strategy joint "
        "working and sharing of information is. There is no reason why this cannot be "
        "considered.",
        None,
        True,
    ),
    (
        "5,c",
        "To support extended opening hours for Contact Chorley facilitated by the Hub and to "
        "publicise emergency contact arrangements in place during out of office hours",
        LCC,
        None,
        "A business case for extended opening hours is currently being prepared.",
        IN_PROGRESS,
        True,
    ),
    (
        "5,d",
        "To explore joint working on the measurement of customer satisfaction via the "
        "Customer Relationship Management System and to deal with complaints more "
        "effectively across the Partnership.",
        None,
        None,
        "Focus currently on implementing CRM. The scope of measuring customer satisfaction "
        "and complaints across the partnership has not yet been explored.",
        OPEN,
        False,
    ),
    (
        "5,e",
        "To look at other areas of excellent contact centre public/private sector initiatives "
        "and implement these if appropriate across the Partnership.",
        None,
        None,
        "Taking place as part of the continued development of the Contact Centre.",
        IN_PROGRESS,
        False,
    ),
    (
        "5,f",
        "That any future Lancashire Gateways developments or public service partnerships, "
        "such as Housing Associations, for Chorley be based in the One Stop Shop.",
        LCC,
        None,
        "LCC are currently running a pilot on Face to Face which has involved all Lancashire "
        "District partners but also other public sector organisations and community groups.",
        IN_PROGRESS,
        True,
    ),
]


def register_county(app: PartnershipApplication) -> None:
    """Made directly: the authority commands belong to another module."""
    app.save(Authority.register(LCC, COUNTY, Provenance(date(2006, 1, 1), "Test fixture"), OFFICER))


def open_the_inquiry(app: PartnershipApplication, now: Any) -> None:
    app.open_inquiry(
        body=BODY,
        title=TITLE,
        terms_of_reference=TERMS,
        envelope=Envelope(Provenance(date(2006, 10, 26), SUB_GROUP_2006), OFFICER, now),
    )


def make_all(app: PartnershipApplication, now: Any) -> None:
    for number, text, owner, objective, *_ in RECOMMENDATIONS:
        app.make_recommendation(
            body=BODY,
            inquiry=TITLE,
            number=number,
            text=text,
            owner_authority=owner,
            objective=objective,
            envelope=Envelope(MADE, OFFICER, now),
        )


def test_the_chorley_inquiry_is_monitored_in_november_2007(
    runtime: Runtime, clock: MovableClock
) -> None:
    app = runtime.app
    register_county(app)
    before = app.head_position()
    opened = app.open_inquiry(
        body=BODY,
        title=TITLE,
        terms_of_reference=TERMS,
        envelope=Envelope(Provenance(date(2006, 10, 26), SUB_GROUP_2006), OFFICER, clock()),
    )
    assert opened.position > before
    make_all(app, clock())
    for number, _, _, _, update, status, by_lcc in RECOMMENDATIONS:
        app.record_recommendation_progress(
            body=BODY,
            inquiry=TITLE,
            number=number,
            text=update,
            status=status,
            reported_by_authority="lancashire county council" if by_lcc else None,
            envelope=Envelope(MONITORING_2007, OFFICER, clock()),
        )

    reopened = PartnershipApplication(env=runtime.settings.event_store_env())
    try:
        inquiry = reopened.get_inquiry(BODY.upper(), TITLE)
    finally:
        reopened.close()
    assert (inquiry.body, inquiry.title, inquiry.terms_of_reference) == (BODY, TITLE, TERMS)
    assert list(inquiry.recommendations) == [
        "4a",
        "4b",
        "4c",
        "4d",
        "5a",
        "5b",
        "5c",
        "5d",
        "5e",
        "5f",
    ]
    assert {n: inquiry.status_of(n) for n in ("4a", "4c", "4d", "5b", "5d")} == {
        "4a": IN_PROGRESS,
        "4c": IMPLEMENTED,
        "4d": IMPLEMENTED,
        "5b": OPEN,
        "5d": OPEN,
    }
    four_d = inquiry.recommendations["4d"]
    assert (four_d["owner_authority"], four_d["objective"]) == (LCC, PARTNERSHIP_WORKING)
    assert four_d["status_history"] == [
        {"status": OPEN, "effective_date": date(2007, 3, 1)},
        {"status": IMPLEMENTED, "effective_date": date(2007, 11, 20)},
    ]
    (update,) = inquiry.recommendations["4c"]["updates"]
    assert update["text"].endswith("LCC also have weekly meetings with Northgate.")
    assert (update["reported_by_authority"], update["recorded_by"]) == (LCC, OFFICER.person)
    assert update["effective_date"] == date(2007, 11, 20)
    assert inquiry.recommendations["4a"]["updates"][0]["status"] == IN_PROGRESS
    # An unchanged status is no change: 5d stays open with a single entry in its history.
    assert inquiry.recommendations["5d"]["updates"][0]["status"] is None
    assert len(inquiry.recommendations["5d"]["status_history"]) == 1
    assert inquiry.recommendations["4b"]["updates"][0]["reported_by_authority"] is None
    assert inquiry.days_since_last_update("4a", date(2008, 11, 20)) == 366
    assert inquiry.version == 21


def test_corrections_and_closing(runtime: Runtime, clock: MovableClock) -> None:
    app = runtime.app
    register_county(app)
    open_the_inquiry(app, clock())
    make_all(app, clock())
    later = Provenance(date(2008, 1, 15), "Test fixture: a correction note")
    app.correct_recommendation(
        body=BODY,
        inquiry=TITLE,
        number="4B",
        corrects_version=3,
        field="owner_authority",
        value=" Lancashire  County Council ",
        reason="LCC owns the Joint Committee's terms of reference",
        envelope=Envelope(later, OFFICER, clock()),
    )
    app.correct_inquiry(
        body=BODY,
        title=TITLE,
        corrects_version=1,
        field="terms_of_reference",
        value=TERMS[:3],
        reason="The fourth term was a duty, not a term",
        envelope=Envelope(later, OFFICER, clock()),
    )
    version = app.get_inquiry(BODY, TITLE).version
    closed = app.close_inquiry(
        body=BODY, title=TITLE, envelope=Envelope(later, OFFICER, clock(), expected_version=version)
    )
    assert (closed.version, closed.position) == (version + 1, app.head_position())

    inquiry = app.get_inquiry(BODY, TITLE)
    assert inquiry.recommendations["4b"]["owner_authority"] == LCC
    assert inquiry.terms_of_reference == TERMS[:3]
    assert inquiry.closed_on == date(2008, 1, 15)

    before = app.head_position()
    with pytest.raises(InquiryClosed):
        app.record_recommendation_progress(
            body=BODY,
            inquiry=TITLE,
            number="4b",
            text="Late news",
            status=None,
            envelope=Envelope(later, OFFICER, clock()),
        )
    assert app.head_position() == before
    # A closed inquiry's record can still be put right.
    app.correct_recommendation(
        body=BODY,
        inquiry=TITLE,
        number="5e",
        corrects_version=10,
        field="objective",
        value="Objective/Key Issue 3",
        reason="Omitted",
        envelope=Envelope(later, OFFICER, clock()),
    )
    assert (
        app.get_inquiry(BODY, TITLE).recommendations["5e"]["objective"] == "Objective/Key Issue 3"
    )


FUTURE = Provenance(date(2011, 9, 3), "Test fixture: dated tomorrow")  # the clock: 2 Sep 2011


REFUSALS: list[tuple[str, Any, type[DomainError], str | None]] = [
    (
        "open-again",
        lambda app, now: app.open_inquiry(
            body=f" {BODY.lower()} ",
            title=TITLE.upper(),
            envelope=Envelope(MONITORING_2007, OFFICER, now),
        ),
        InquiryAlreadyOpened,
        "title",
    ),
    (
        "open-dated-tomorrow",
        lambda app, now: app.open_inquiry(
            body=BODY, title="Another", envelope=Envelope(FUTURE, OFFICER, now)
        ),
        InvalidInput,
        "effectiveDate",
    ),
    (
        "open-without-a-source",
        lambda app, now: app.open_inquiry(
            body=BODY,
            title="Another",
            envelope=Envelope(Provenance(date(2007, 1, 1), " "), OFFICER, now),
        ),
        InvalidInput,
        "source",
    ),
    (
        "recommend-in-unknown-inquiry",
        lambda app, now: app.make_recommendation(
            body=BODY,
            inquiry="No such inquiry",
            number="6a",
            text="T",
            owner_authority=None,
            objective=None,
            envelope=Envelope(MONITORING_2007, OFFICER, now),
        ),
        InquiryNotFound,
        "title",
    ),
    (
        "recommend-owned-by-an-unregistered-authority",
        lambda app, now: app.make_recommendation(
            body=BODY,
            inquiry=TITLE,
            number="6a",
            text="T",
            owner_authority="LCC",
            objective=None,
            envelope=Envelope(MONITORING_2007, OFFICER, now),
        ),
        AuthorityNotFound,
        "ownerAuthority",
    ),
    (
        "recommend-the-same-number-again",
        lambda app, now: app.make_recommendation(
            body=BODY,
            inquiry=TITLE,
            number="4 (a)",
            text="T",
            owner_authority=None,
            objective=None,
            envelope=Envelope(MONITORING_2007, OFFICER, now),
        ),
        RecommendationAlreadyMade,
        "number",
    ),
    (
        "recommend-before-opening",
        lambda app, now: app.make_recommendation(
            body=BODY,
            inquiry=TITLE,
            number="6a",
            text="T",
            owner_authority=LCC,
            objective=None,
            envelope=Envelope(Provenance(date(2006, 10, 1), "P"), OFFICER, now),
        ),
        ChangeBeforeOpening,
        "effectiveDate",
    ),
    (
        "recommend-from-a-stale-view",
        lambda app, now: app.make_recommendation(
            body=BODY,
            inquiry=TITLE,
            number="6a",
            text="T",
            owner_authority=LCC,
            objective=None,
            envelope=Envelope(MONITORING_2007, OFFICER, now, expected_version=1),
        ),
        ConcurrentChange,
        "expectedVersion",
    ),
    (
        "progress-reported-by-an-unregistered-authority",
        lambda app, now: app.record_recommendation_progress(
            body=BODY,
            inquiry=TITLE,
            number="4a",
            text="U",
            status=None,
            reported_by_authority="LCC",
            envelope=Envelope(MONITORING_2007, OFFICER, now),
        ),
        AuthorityNotFound,
        "reportedByAuthority",
    ),
    (
        "progress-with-an-unknown-status",
        lambda app, now: app.record_recommendation_progress(
            body=BODY,
            inquiry=TITLE,
            number="4a",
            text="U",
            status="done",
            envelope=Envelope(MONITORING_2007, OFFICER, now),
        ),
        InvalidInput,
        "status",
    ),
    (
        "progress-before-the-recommendation",
        lambda app, now: app.record_recommendation_progress(
            body=BODY,
            inquiry=TITLE,
            number="4a",
            text="U",
            status=None,
            envelope=Envelope(Provenance(date(2007, 2, 1), "P"), OFFICER, now),
        ),
        ProgressBeforeRecommendation,
        "effectiveDate",
    ),
    (
        "progress-on-an-unknown-recommendation",
        lambda app, now: app.record_recommendation_progress(
            body=BODY,
            inquiry=TITLE,
            number="7",
            text="U",
            status=None,
            envelope=Envelope(MONITORING_2007, OFFICER, now),
        ),
        RecommendationNotFound,
        "number",
    ),
    (
        "progress-dated-tomorrow",
        lambda app, now: app.record_recommendation_progress(
            body=BODY,
            inquiry=TITLE,
            number="4a",
            text="U",
            status=None,
            envelope=Envelope(FUTURE, OFFICER, now),
        ),
        InvalidInput,
        "effectiveDate",
    ),
    (
        "correct-the-owner-to-an-unregistered-authority",
        lambda app, now: app.correct_recommendation(
            body=BODY,
            inquiry=TITLE,
            number="4a",
            corrects_version=2,
            field="owner_authority",
            value="LCC",
            reason="R",
            envelope=Envelope(MONITORING_2007, OFFICER, now),
        ),
        AuthorityNotFound,
        "value",
    ),
    (
        "correct-a-status",
        lambda app, now: app.correct_recommendation(
            body=BODY,
            inquiry=TITLE,
            number="4a",
            corrects_version=2,
            field="status",
            value=IMPLEMENTED,
            reason="R",
            envelope=Envelope(MONITORING_2007, OFFICER, now),
        ),
        InvalidInput,
        "field",
    ),
    (
        "close-dated-tomorrow",
        lambda app, now: app.close_inquiry(
            body=BODY, title=TITLE, envelope=Envelope(FUTURE, OFFICER, now)
        ),
        InvalidInput,
        "effectiveDate",
    ),
    (
        "close-unknown-inquiry",
        lambda app, now: app.close_inquiry(
            body="Another panel", title=TITLE, envelope=Envelope(MONITORING_2007, OFFICER, now)
        ),
        InquiryNotFound,
        "title",
    ),
    (
        "correct-the-title",
        lambda app, now: app.correct_inquiry(
            body=BODY,
            title=TITLE,
            corrects_version=1,
            field="title",
            value="Other",
            reason="R",
            envelope=Envelope(MONITORING_2007, OFFICER, now),
        ),
        InvalidInput,
        "field",
    ),
]


@pytest.mark.parametrize(
    ("attempt", "error", "field"),
    [refusal[1:] for refusal in REFUSALS],
    ids=[refusal[0] for refusal in REFUSALS],
)
def test_refused_commands_write_nothing(
    runtime: Runtime,
    clock: MovableClock,
    attempt: Any,
    error: type[DomainError],
    field: str | None,
) -> None:
    register_county(runtime.app)
    open_the_inquiry(runtime.app, clock())
    make_all(runtime.app, clock())
    before = runtime.app.head_position()
    with pytest.raises(error) as raised:
        attempt(runtime.app, clock())
    assert (raised.value.code, raised.value.field) == (error.code, field)
    assert runtime.app.head_position() == before
    assert runtime.app.get_inquiry(BODY, TITLE).version == 11


def test_closing_twice_is_refused_and_writes_nothing(runtime: Runtime, clock: MovableClock) -> None:
    register_county(runtime.app)
    open_the_inquiry(runtime.app, clock())
    runtime.app.close_inquiry(
        body=BODY, title=TITLE, envelope=Envelope(MONITORING_2007, OFFICER, clock())
    )
    before = runtime.app.head_position()
    with pytest.raises(InquiryClosed):
        runtime.app.close_inquiry(
            body=BODY, title=TITLE, envelope=Envelope(MONITORING_2007, OFFICER, clock())
        )
    assert runtime.app.head_position() == before
