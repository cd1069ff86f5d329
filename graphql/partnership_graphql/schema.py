"""The schema, with its limits; `graphql/schema.graphql` is exported from here."""

import logging
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import strawberry
from strawberry.printer import print_schema
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext, ExecutionResult
from strawberry.types.graphql import OperationType

from graphql import (
    ASTValidationRule,
    GraphQLError,
    NoSchemaIntrospectionCustomRule,
    specified_rules,
)
from partnership_graphql import (
    mutations,
    mutations_governance,
    mutations_meetings,
    mutations_partnerships,
    mutations_projects,
    mutations_scrutiny,
    mutations_suppliers,
    queries,
)
from partnership_graphql.alerts import AlertsMutation, AlertsQuery
from partnership_graphql.documents import Documents, PreparedDocuments
from partnership_graphql.errors import CodedErrors, should_mask_error
from partnership_graphql.execution import PlainValuesExecutionContext
from partnership_graphql.governing_bodies import BodiesQuery
from partnership_graphql.inquiries import InquiriesQuery
from partnership_graphql.limits import alias_rule, cost_rule, depth_rule
from partnership_graphql.mutations_people import PeopleMutations
from partnership_graphql.mutations_revisions import RevisionMutations
from partnership_graphql.node_query import NodeQuery
from partnership_graphql.partnerships import PartnershipsQuery
from partnership_graphql.people import PeopleQuery
from partnership_graphql.permissions import guard_root_fields
from partnership_graphql.practices import PracticesMutation, PracticesQuery
from partnership_graphql.projects import ProjectsQuery
from partnership_graphql.registers import RegistersQuery
from partnership_graphql.supplier_meetings import SupplierMeetingsQuery
from partnership_graphql.whole_changes import RefusesWholeDocuments

MAX_QUERY_DEPTH = 8
# The OWASP GraphQL cheat sheet's limits: no honest page needs more.
MAX_ALIASES = 15
# About ten full timeline pages, or a page of 100 decisions with their meetings and votes.
MAX_QUERY_COST = 20_000
refusals = logging.getLogger("partnership.api")
SDL_PATH = Path(__file__).resolve().parent.parent / "schema.graphql"

# Built once, so that a validated document can be cached: the rules never change.
VALIDATION_RULES: list[type[ASTValidationRule]] = [
    depth_rule(MAX_QUERY_DEPTH),
    alias_rule(MAX_ALIASES),
    cost_rule(MAX_QUERY_COST),
]

# Each area of the API keeps its own root fields; the schema shows them as one Query and one
# Mutation.
QUERY_TYPES: tuple[type, ...] = (
    queries.Query,
    AlertsQuery,
    RegistersQuery,
    BodiesQuery,
    ProjectsQuery,
    InquiriesQuery,
    PeopleQuery,
    PartnershipsQuery,
    SupplierMeetingsQuery,
    PracticesQuery,
    NodeQuery,
)
MUTATION_TYPES: tuple[type, ...] = (
    mutations.Mutation,
    mutations_partnerships.PartnershipMutation,
    mutations_governance.GovernanceMutation,
    mutations_meetings.MeetingMutation,
    mutations_projects.ProjectMutation,
    mutations_scrutiny.ScrutinyMutation,
    mutations_suppliers.SupplierMutation,
    AlertsMutation,
    PeopleMutations,
    RevisionMutations,
    PracticesMutation,
)


class Schema(strawberry.Schema):
    """Works out a large document off the event loop before executing it (see documents.py)."""

    documents: Documents

    async def execute(
        self,
        query: str | None,
        variable_values: dict[str, Any] | None = None,
        context_value: Any | None = None,
        root_value: Any | None = None,
        operation_name: str | None = None,
        allowed_operation_types: Iterable[OperationType] | None = None,
        operation_extensions: dict[str, Any] | None = None,
    ) -> ExecutionResult:
        if query:
            await self.documents.ready(query)
        return await super().execute(
            query,
            variable_values,
            context_value,
            root_value,
            operation_name,
            allowed_operation_types,
            operation_extensions,
        )

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Log what went wrong for a reason we did not foresee, with its traceback.

        A refusal, a rule of the record or a malformed request is the caller's answer, not a
        fault: it is logged briefly, so the log keeps the faults in view.
        """
        unforeseen = []
        for error in errors:
            if should_mask_error(error):
                unforeseen.append(error)
            else:
                refusals.info("answered with an error: %s", error.message)
        super().process_errors(unforeseen, execution_context)


def build_schema(*, introspection: bool = False) -> Schema:
    """The schema with the access policy on every root field; introspection (and so GraphiQL's
    documentation) only where a deployment enables it."""
    rules = [*specified_rules, *VALIDATION_RULES]
    if not introspection:
        rules.append(NoSchemaIntrospectionCustomRule)
    documents = Documents(rules)
    query = merge_types("Query", QUERY_TYPES)
    mutation = merge_types("Mutation", MUTATION_TYPES)
    guard_root_fields([query.__strawberry_definition__, mutation.__strawberry_definition__])  # type: ignore[attr-defined]
    schema = Schema(
        query=query,
        mutation=mutation,
        extensions=[
            # Factories, so each request gets fresh extension state.
            lambda: PreparedDocuments(documents),
            CodedErrors,
            RefusesWholeDocuments,
        ],
        execution_context_class=PlainValuesExecutionContext,
    )
    documents.bind(schema._schema)
    schema.documents = documents
    return schema


def schema_sdl() -> str:
    return print_schema(build_schema(introspection=True)) + "\n"


def export_schema(path: Path = SDL_PATH) -> Path:
    path.write_text(schema_sdl(), encoding="utf-8")
    return path
