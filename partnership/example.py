"""The example partnership: the CRM contracts of the Lancashire Shared Services Contact Centre.

Every fact comes from a seed paper and says which. Where a paper leaves a fact out (a start
date, a notice period), the source note says so and the value is marked as assumed, rather
than passed off as found.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from partnership.application import PartnershipApplication
from partnership.contracts import ContractNotFound, ContractTerms
from partnership.domain import Actor, Provenance

LCC = "Lancashire County Council"
BURNLEY = "Burnley Borough Council"
HEAD_CRM = "LSSCC-CRM-LCC"
BURNLEY_CRM = "LSSCC-CRM-BURNLEY"
CRM_TITLE = "Customer Relationship Management system (Front Office)"

SUB_GROUP_2006 = (
    "Chorley Corporate & Customer Overview & Scrutiny Panel, Partnership Sub-Group, "
    "26 October 2006, item 6"
)
SCRUTINY_2007 = (
    "Chorley Corporate & Customer Overview & Scrutiny Panel, 20 November 2007, item 6: "
    "Monitoring of Inquiry Recommendations, recommendation 4d"
)
BURNLEY_2011 = (
    "Burnley Borough Council, report to Full Council, 1 September 2011, "
    "Customer Access & Community Engagement portfolio, PF3e"
)
ASSUMED_TERMS = (
    "the start date and notice period are not stated in the papers and are assumed for the example"
)


@dataclass(frozen=True)
class Step:
    """One fact of the story; `version` is the contract version it produces."""

    reference: str
    version: int
    record: Callable[[PartnershipApplication, Actor, datetime], object]


def _award(terms: ContractTerms, provenance: Provenance) -> Callable[..., object]:
    return lambda app, actor, now: app.award_contract(terms, provenance, actor, now)


STORY: tuple[Step, ...] = (
    Step(
        HEAD_CRM,
        1,
        _award(
            ContractTerms(
                reference=HEAD_CRM,
                title=f"{CRM_TITLE} for the Lancashire Shared Services Contact Centre partnership",
                supplier="SX3",
                authority=LCC,
                start_date=date(2004, 12, 1),
                end_date=date(2011, 11, 30),
                notice_period_days=180,
            ),
            Provenance(
                date(2004, 12, 1),
                f"{SUB_GROUP_2006}: 'The contract had originally been awarded to SX3' and "
                f"'Northgate had a contract with Lancashire County Council'; {ASSUMED_TERMS}; "
                "the end date is taken to match Burnley's back-to-back contract "
                f"({BURNLEY_2011}).",
            ),
        ),
    ),
    Step(
        BURNLEY_CRM,
        1,
        _award(
            ContractTerms(
                reference=BURNLEY_CRM,
                title=f"{CRM_TITLE}, Burnley's back-to-back contract",
                supplier="SX3",
                authority=BURNLEY,
                start_date=date(2004, 12, 1),
                end_date=date(2011, 11, 30),
                notice_period_days=90,
                extension_options_months=(12,),
                head_contract_reference=HEAD_CRM,
            ),
            Provenance(
                date(2004, 12, 1),
                f"{SUB_GROUP_2006}: Lancashire County Council 'had back to back contracts with the "
                f"districts'; {BURNLEY_2011}: 'The current CRM contract is due for renewal at the "
                f"end of November 2011'; {ASSUMED_TERMS}; the 12-month extension is recorded as a "
                "pre-agreed option, which the paper does not say.",
            ),
        ),
    ),
    Step(
        HEAD_CRM,
        2,
        lambda app, actor, now: app.novate_contract(
            HEAD_CRM,
            "Northgate",
            Provenance(
                date(2006, 10, 26),
                f"{SUB_GROUP_2006}: 'The contract had originally been awarded to SX3, who had been "
                "bought out by Northgate'; the date of the novation is not stated, so it is "
                "recorded as known on the date of the meeting.",
            ),
            actor,
            now,
        ),
    ),
    Step(
        BURNLEY_CRM,
        2,
        lambda app, actor, now: app.novate_contract(
            BURNLEY_CRM,
            "Northgate",
            Provenance(
                date(2006, 10, 26),
                f"{SUB_GROUP_2006}: SX3 'had been bought out by Northgate'; the back-to-back "
                "contract follows the head contract; the date of the novation is not stated.",
            ),
            actor,
            now,
        ),
    ),
    Step(
        HEAD_CRM,
        3,
        lambda app, actor, now: app.vary_contract(
            HEAD_CRM,
            "Revised contract arrangements; the inter-authority agreement and constitution were "
            "revised to reflect new decision-making arrangements",
            Provenance(
                date(2007, 11, 20),
                f"{SCRUTINY_2007}: 'As part of the revised contract arrangements, the inter "
                "authority agreement and constitution was also revised'; the date of the revision "
                "is not stated, so it is recorded as known on the date of the meeting.",
            ),
            actor,
            now,
        ),
    ),
    Step(
        BURNLEY_CRM,
        3,
        lambda app, actor, now: app.extend_contract(
            BURNLEY_CRM,
            Provenance(
                date(2011, 9, 1),
                f"{BURNLEY_2011}: 'The Executive has approved an extension to the contract with "
                "Northgate for a further 12 months'; the Executive's decision date is not stated, "
                "so the report's date is used.",
            ),
            actor,
            now,
        ),
    ),
)


def load_example(app: PartnershipApplication, actor: Actor, now: datetime) -> int:
    """Record the story; facts already recorded are skipped, so loading twice adds nothing.

    Returns how many facts were recorded by this call.
    """
    recorded = 0
    for step in STORY:
        try:
            version = app.get_contract(step.reference).version
        except ContractNotFound:
            version = 0
        if version >= step.version:
            continue
        step.record(app, actor, now)
        recorded += 1
    return recorded
