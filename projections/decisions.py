"""The decisions register: each meeting's attendance and rule, and every decision with its outcome.

A decision's outcome is computed here with the meeting's own copy of the body's rule, exactly as
`Meeting.outcome` computes it (with `as_of=None`: the response window is taken as closed).
"""

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Connection,
    Date,
    Index,
    Integer,
    String,
    Table,
    Text,
    and_,
    bindparam,
    insert,
    select,
    update,
)

from partnership.limits import DECISION_NUMBER_MAX, NAME_MAX, REFERENCE_MAX
from partnership.meetings import CANCELLED, HELD, NO_RULE_RECORDED, PLANNED, Meeting
from partnership.voting import DecisionRule, tally
from projections.base import Batch
from projections.database import metadata

meetings_register = Table(
    "meetings_register",
    metadata,
    Column("meeting_id", String(36), primary_key=True),
    Column("partnership", String(NAME_MAX), nullable=False),
    Column("body", String(NAME_MAX), nullable=False),
    Column("meeting_date", Date, nullable=False),
    Column("sequence", Integer, nullable=False),
    Column("status", String(20), nullable=False),
    Column("attendees", Integer, nullable=False),
    Column("apologies", Integer, nullable=False),
    # None: the minutes say nothing of interests; []: none were declared.
    Column("declarations", JSON),
    Column("members", JSON, nullable=False),
    Column("rule", JSON),
    Column("last_position", BigInteger, nullable=False),
    Index("ix_meetings_register_body", "partnership", "body", "meeting_date"),
    # A partnership's meetings of every body, newest first.
    Index("ix_meetings_register_date", "partnership", "meeting_date"),
)

decisions_register = Table(
    "decisions_register",
    metadata,
    Column("meeting_id", String(36), primary_key=True),
    Column("decision", String(DECISION_NUMBER_MAX), primary_key=True),
    Column("partnership", String(NAME_MAX), nullable=False),
    Column("body", String(NAME_MAX), nullable=False),
    Column("meeting_date", Date, nullable=False),
    Column("sequence", Integer, nullable=False),
    Column("item", String(REFERENCE_MAX), nullable=False),
    Column("form", String(20), nullable=False),
    Column("wording", Text, nullable=False),
    Column("votes", JSON, nullable=False),
    Column("electronic_responses", JSON, nullable=False),
    Column("outcome", String(40), nullable=False),
    Column("votes_for", Integer, nullable=False),
    Column("votes_against", Integer, nullable=False),
    Column("abstentions", Integer, nullable=False),
    Column("supersedes", JSON),
    Column("superseded_by", JSON),
    Column("superseded_how", String(20)),
    # Where the decision was first recorded: its place in the minutes, since "10.1" < "6.1".
    Column("recorded_position", BigInteger, nullable=False),
    Column("last_position", BigInteger, nullable=False),
    # Decisions of a body, newest meeting first.
    Index("ix_decisions_register_body", "partnership", "body", "meeting_date"),
    # A partnership's decisions by every body, newest meeting first.
    Index("ix_decisions_register_date", "partnership", "meeting_date"),
)

Rows = dict[Any, dict[str, Any]]


class DecisionsRegisterProjection:
    name = "decisions_register"
    schema_version = 1
    tables: Sequence[Table] = (meetings_register, decisions_register)

    def forget(self) -> None:
        """Nothing to drop: every batch reads the rows it touches back from the database."""

    def process(self, conn: Connection, batch: Batch) -> None:
        touched = {str(e.originator_id) for _, e in batch if isinstance(e, Meeting.Event)}
        if not touched:
            return
        meetings: Rows = {
            row["meeting_id"]: dict(row)
            for row in conn.execute(
                select(meetings_register).where(meetings_register.c.meeting_id.in_(touched))
            ).mappings()
        }
        decisions: Rows = {
            (row["meeting_id"], row["decision"]): dict(row)
            for row in conn.execute(
                select(decisions_register).where(decisions_register.c.meeting_id.in_(touched))
            ).mappings()
        }
        meetings_read = {key: dict(row) for key, row in meetings.items()}
        decisions_read = {key: dict(row) for key, row in decisions.items()}
        for position, event in batch:
            if not isinstance(event, Meeting.Event):
                continue
            key = str(event.originator_id)
            if isinstance(event, Meeting.Registered):
                meetings[key] = _registered_row(key, event)
            else:
                _apply(meetings[key], decisions, key, event, position)
            meetings[key]["last_position"] = position
        for decision in decisions.values():
            if decision["meeting_id"] in touched:
                decision.update(_outcome(meetings[decision["meeting_id"]], decision))
        _write(conn, meetings_register, meetings, meetings_read, ("meeting_id",))
        _write(conn, decisions_register, decisions, decisions_read, ("meeting_id", "decision"))


