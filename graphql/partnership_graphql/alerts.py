"""Alerts: what needs attention as of a day, and acknowledging one at the level it is at."""

from datetime import date, datetime
from enum import Enum
from typing import Annotated, Any, cast

import strawberry
from sqlalchemy import Connection
from strawberry.types import Info

from partnership import alerts as rules
from partnership.application import CommandResult, PartnershipApplication
from partnership.commands.alerts import AlertStanding
from partnership.commands.envelope import Envelope
from partnership.domain import Provenance
from partnership.limits import TITLE_MAX, check_date, check_query_text
from partnership_graphql import connections
from partnership_graphql.connections import PAGING, After, Before, First, Last, page_request
from partnership_graphql.context import context_of, off_the_loop
from partnership_graphql.input_limits import limits_stated
from partnership_graphql.mutations_path import MutationResult, Recorded, recorded, run_command
from projections.read import FoundAlert, alert_by_key, alerts_page


@strawberry.enum(description="What an alert is about.")
class AlertCategory(Enum):
    RENEWAL = strawberry.enum_value(
        rules.RENEWAL,
        description="A running contract's notice deadline is near or has passed: a renewal "
        "decision is due.",
    )
    MILESTONE_OVERDUE = strawberry.enum_value(
        rules.MILESTONE_OVERDUE,
        description="A project milestone is past its due date and not achieved.",
    )
    RECOMMENDATION_STALE = strawberry.enum_value(
        rules.RECOMMENDATION_STALE,
        description="An open or in-progress scrutiny recommendation has had no progress "
        "update for the configured number of days.",
    )
    SUPPLIER_ACTION_OVERDUE = strawberry.enum_value(
        rules.SUPPLIER_ACTION_OVERDUE,
        description="An action from a supplier meeting is past its due date and still open.",
    )
    HEAD_CONTRACT_CHANGED = strawberry.enum_value(
        rules.HEAD_CONTRACT_CHANGED,
        description="The head contract of a back-to-back contract was novated, extended, "
        "varied or terminated: one alert per change and back-to-back contract, standing "
        "(at level 'changed') while that contract runs, for the parties of that contract.",
    )


def _category(value: Any) -> str:
    return str(value.value)


@strawberry.type(description="Who acknowledged an alert at its level, when, and what they noted.")
class AlertAcknowledgement:
    acknowledged_by: str = strawberry.field(description="The person who acknowledged it.")
    acknowledged_by_authority: str = strawberry.field(
        description="The authority that person acts for."
    )
    acknowledged_on: date = strawberry.field(description="The day it was acknowledged.")
    recorded_at: datetime = strawberry.field(description="When the record learned of it (UTC).")
    note: str | None = strawberry.field(description="What they noted, e.g. the action taken.")


