"""How a row of the alerts read model is made, keyed and described: the key date of a renewal,
and every row's alert key and subject, follow from the rest of the row."""

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
from partnership.contracts import notice_deadline
from partnership.domain import normalise_key
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
        row["key_date"] = notice_deadline(row["runs_until"], row["notice_period_days"])
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
