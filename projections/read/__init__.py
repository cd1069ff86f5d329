"""Every question the read models answer: all the API and the jobs may ask of the read side.

Each module answers one kind of question from the read models' tables, never from aggregates;
`paging` is the one way any list is paged and the one cursor every list gives out. What the
API and the jobs need to name of the read side besides its answers is re-exported here too, so
that they never import a module that writes a read model.
"""

from projections.database import ReadModelStore
from projections.read.alerts import (
    AlertRules,
    FoundAlert,
    alert_by_key,
    alerts_as_of,
    alerts_page,
)
from projections.read.bodies import (
    BodyFilter,
    bodies_by_id,
    bodies_page,
    body_named,
)
from projections.read.contracts import (
    back_to_back_contracts,
    contract_by_id,
    contracts_by_id,
    contracts_due_for_renewal,
    contracts_page,
    list_contracts,
    renewals_page,
)
from projections.read.inquiries import InquiryFilter, inquiries_page, inquiry_named
from projections.read.nodes import name_given, node_row
from projections.read.paging import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    Page,
    PageRequest,
    Row,
)
from projections.read.partnerships import (
    authorities_page,
    memberships_of,
    partnership_named,
    partnerships_page,
)
from projections.read.people import (
    count_people,
    grant_of,
    grants_in_force_on,
    grants_of,
    people_page,
    person_by_email,
    person_by_id,
    principal_of,
)
from projections.read.practices import PracticeFilter, practices_page
from projections.read.projects import ProjectFilter, project_named, projects_page
from projections.read.registers import (
    DecisionFilter,
    MeetingFilter,
    MilestoneFilter,
    RecommendationFilter,
    SupplierActionFilter,
    check_date_range,
    decisions_by_key,
    decisions_by_meeting,
    decisions_page,
    meetings_by_id,
    meetings_page,
    milestones_page,
    recommendations_page,
    supplier_actions_page,
)
from projections.read.scopes import (
    Scope,
    contract_parties,
    scope_of_alert,
    scope_of_body,
    scope_of_contract,
    scope_of_meeting,
    scope_of_new_contract,
    scope_of_own_body,
    scope_of_own_project,
    scope_of_partnership,
    scope_of_practice,
    scope_of_project,
    scope_of_record,
    scope_of_scrutiny_body,
    scope_of_supplier_escalation,
    scope_of_supplier_meeting,
)
from projections.read.search import SEARCH_MAX
from projections.read.supplier_meetings import (
    SupplierMeetingFilter,
    actions_of_meetings,
    supplier_meetings_page,
)
from projections.read.timeline import (
    MAX_TEXT_LENGTH,
    NEWEST_FIRST,
    OLDEST_FIRST,
    TimelineFilter,
    TimelinePage,
    timeline_entry,
    timeline_page,
)
from projections.read.visibility import EVERYTHING, NOTHING, Visibility, visibility_of
from projections.status import ProjectionStatus
from projections.timeline_text import EVENT_KINDS
from projections.tracking import Stall

__all__ = [
    "DEFAULT_PAGE_SIZE",
    "EVENT_KINDS",
    "EVERYTHING",
    "MAX_PAGE_SIZE",
    "MAX_TEXT_LENGTH",
    "NEWEST_FIRST",
    "NOTHING",
    "OLDEST_FIRST",
    "SEARCH_MAX",
    "AlertRules",
    "BodyFilter",
    "DecisionFilter",
    "FoundAlert",
    "InquiryFilter",
    "MeetingFilter",
    "MilestoneFilter",
    "Page",
    "PageRequest",
    "PracticeFilter",
    "ProjectFilter",
    "ProjectionStatus",
    "ReadModelStore",
    "RecommendationFilter",
    "Row",
    "Scope",
    "Stall",
    "SupplierActionFilter",
    "SupplierMeetingFilter",
    "TimelineFilter",
    "TimelinePage",
    "Visibility",
    "actions_of_meetings",
    "alert_by_key",
    "alerts_as_of",
    "alerts_page",
    "authorities_page",
    "back_to_back_contracts",
    "bodies_by_id",
    "bodies_page",
    "body_named",
    "check_date_range",
    "contract_by_id",
    "contract_parties",
    "contracts_by_id",
    "contracts_due_for_renewal",
    "contracts_page",
    "count_people",
    "decisions_by_key",
    "decisions_by_meeting",
    "decisions_page",
    "grant_of",
    "grants_in_force_on",
    "grants_of",
    "inquiries_page",
    "inquiry_named",
    "list_contracts",
    "meetings_by_id",
    "meetings_page",
    "memberships_of",
    "milestones_page",
    "name_given",
    "node_row",
    "partnership_named",
    "partnerships_page",
    "people_page",
    "person_by_email",
    "person_by_id",
    "practices_page",
    "principal_of",
    "project_named",
    "projects_page",
    "recommendations_page",
    "renewals_page",
    "scope_of_alert",
    "scope_of_body",
    "scope_of_contract",
    "scope_of_meeting",
    "scope_of_new_contract",
    "scope_of_own_body",
    "scope_of_own_project",
    "scope_of_partnership",
    "scope_of_practice",
    "scope_of_project",
    "scope_of_record",
    "scope_of_scrutiny_body",
    "scope_of_supplier_escalation",
    "scope_of_supplier_meeting",
    "supplier_actions_page",
    "supplier_meetings_page",
    "timeline_entry",
    "timeline_page",
    "visibility_of",
]
