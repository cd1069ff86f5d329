"""How a row of the alerts read model is made, keyed and described: the key date of a renewal,
and every row's alert key and subject, follow from the rest of the row."""

from collections.abc import Mapping
from datetime import date
from typing import Any

from partnership.alerts import (
    HEAD_CONTRACT_CHANGED,
    MILESTONE_OVERDUE,
    RECOMMENDATION_STALE,
    RENEWAL,
    head_contract_changed_alert_key,
    milestone_alert_key,
    recommendation_alert_key,
    renewal_alert_key,
    supplier_action_alert_key,
)
from partnership.contracts import WITHDRAWN, notice_deadline
from partnership.domain import normalise_key
from partnership.projects import ACHIEVED
from partnership.recommendations import IN_PROGRESS, OPEN
from partnership.supplier_meetings import ACTION_OPEN
from projections.creation import day

Row = dict[str, Any]

# The item of a head contract's change: the head's version that the change made follows it.
HEAD_CHANGE_ITEM = "head:"


def parties(own: str, head: str) -> list[str]:
    """The parties of a back-to-back contract: its own contracting authority and its head's."""
    return [own] if normalise_key(own) == normalise_key(head) else [own, head]


def changed(row: Row, position: int) -> None:
    """What every change of a row changes, after the change itself."""
    _derive(row)
    row["last_position"] = position


def withdrawn(row: Row) -> bool:
    """Mark the row of an item withdrawn as recorded in error: it alerts no more. Whether it
    changed."""
    if row["status"] == WITHDRAWN and not row["is_open"]:
        return False
    row.update(status=WITHDRAWN, is_open=False)
    return True


def milestone_values(held: Mapping[str, Any], of_project: list[str]) -> Row:
    """A milestone's row as its project holds it; `of_project`, whom a milestone of the whole
    project concerns."""
    authority = held["authority"]
    return {
        "key_date": held["due_dates"][-1]["due_date"],
        "status": held["status"],
        "is_open": held["status"] != ACHIEVED,
        "title": held["title"],
        "authority": authority,
        "authorities": [authority] if authority else list(of_project),
    }


def recommendation_values(held: Mapping[str, Any], monitored_until: date | None) -> Row:
    """A recommendation's row as its inquiry holds it; `monitored_until`, when the inquiry was
    closed, if it was."""
    updated = [update["effective_date"] for update in held["updates"]]
    owner = held["owner_authority"]
    return {
        # Papers arrive late and out of order: the latest dated update counts.
        "key_date": max([held["made_on"], *updated]),
        "status": held["status"],
        "is_open": held["status"] in (OPEN, IN_PROGRESS) and monitored_until is None,
        "runs_until": monitored_until,
        "title": held["text"],
        "authority": owner,
        "authorities": [owner] if owner else [],
    }


def action_values(held: Mapping[str, Any]) -> Row:
    """A supplier action's row as its meeting holds it."""
    return {
        "key_date": held["due_date"],
        "status": held["status"],
        "is_open": held["status"] == ACTION_OPEN,
        "title": held["text"],
    }


def new_row(aggregate: str, item: str, category: str, **values: Any) -> Row:
    """A row with every column, the `values` given and the rest empty."""
    row: Row = {
        "aggregate_id": aggregate,
        "item": item,
        "category": category,
        "alert_key": "",
        "key_date": None,
        "is_open": True,
        "runs_until": None,
        "notice_period_days": None,
        "notice_period_unit": None,
        "status": "",
        "subject": "",
        "title": "",
        "authority": None,
        "authorities": [],
        "partnership": None,
        "contract_reference": None,
        "head_contract_reference": None,
        "project": None,
        "scrutiny_body": None,
        "inquiry": None,
        "supplier": None,
        "supplier_meeting": None,
        "meeting_day": None,
    }
    row.update(values)
    return row


def _derive(row: Row) -> None:
    """The key date of a renewal, and every row's alert key and subject, from the rest."""
    category, item, aggregate = row["category"], row["item"], row["aggregate_id"]
    if category == RENEWAL:
        row["key_date"] = notice_deadline(
            row["runs_until"], row["notice_period_days"], row["notice_period_unit"]
        )
        row["alert_key"] = renewal_alert_key(row["contract_reference"], row["key_date"])
        row["subject"] = f"Renewal of contract {row['contract_reference']}"
    elif category == MILESTONE_OVERDUE:
        row["alert_key"] = milestone_alert_key(aggregate, item, row["key_date"])
        row["subject"] = f"Milestone '{row['title']}' of project {row['project']}"
    elif category == HEAD_CONTRACT_CHANGED:
        version = int(item.removeprefix(HEAD_CHANGE_ITEM))
        row["alert_key"] = head_contract_changed_alert_key(aggregate, version)
        row["subject"] = (
            f"Change to head contract {row['head_contract_reference']} of contract "
            f"{row['contract_reference']}"
        )
    elif category == RECOMMENDATION_STALE:
        row["alert_key"] = recommendation_alert_key(aggregate, item, row["key_date"])
        row["subject"] = f"Recommendation {item} of the inquiry '{row['inquiry']}'"
    else:
        row["alert_key"] = supplier_action_alert_key(aggregate, item, row["key_date"])
        row["subject"] = (
            f"Action {item} from the {row['supplier_meeting']} "
            f"({row['supplier']}, {day(row['meeting_day'])})"
        )
