"""The one table of who may do what: for each role, operation and scope, allowed or not.

Every query field and mutation of the API is a row here, and the API applies the table to
each of them (a field without a row cannot be built). `docs/access.md` is generated from this
table (`partnership export-access-docs`), and a test fails when the two differ.

A read is allowed to anyone holding a role the row names; what it answers is then narrowed to
the partnerships and authorities the person may see. A change is allowed only when one of the
person's grants, of a role the row names, covers where the change lands: its partnership, its
body, or the authorities party to it.
"""

from dataclasses import dataclass
from enum import StrEnum

from partnership.access import Principal, Role, ScopeKind

SIGNED_IN = frozenset(Role)
NOBODY: frozenset[Role] = frozenset()


class Target(StrEnum):
    """Where an operation lands, and so which grants can reach it."""

    # Reads: answered, narrowed to what the person may see.
    VISIBLE = "visible"
    # The whole record: only grants on everything reach it.
    WHOLE_RECORD = "whole record"
    # The partnership named by the input's `partnership`.
    PARTNERSHIP = "partnership"
    # A body or project being set up: the partnership named by the input's `partnership`, or,
    # for one of an authority alone, the authority its `authority` names.
    OWNER = "partnership or authority"
    # A governing body (or a meeting of it): the input's `partnership` and `body`; where
    # `partnership` names an authority's own body instead (`projections.read.scope_of_own_body`),
    # that authority alone, so a grant on a partnership it belongs to does not reach it.
    BODY = "body"
    # A project of the input's `partnership`; or, where that names an authority's own project,
    # the authority alone (`projections.read.scope_of_own_project`).
    PROJECT = "project"
    # A contract already recorded (the input's `reference`): its contracting authority and,
    # for a back-to-back contract, its head contract's.
    CONTRACT = "contract"
    # A contract being awarded: the input's `authority`, the one council awarding it.
    NEW_CONTRACT = "new contract"
    # A scrutiny body (the input's `body`), which belongs to no partnership.
    SCRUTINY_BODY = "scrutiny body"
    # A supplier meeting already recorded: the authorities that attended it.
    SUPPLIER_MEETING = "supplier meeting"
    # An issue of a supplier meeting passed up to a partnership's body: the authorities that
    # attended and are members of that partnership.
    SUPPLIER_ESCALATION = "supplier escalation"
    # A supplier meeting being recorded: the authorities of the input's attendees.
    NEW_SUPPLIER_MEETING = "new supplier meeting"
    # A recurring practice already recorded (the input's `name`): the authorities taking part.
    PRACTICE = "practice"
    # A recurring practice being recorded: the input's `authorities`.
    NEW_PRACTICE = "new practice"
    # An alert (the input's `key`): its partnership or the authorities it concerns.
    ALERT = "alert"
    # Any record, by its id (the input's `record`): allowed as that kind of record's own
    # correction is (`REVISED_AS`), where that record lies.
    RECORD = "record"


class Effect(StrEnum):
    READ = "read"
    WRITE = "write"


@dataclass(frozen=True)
class Rule:
    operation: str
    effect: Effect
    roles: frozenset[Role]
    target: Target
    summary: str


def _reads(operation: str, summary: str, roles: frozenset[Role] = SIGNED_IN) -> Rule:
    return Rule(operation, Effect.READ, roles, Target.VISIBLE, summary)


def _writes(operation: str, roles: set[Role], target: Target, summary: str) -> Rule:
    return Rule(operation, Effect.WRITE, frozenset(roles), target, summary)


_ADMIN = {Role.ADMIN}
_SECRETARY = {Role.SECRETARY}
_PROCUREMENT = {Role.PROCUREMENT_OFFICER}
_ADMIN_OR_SECRETARY = {Role.ADMIN, Role.SECRETARY}

_CONTRACTS = "contracts their authority is party to"
_BODIES = "the bodies they serve"
_PROJECTS = "the projects of the partnerships or authorities they serve"
_SCRUTINY = "the scrutiny bodies they serve"
_SUPPLIERS = "supplier meetings their authority attended"
_PRACTICES = "practices their authority takes part in"
_PRACTICE_KEEPERS = {Role.PROCUREMENT_OFFICER, Role.SECRETARY}

