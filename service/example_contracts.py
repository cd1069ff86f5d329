"""The example's contracts: the partnership's CRM contract and Burnley's back-to-back one."""

from collections.abc import Callable
from datetime import date, datetime

from partnership.application import CommandResult, PartnershipApplication
from partnership.commands.envelope import Envelope
from partnership.contracts import ContractTerms
from partnership.domain import Actor, Provenance
from service.example_papers import BURNLEY, BURNLEY_2011, LCC

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
BURNLEY_2011_CRM = f"{BURNLEY_2011}, PF3e"
ASSUMED_TERMS = (
    "the start date and notice period are not stated in the papers and are assumed for the example"
)


Step = Callable[[PartnershipApplication, Actor, datetime], CommandResult]


def _award(terms: ContractTerms, provenance: Provenance) -> Step:
    return lambda app, actor, now: app.award_contract(
        terms=terms, envelope=Envelope(provenance, actor, now)
    )


CONTRACT_STORY: tuple[Step, ...] = (
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
            f"({BURNLEY_2011_CRM}).",
        ),
    ),
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
            f"districts'; {BURNLEY_2011_CRM}: 'The current CRM contract is due for renewal at the "
            f"end of November 2011'; {ASSUMED_TERMS}; the 12-month extension is recorded as a "
            "pre-agreed option, which the paper does not say.",
        ),
    ),
    lambda app, actor, now: app.novate_contract(
        reference=HEAD_CRM,
        new_supplier="Northgate",
        envelope=Envelope(
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
    lambda app, actor, now: app.novate_contract(
        reference=BURNLEY_CRM,
        new_supplier="Northgate",
        envelope=Envelope(
            Provenance(
                date(2006, 10, 26),
                f"{SUB_GROUP_2006}: SX3 'had been bought out by Northgate'; the back-to-back "
                "contract follows the head contract; the date of the novation is not stated.",
            ),
            actor,
            now,
        ),
    ),
    lambda app, actor, now: app.vary_contract(
        reference=HEAD_CRM,
        description=(
            "Revised contract arrangements; the inter-authority agreement and constitution "
            "were revised to reflect new decision-making arrangements"
        ),
        envelope=Envelope(
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
    lambda app, actor, now: app.extend_contract(
        reference=BURNLEY_CRM,
        envelope=Envelope(
            Provenance(
                date(2011, 9, 1),
                f"{BURNLEY_2011_CRM}: 'The Executive has approved an extension to the contract "
                "with Northgate for a further 12 months'; the Executive's decision date is not "
                "stated, so the report's date is used.",
            ),
            actor,
            now,
        ),
    ),
)