@strawberry.type(
    description="Something that needs attention as of a day: a renewal decision coming due, "
    "an overdue milestone or supplier action, a recommendation nobody has reported on, or a "
    "change to the head contract of a back-to-back contract."
)
class Alert:
    key: str = strawberry.field(
        description="Identifies this alert; pass it to acknowledgeAlert. It includes the key "
        "date, so a moved deadline or a new progress update makes a new alert."
    )
    category: AlertCategory = strawberry.field(description="What kind of alert it is.")
    level: str = strawberry.field(
        description="How pressing it is. For renewals: '180_days', '90_days', '30_days', "
        "'7_days' (the notice deadline is that many days away or fewer; the thresholds are "
        "configurable) or 'overdue' (the deadline has passed and the contract still runs). "
        "For a head contract's change, 'changed'. Otherwise 'overdue' or, for "
        "recommendations, 'stale'. Acknowledging one level silences it until the next."
    )
    threshold_days: int | None = strawberry.field(
        description="For a renewal, the threshold crossed (90 for '90_days'); otherwise null."
    )
    key_date: date = strawberry.field(
        description="The date it turns on: a contract's notice deadline, a milestone's or "
        "action's due date, a recommendation's last progress update (or the day it was "
        "made, if none), or the effective date of a head contract's change."
    )
    days_until: int = strawberry.field(
        description="Days from the day asked about to the key date: positive while it is "
        "ahead, 0 on the day, negative once passed (-12 means twelve days ago)."
    )
    subject: str = strawberry.field(
        description="What it concerns, in one line, e.g. 'Renewal of contract LSSCC-CRM-LCC'."
    )
    title: str = strawberry.field(
        description="The contract's title, the milestone's title, the recommendation's text, "
        "the action's text, or what changed in the head contract."
    )
    authority: str | None = strawberry.field(
        description="The authority responsible: the contracting authority (of the back-to-back "
        "contract, for a head contract's change), the milestone's authority or the "
        "recommendation's owner, where there is one."
    )
    authorities: list[str] = strawberry.field(
        description="Every authority it concerns (the `authority` filter matches these)."
    )
    partnership: str | None = strawberry.field(description="The partnership, where known.")
    contract_reference: str | None = strawberry.field(
        description="For a renewal: the contract; for a head contract's change: the "
        "back-to-back contract under it."
    )
    head_contract_reference: str | None = strawberry.field(
        description="For a head contract's change: the head contract that changed."
    )
    supplier: str | None = strawberry.field(
        description="For a renewal, the contract's current supplier; for a supplier action, "
        "the supplier met."
    )
    project: str | None = strawberry.field(description="For a milestone: its project.")
    milestone: str | None = strawberry.field(description="For a milestone: its key.")
    scrutiny_body: str | None = strawberry.field(
        description="For a recommendation: the body whose inquiry made it."
    )
    inquiry: str | None = strawberry.field(description="For a recommendation: the inquiry.")
    recommendation_number: str | None = strawberry.field(
        description="For a recommendation: its number, e.g. '5d'."
    )
    supplier_meeting: str | None = strawberry.field(
        description="For a supplier action: the meeting that raised it."
    )
    meeting_day: date | None = strawberry.field(
        description="For a supplier action: the day of that meeting."
    )
    action_number: str | None = strawberry.field(description="For a supplier action: its number.")
    acknowledged: bool = strawberry.field(
        description="Whether someone has acknowledged it at its current level."
    )
    acknowledgement: AlertAcknowledgement | None = strawberry.field(
        description="Who acknowledged it at its current level, if anyone."
    )

    @classmethod
    def from_found(cls, found: FoundAlert) -> "Alert":
        row, category = found.row, found.row["category"]

        def only(wanted: str) -> str | None:
            return str(row["item"]) if category == wanted else None

        ack = found.acknowledgement
        return cls(
            key=found.key,
            category=AlertCategory(category),
            level=found.level,
            threshold_days=found.threshold_days,
            key_date=row["key_date"],
            days_until=found.days_until,
            subject=row["subject"],
            title=row["title"],
            authority=row["authority"],
            authorities=list(row["authorities"]),
            partnership=row["partnership"],
            contract_reference=row["contract_reference"],
            head_contract_reference=row["head_contract_reference"],
            supplier=row["supplier"],
            project=row["project"],
            milestone=only(rules.MILESTONE_OVERDUE),
            scrutiny_body=row["scrutiny_body"],
            inquiry=row["inquiry"],
            recommendation_number=only(rules.RECOMMENDATION_STALE),
            supplier_meeting=row["supplier_meeting"],
            meeting_day=row["meeting_day"],
            action_number=only(rules.SUPPLIER_ACTION_OVERDUE),
            acknowledged=ack is not None,
            acknowledgement=None
            if ack is None
            else AlertAcknowledgement(
                acknowledged_by=ack["acknowledged_by"],
                acknowledged_by_authority=ack["acknowledged_by_authority"],
                acknowledged_on=ack["acknowledged_on"],
                recorded_at=ack["recorded_at"],
                note=ack["note"],
            ),
        )


