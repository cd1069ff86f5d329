"""Projects read back whole: what each is, who takes part, the stage each partner has
reached, its milestones and every progress report."""

from datetime import date
from typing import Annotated

import strawberry
from strawberry.types import Info

from partnership.global_ids import Kind
from partnership.projects import ProjectNotFound
from partnership_graphql.connections import (
    PAGING,
    After,
    Before,
    Connection,
    First,
    Last,
    page_request,
)
from partnership_graphql.context import Row
from partnership_graphql.nodes import Node, node_id, not_found
from partnership_graphql.read_whole import day_asked, read_as_asked
from partnership_graphql.register_types import Milestone
from partnership_graphql.registers import AS_OF, PARTNERSHIP
from partnership_graphql.search import NameSearch
from projections import read


@strawberry.type(description="A stage one partner reported reaching, with its note.")
class ProgressReport:
    authority: str = strawberry.field(description="The partner that reached it.")
    stage: str = strawberry.field(description="The stage reached, as reported.")
    note: str = strawberry.field(description="What the report said besides; empty if nothing.")
    reported_on: date = strawberry.field(description="When it was reached (the report's date).")
    withdrawn: bool = strawberry.field(
        description="Whether it was withdrawn as recorded in error (it, or its whole "
        "project): it stays, marked, and counts for no stage."
    )

    @classmethod
    def from_row(cls, row: Row) -> "ProgressReport":
        return cls(
            authority=row["authority"],
            stage=row["stage"],
            note=row["note"],
            reported_on=row["reported_on"],
            withdrawn=bool(row.get("withdrawn")),
        )


@strawberry.type(
    description="Where one partner stands in the project: partners move at their own pace."
)
class ProjectStage:
    authority: str = strawberry.field(description="The partner taking part.")
    stage: str | None = strawberry.field(
        description="The latest stage it reported; null if it has reported none."
    )
    since: date | None = strawberry.field(
        description="The date of that report; null if it has reported none."
    )


@strawberry.type(
    description="A project of a partnership, or an authority's own project, read back whole."
)
class Project(Node):
    partnership: str | None = strawberry.field(
        description="The partnership running the project; null for an authority's own project."
    )
    authority: str | None = strawberry.field(
        description="The authority the project belongs to, for a project of one authority "
        "alone; null for a partnership's project."
    )
    name: str = strawberry.field(description="The project's name, as it was started.")
    description: str = strawberry.field(description="What the project is, as last corrected.")
    authorities: list[str] = strawberry.field(
        description="The authorities taking part, in the order the project listed them."
    )
    started_on: date = strawberry.field(description="When the project started.")
    withdrawn: bool = strawberry.field(
        description="Whether it was withdrawn as recorded in error: it stays, marked, with "
        "all its milestones and reports."
    )
    stages: list[ProjectStage] = strawberry.field(
        description="Each authority taking part, with the latest stage it reported."
    )
    milestones: list[Milestone] = strawberry.field(
        description="Its milestones, soonest current due date first, each marked overdue or "
        "not on `asOf`."
    )
    progress_reports: list[ProgressReport] = strawberry.field(
        description="Every stage a partner reported, in the order recorded."
    )

    @classmethod
    def from_row(cls, row: Row, as_of: date) -> "Project":
        reports = [ProgressReport.from_row(report) for report in row["progress"]]
        latest = {report.authority: report for report in reports if not report.withdrawn}
        return cls(
            id=node_id(Kind.PROJECT, row["project_id"]),
            partnership=row["partnership"],
            authority=row["authority"],
            name=row["name"],
            description=row["description"],
            authorities=list(row["authorities"]),
            started_on=row["started_on"],
            withdrawn=bool(row.get("withdrawn")),
            stages=[
                ProjectStage(
                    authority=authority,
                    stage=latest[authority].stage if authority in latest else None,
                    since=latest[authority].reported_on if authority in latest else None,
                )
                for authority in row["authorities"]
            ],
            milestones=[Milestone.from_row(milestone, as_of) for milestone in row["milestones"]],
            progress_reports=reports,
        )


PROJECT_PARTNERSHIP = strawberry.argument(
    description="The partnership running it, named as recorded (in any case); one not on "
    "record is refused (partnership_not_found)."
)


@strawberry.type
class ProjectsQuery:
    @strawberry.field(
        description="Projects by the partnership (or authority) running them and by name, "
        "each read back whole: who takes "
        f"part, the stage each partner reached, milestones and progress reports. {PAGING}"
    )
    async def projects(
        self,
        info: Info,
        partnership: Annotated[
            str | None,
            strawberry.argument(
                description="Only this partnership's, named as recorded (in any case); one "
                "not on record is refused (partnership_not_found)."
            ),
        ] = None,
        authority: Annotated[
            str | None,
            strawberry.argument(
                description="Only the projects of this authority alone, named as registered "
                "(in any case); one not on record is refused (authority_not_found)."
            ),
        ] = None,
        as_of: Annotated[date | None, AS_OF] = None,
        search: NameSearch = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Project]:
        filters = read.ProjectFilter(partnership=partnership, authority=authority, search=search)
        day = day_asked(info, as_of)
        page = await read_as_asked(
            info,
            lambda conn, visible: read.projects_page(
                conn, filters, page_request(first, after, last, before), visible=visible
            ),
        )
        return Connection.of(page, lambda row: Project.from_row(row, day))

    @strawberry.field(
        description="One project, read back whole; one not on record (or not yours to see) "
        "is refused (project_not_found)."
    )
    async def project(
        self,
        info: Info,
        partnership: Annotated[str, PARTNERSHIP],
        name: Annotated[
            str,
            strawberry.argument(
                description="The project's name as it was started (in any case and spacing)."
            ),
        ],
        as_of: Annotated[date | None, AS_OF] = None,
    ) -> Project | None:
        day = day_asked(info, as_of)
        row = await read_as_asked(
            info,
            lambda conn, visible: read.project_named(conn, partnership, name, visible=visible),
        )
        if row is None:
            raise not_found(ProjectNotFound(partnership, name), "name")
        return Project.from_row(row, day)