POLICY: tuple[Rule, ...] = (
    # Reads.
    _reads("timeline", "What happened"),
    _reads("contracts", "The contracts register"),
    _reads("contract", "One contract"),
    _reads("renewalsDue", "Contracts whose notice deadline is near"),
    _reads("alerts", "What needs attention"),
    _reads("decisions", "A partnership's decisions"),
    _reads("meetings", "A partnership's meetings"),
    _reads("bodies", "A partnership's governing bodies"),
    _reads("body", "One governing body, its terms, members, chairs and rules"),
    _reads("milestones", "A partnership's project milestones"),
    _reads("recommendations", "Scrutiny recommendations"),
    _reads("supplierActions", "Actions raised at supplier meetings"),
    _reads("supplierMeetings", "Supplier meetings: attendees, topics, actions, escalations"),
    _reads("practices", "Recurring practices: their parties, cadence and dates"),
    _reads("projects", "Projects, each read back whole"),
    _reads("project", "One project, read back whole"),
    _reads("inquiries", "Scrutiny inquiries, each read back whole"),
    _reads("inquiry", "One scrutiny inquiry, read back whole"),
    _reads("partnerships", "Partnerships, their members over time, visions and bodies"),
    _reads("partnership", "One partnership, read back whole"),
    _reads("authorities", "Authorities and the partnerships they have been members of"),
    _reads(
        "projectionStatus",
        "How far the read models have caught up",
        frozenset({Role.AUDITOR, Role.ADMIN}),
    ),
    _reads("people", "People and what they were granted", frozenset({Role.AUDITOR, Role.ADMIN})),
    _reads("person", "One person and their grants", frozenset({Role.AUDITOR, Role.ADMIN})),
    _reads("node", "Any record by its global id, as its own query answers it"),
    # Authorities, partnerships and people.
    _writes("registerAuthority", _ADMIN, Target.WHOLE_RECORD, "Register an authority"),
    _writes("correctAuthority", _ADMIN, Target.WHOLE_RECORD, "Correct an authority"),
    _writes("formPartnership", _ADMIN, Target.WHOLE_RECORD, "Form a partnership"),
    _writes("admitMember", _ADMIN, Target.WHOLE_RECORD, "Admit a member authority"),
    _writes("changeMemberRole", _ADMIN, Target.WHOLE_RECORD, "Change a member's role"),
    _writes("giveMemberRole", _ADMIN, Target.WHOLE_RECORD, "Give a member one more role"),
    _writes("takeMemberRole", _ADMIN, Target.WHOLE_RECORD, "Take one of a member's roles"),
    _writes("recordMemberLeaving", _ADMIN, Target.WHOLE_RECORD, "Record a member leaving"),
    _writes("correctPartnership", _ADMIN, Target.WHOLE_RECORD, "Correct a partnership"),
    _writes("registerPerson", _ADMIN, Target.WHOLE_RECORD, "Register a person"),
    _writes("grantRole", _ADMIN, Target.WHOLE_RECORD, "Grant a role"),
    _writes("revokeGrant", _ADMIN, Target.WHOLE_RECORD, "Revoke a grant"),
    _writes("stateVision", _ADMIN_OR_SECRETARY, Target.PARTNERSHIP, "State a partnership's vision"),
    # Governance.
    _writes(
        "establishBody",
        _ADMIN_OR_SECRETARY,
        Target.OWNER,
        "Establish a body of a partnership, or of an authority alone",
    ),
    *(
        _writes(operation, _SECRETARY, Target.BODY, f"{summary}, for {_BODIES}")
        for operation, summary in (
            ("adoptTermsOfReference", "Adopt terms of reference"),
            ("adoptDecisionRule", "Adopt a decision rule"),
            ("appointBodyMember", "Appoint a member of a body"),
            ("removeBodyMember", "Remove a member of a body"),
            ("appointChair", "Appoint a chair"),
            ("correctBody", "Correct a body"),
            ("planMeeting", "Plan a meeting"),
            ("cancelMeeting", "Cancel a meeting"),
            ("recordMeetingHeld", "Record a meeting as held"),
            ("recordAgendaItem", "Record an agenda item"),
            ("correctAgendaItemTitle", "Correct an agenda item's title"),
            ("recordDecision", "Record a decision"),
            ("recordElectronicResponse", "Record an electronic response"),
            ("correctDecisionWording", "Correct a decision's wording"),
            ("correctMeeting", "Correct a meeting"),
        )
    ),
    # Projects.
    _writes(
        "startProject",
        _SECRETARY,
        Target.OWNER,
        f"Start a project, for {_PROJECTS}",
    ),
    *(
        _writes(operation, _SECRETARY, Target.PROJECT, f"{summary}, for {_PROJECTS}")
        for operation, summary in (
            ("planMilestone", "Plan a milestone"),
            ("replanMilestone", "Replan a milestone"),
            ("recordMilestoneAchieved", "Record a milestone achieved"),
            ("recordMilestoneMissed", "Record a milestone missed"),
            ("reportProgress", "Report a project's progress"),
            ("correctProject", "Correct a project"),
            ("correctMilestone", "Correct a milestone"),
        )
    ),
    # Scrutiny.
    *(
        _writes(operation, _SECRETARY, Target.SCRUTINY_BODY, f"{summary}, for {_SCRUTINY}")
        for operation, summary in (
            ("openInquiry", "Open an inquiry"),
            ("makeRecommendation", "Make a recommendation"),
            ("recordRecommendationProgress", "Record a recommendation's progress"),
            ("closeInquiry", "Close an inquiry"),
            ("correctInquiry", "Correct an inquiry"),
            ("correctRecommendation", "Correct a recommendation"),
        )
    ),
    # Contracts.
    _writes(
        "awardContract", _PROCUREMENT, Target.NEW_CONTRACT, f"Award a contract, for {_CONTRACTS}"
    ),
    *(
        _writes(operation, _PROCUREMENT, Target.CONTRACT, f"{summary}, for {_CONTRACTS}")
        for operation, summary in (
            ("extendContract", "Extend a contract"),
            ("novateContract", "Novate a contract"),
            ("varyContract", "Vary a contract"),
            ("terminateContract", "Terminate a contract"),
            ("correctContract", "Correct a contract"),
        )
    ),
    # Supplier meetings.
    _writes(
        "recordSupplierMeeting",
        _PROCUREMENT,
        Target.NEW_SUPPLIER_MEETING,
        "Record a supplier meeting their authority attended",
    ),
    *(
        _writes(operation, _PROCUREMENT, Target.SUPPLIER_MEETING, f"{summary}, for {_SUPPLIERS}")
        for operation, summary in (
            ("raiseSupplierAction", "Raise a supplier action"),
            ("closeSupplierAction", "Close a supplier action"),
            ("correctSupplierMeeting", "Correct a supplier meeting"),
            ("correctSupplierAction", "Correct a supplier action"),
        )
    ),
    _writes(
        "escalateSupplierIssue",
        _PROCUREMENT,
        Target.SUPPLIER_ESCALATION,
        f"Escalate a supplier issue, for {_SUPPLIERS}, to a partnership their authority is "
        "a member of",
    ),
    # Revisions of any record, each allowed as its kind's own correction.
    _writes(
        "correctFact",
        {Role.ADMIN, Role.SECRETARY, Role.PROCUREMENT_OFFICER},
        Target.RECORD,
        "Correct any recorded fact, for whoever may correct that record",
    ),
    _writes(
        "withdrawFact",
        {Role.ADMIN, Role.SECRETARY, Role.PROCUREMENT_OFFICER},
        Target.RECORD,
        "Withdraw a fact recorded in error, for whoever may correct that record",
    ),
    # Recurring practices.
    _writes(
        "recordPractice",
        _PRACTICE_KEEPERS,
        Target.NEW_PRACTICE,
        f"Record a recurring practice, for {_PRACTICES}",
    ),
    _writes("endPractice", _PRACTICE_KEEPERS, Target.PRACTICE, f"End a practice, for {_PRACTICES}"),
    # Reminders.
    _writes(
        "acknowledgeAlert",
        {Role.PROCUREMENT_OFFICER, Role.SECRETARY},
        Target.ALERT,
        "Acknowledge an alert that concerns what they record",
    ),
)