@strawberry.type
class AlertsQuery:
    @strawberry.field(
        description="What needs attention as of a day, most urgent first: missed notice "
        "deadlines on running contracts, then other overdue milestones and supplier actions "
        "(longest overdue first), then coming notice deadlines and head contracts' changes "
        "(earliest first), then recommendations gone without a progress update (longest "
        "first). Alerts someone has "
        f"acknowledged at their current level are left out unless asked for. {PAGING}"
    )
    async def alerts(
        self,
        info: Info,
        as_of: Annotated[
            date | None,
            strawberry.argument(description="The day to judge from (default today)."),
        ] = None,
        categories: Annotated[
            list[AlertCategory] | None,
            strawberry.argument(description="Only these kinds of alert (default all)."),
        ] = None,
        include_acknowledged: Annotated[
            bool,
            strawberry.argument(description="Also list alerts acknowledged at their level."),
        ] = False,
        authority: Annotated[
            str | None,
            strawberry.argument(
                description="Only alerts concerning this authority; one not registered (or "
                "not yours to see) is refused (authority_not_found)."
            ),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> connections.Connection[Alert]:
        context = context_of(info)
        runtime = context.runtime
        visible = await context.visible()
        # Within the record's dates, so that no alert's sum of days can leave the calendar.
        day = (
            runtime.clock().date()
            if as_of is None
            else check_date(as_of, "asOf", "The day to judge from")
        )
        wanted = [_category(c) for c in categories] if categories else list(rules.CATEGORIES)
        alert_rules = runtime.policy.alert_rules
        request = page_request(first, after, last, before)

        def fetch() -> connections.Connection[Alert]:
            with runtime.store.reader.connect() as conn:
                page = alerts_page(
                    conn,
                    day,
                    alert_rules,
                    request,
                    wanted,
                    include_acknowledged,
                    authority,
                    visible=visible,
                )
            return connections.Connection.of(page, Alert.from_found)

        result: connections.Connection[Alert] = await off_the_loop(fetch)
        return result


@limits_stated
@strawberry.input(description="Acknowledge an alert at the level it stands at today.")
class AcknowledgeAlertInput:
    key: str = strawberry.field(description="The alert's key, as the alerts query gives it.")
    level: str = strawberry.field(
        description="The level you are acknowledging, as the alerts query gives it today, "
        "e.g. '90_days'; acknowledged, the alert stays quiet until it reaches the next level."
    )
    note: str | None = strawberry.field(
        default=None, description="What you noted or did about it, for the record."
    )

    def provenance(self, now: datetime) -> Provenance:
        """An acknowledgement is a fact of the record itself, made the day it is recorded."""
        return Provenance(now.date(), rules.ACKNOWLEDGED_HERE)


@strawberry.type
class AlertsMutation:
    @strawberry.mutation(
        description="Record that you have seen an alert at its current level (refused if "
        "it is not at that level today, or was acknowledged at it already). The answer's "
        "record is the alert as it now stands, acknowledged."
    )
    async def acknowledge_alert(self, info: Info, input: AcknowledgeAlertInput) -> MutationResult:
        context = context_of(info)
        runtime = context.runtime
        alert_rules = runtime.policy.alert_rules
        # Acknowledging changes nothing of what the person sees: the alert is shown as seen now.
        seen = await context.visible()
        found: FoundAlert | None = None
        found_seen: FoundAlert | None = None
        today = date.min

        def acknowledge(app: PartnershipApplication, envelope: Envelope) -> CommandResult:
            nonlocal found, found_seen, today
            # Checked before it reaches a query: PostgreSQL cannot even compare a NUL.
            check_query_text(input.key, "key", "The alert's key", TITLE_MAX)
            today = envelope.now.date()
            with runtime.store.reader.connect() as conn:
                found = alert_by_key(conn, input.key, today, alert_rules)
                found_seen = (
                    found
                    if seen.everything or found is None
                    else alert_by_key(conn, input.key, today, alert_rules, visible=seen)
                )
            return app.acknowledge_alert(
                key=input.key,
                level=input.level,
                note=input.note,
                standing=None if found is None else _standing(found),
                envelope=envelope,
            )

        def answer(conn: Connection, result: CommandResult) -> Recorded:
            # A change recorded meanwhile (a moved deadline) may have closed this alert; the
            # acknowledgement stands in the log all the same, so it is shown as found.
            after = alert_by_key(conn, input.key, today, alert_rules, visible=seen) or found_seen
            shown = None if after is None else Alert.from_found(after)

            async def show(_: Info) -> Alert | None:
                return shown

            return recorded(conn, result, show)

        outcome = await run_command(info, input, acknowledge, answer)
        return cast(MutationResult, outcome)


def _standing(found: FoundAlert) -> AlertStanding:
    return AlertStanding(found.key, found.level, found.row["subject"], found.row["authority"])