def _registered_row(key: str, event: Meeting.Registered) -> dict[str, Any]:
    return {
        "meeting_id": key,
        "partnership": event.partnership,
        "body": event.body,
        "meeting_date": event.meeting_date,
        "sequence": event.sequence,
        "status": PLANNED,
        "attendees": 0,
        "apologies": 0,
        "declarations": None,
        "members": [],
        "rule": None,
    }


def _apply(
    meeting: dict[str, Any], decisions: Rows, key: str, event: Meeting.Event, position: int
) -> None:
    if isinstance(event, Meeting.Held):
        meeting.update(
            status=HELD,
            attendees=len(event.attendees),
            apologies=len(event.apologies),
            declarations=_plain(event.declarations),
            members=list(event.members),
            rule=_plain(event.rule),
        )
    elif isinstance(event, Meeting.Cancelled):
        meeting["status"] = CANCELLED
    elif isinstance(event, Meeting.Corrected):
        if event.field in ("attendees", "apologies"):
            meeting[event.field] = len(event.value)
        elif event.field == "declarations":
            meeting["declarations"] = _plain(event.value)
    elif isinstance(event, Meeting.DecisionRecorded):
        decisions[(key, event.number)] = {
            "meeting_id": key,
            "decision": event.number,
            "partnership": meeting["partnership"],
            "body": meeting["body"],
            "meeting_date": meeting["meeting_date"],
            "sequence": meeting["sequence"],
            "item": event.item,
            "form": event.form,
            "wording": event.wording,
            "votes": dict(event.votes),
            "electronic_responses": {},
            "supersedes": _plain(event.supersedes),
            "superseded_by": None,
            "superseded_how": None,
            "recorded_position": position,
            "last_position": position,
        }
    elif isinstance(event, Meeting.ElectronicResponseRecorded):
        decision = decisions[(key, event.decision)]
        response = {"vote": event.vote, "received_on": event.received_on.isoformat()}
        decision["electronic_responses"] = {
            **decision["electronic_responses"],
            event.authority: response,
        }
        decision["last_position"] = position
    elif isinstance(event, Meeting.SupersessionRecorded):
        decision = decisions[(key, event.decision)]
        decision["superseded_by"] = _plain(event.successor)
        decision["superseded_how"] = event.how
        decision["last_position"] = position
    elif isinstance(event, Meeting.DecisionWordingCorrected):
        decision = decisions[(key, event.decision)]
        decision["wording"] = event.wording
        decision["last_position"] = position


def _outcome(meeting: dict[str, Any], decision: dict[str, Any]) -> dict[str, Any]:
    """As `Meeting.outcome(number)` gives it, from the rule copied at the meeting."""
    rule = NO_RULE_RECORDED if meeting["rule"] is None else DecisionRule.from_dict(meeting["rule"])
    electronic = {a: r["vote"] for a, r in decision["electronic_responses"].items()}
    counted = tally(
        rule,
        list(meeting["members"]),
        decision["votes"],
        electronic,
        meeting["meeting_date"],
        None,
    )
    return {
        "outcome": counted.outcome,
        "votes_for": counted.votes_for,
        "votes_against": counted.votes_against,
        "abstentions": counted.abstentions,
    }


def _plain(value: Any) -> Any:
    """A JSON-ready copy, so that what is compared is what the database hands back."""
    if value is None:
        return None
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _write(
    conn: Connection, table: Table, rows: Rows, as_read: Rows, keys: tuple[str, ...]
) -> None:
    new_rows = [row for key, row in rows.items() if key not in as_read]
    if new_rows:
        conn.execute(insert(table), new_rows)
    # Only the columns that changed, one executemany per set of columns, as the contracts do.
    by_columns: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
    for key, before in as_read.items():
        after = rows[key]
        changed = tuple(sorted(name for name in after if after[name] != before[name]))
        if changed:
            by_columns[changed].append(
                {**{f"key_{k}": after[k] for k in keys}, **{n: after[n] for n in changed}}
            )
    for columns, changes in by_columns.items():
        conn.execute(
            update(table)
            .where(and_(*(table.c[k] == bindparam(f"key_{k}") for k in keys)))
            .values({name: bindparam(name) for name in columns}),
            changes,
        )


# Queries


def decisions_of_body(conn: Connection, partnership: str, body: str) -> list[dict[str, Any]]:
    """Every decision of a body, newest meeting first, each meeting's in the minutes' order."""
    query = (
        select(decisions_register)
        .where(decisions_register.c.partnership == partnership)
        .where(decisions_register.c.body == body)
        .order_by(
            decisions_register.c.meeting_date.desc(),
            decisions_register.c.sequence.desc(),
            decisions_register.c.recorded_position,
        )
    )
    return [dict(row) for row in conn.execute(query).mappings()]


def meeting_row(conn: Connection, meeting_id: str) -> dict[str, Any] | None:
    found = (
        conn.execute(select(meetings_register).where(meetings_register.c.meeting_id == meeting_id))
        .mappings()
        .first()
    )
    return None if found is None else dict(found)