RULES: dict[str, Rule] = {rule.operation: rule for rule in POLICY}
assert len(RULES) == len(POLICY), "an operation has two rows in the policy"

# Whoever may correct a kind of record (by its kind's own correction) may correct or withdraw
# any of its facts, there and only there.
REVISED_AS: dict[str, Rule] = {
    kind: RULES[operation]
    for kind, operation in (
        ("contract", "correctContract"),
        ("authority", "correctAuthority"),
        ("partnership", "correctPartnership"),
        ("body", "correctBody"),
        ("meeting", "correctMeeting"),
        ("project", "correctProject"),
        ("inquiry", "correctInquiry"),
        ("supplier_meeting", "correctSupplierMeeting"),
    )
}


class Refusal(StrEnum):
    """Why an operation was refused: each a stable code a client may branch on."""

    SIGN_IN_REQUIRED = "sign_in_required"
    NOT_ALLOWED = "not_allowed"


@dataclass(frozen=True)
class Where:
    """Where a change lands, as the read models name it (see `Target`)."""

    partnership: str | None = None
    body: str | None = None
    authorities: frozenset[str] = frozenset()


def refusal(rule: Rule, principal: Principal | None, where: Where | None) -> Refusal | None:
    """None when `principal` may perform `rule` on `where`; otherwise why not.

    `where` is None for reads and for a target that does not exist: a change to something
    missing is let through to the command, which answers it as not found, only for a person
    who could change such a thing somewhere (so the answer reveals nothing to anyone else).
    """
    if principal is None:
        return Refusal.SIGN_IN_REQUIRED
    grants = principal.grants_of(*rule.roles)
    if not grants:
        return Refusal.NOT_ALLOWED
    if rule.effect is Effect.READ or where is None:
        return None
    if rule.target is Target.WHOLE_RECORD:
        reaches = any(grant.scope_kind is ScopeKind.EVERYTHING for grant in grants)
    else:
        reaches = any(
            grant.covers(
                partnership=where.partnership, body=where.body, authorities=where.authorities
            )
            for grant in grants
        )
    return None if reaches else Refusal.NOT_ALLOWED
