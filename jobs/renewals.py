"""The renewal scan: which contracts need a renewal decision within the horizon."""

import logging
from dataclasses import dataclass
from datetime import date
from typing import Any

from projections.read import ReadModelStore, contracts_due_for_renewal

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RenewalDue:
    reference: str
    title: str
    authority: str
    supplier: str
    end_date: date
    notice_deadline: date
    days_left: int

    def describe(self) -> str:
        when = (
            f"notice deadline passed {-self.days_left} days ago"
            if self.days_left < 0
            else f"notice deadline in {self.days_left} days"
        )
        return (
            f"{self.reference} ({self.authority}, {self.supplier}): {when}, "
            f"on {self.notice_deadline.isoformat()}; contract ends {self.end_date.isoformat()}"
        )


# What `partnership renewals --json` and `--csv` give for each contract, in this order.
RENEWAL_FIELDS = (
    "reference",
    "title",
    "authority",
    "supplier",
    "end_date",
    "notice_deadline",
    "days_until_notice_deadline",
)


def renewal_row(item: RenewalDue) -> dict[str, Any]:
    """One contract due, as scripts read it: dates in ISO form, days negative once passed."""
    return {
        "reference": item.reference,
        "title": item.title,
        "authority": item.authority,
        "supplier": item.supplier,
        "end_date": item.end_date.isoformat(),
        "notice_deadline": item.notice_deadline.isoformat(),
        "days_until_notice_deadline": item.days_left,
    }


def list_renewals_due(store: ReadModelStore, today: date, horizon_days: int) -> list[RenewalDue]:
    with store.reader.connect() as conn:
        rows = contracts_due_for_renewal(conn, today, horizon_days)
    return [
        RenewalDue(
            reference=row["reference"],
            title=row["title"],
            authority=row["authority"],
            supplier=row["supplier"],
            end_date=row["end_date"],
            notice_deadline=row["notice_deadline"],
            days_left=(row["notice_deadline"] - today).days,
        )
        for row in rows
    ]


def scan_renewals(store: ReadModelStore, today: date, horizon_days: int) -> list[RenewalDue]:
    """The daily job: log every contract whose renewal decision falls due within the horizon."""
    due = list_renewals_due(store, today, horizon_days)
    log.info(
        "renewal scan for %s: %d contract(s) need a decision within %d days",
        today.isoformat(),
        len(due),
        horizon_days,
    )
    for item in due:
        log.info("renewal due: %s", item.describe())
    return due
