"""The schema, with its limits; `graphql/schema.graphql` is exported from here."""

from pathlib import Path

import strawberry
from strawberry.extensions import (
    AddValidationRules,
    MaskErrors,
    ParserCache,
    ValidationCache,
    max_aliases,
    query_depth_limiter,
)
from strawberry.printer import print_schema
from strawberry.tools import merge_types

from graphql import ASTValidationRule
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
from partnership_graphql.errors import should_mask_error
from partnership_graphql.execution import PlainValuesExecutionContext
from partnership_graphql.limits import cost_rule
from partnership_graphql.registers import RegistersQuery

MAX_QUERY_DEPTH = 8
MAX_ALIASES = 20
# About ten full timeline pages, or a page of 100 decisions with their meetings and votes.
MAX_QUERY_COST = 20_000
# Documents parsed and validated, kept for the next request that sends the same text.
CACHED_DOCUMENTS = 512
SDL_PATH = Path(__file__).resolve().parent.parent / "schema.graphql"

# Built once: the validation cache knows a document by its text and these very rule classes.
VALIDATION_RULES: list[type[ASTValidationRule]] = [
    query_depth_limiter.create_validator(MAX_QUERY_DEPTH, None, None),
    max_aliases.create_validator(MAX_ALIASES),
    cost_rule(MAX_QUERY_COST),
]

# Each area of the API keeps its own root fields; the schema shows them as one Query and one
# Mutation.
QUERY_TYPES: tuple[type, ...] = (queries.Query, AlertsQuery, RegistersQuery)
MUTATION_TYPES: tuple[type, ...] = (
    mutations.Mutation,
    mutations_partnerships.PartnershipMutation,
    mutations_governance.GovernanceMutation,
    mutations_meetings.MeetingMutation,
    mutations_projects.ProjectMutation,
    mutations_scrutiny.ScrutinyMutation,
    mutations_suppliers.SupplierMutation,
    AlertsMutation,
)


def build_schema() -> strawberry.Schema:
    return strawberry.Schema(
        query=merge_types("Query", QUERY_TYPES),
        mutation=merge_types("Mutation", MUTATION_TYPES),
        extensions=[
            # Factories, so each request gets fresh extension state.
            lambda: ParserCache(maxsize=CACHED_DOCUMENTS),
            lambda: ValidationCache(maxsize=CACHED_DOCUMENTS),
            lambda: AddValidationRules(VALIDATION_RULES),
            lambda: MaskErrors(should_mask_error=should_mask_error),
        ],
        execution_context_class=PlainValuesExecutionContext,
    )


def schema_sdl() -> str:
    return print_schema(build_schema()) + "\n"


def export_schema(path: Path = SDL_PATH) -> Path:
    path.write_text(schema_sdl(), encoding="utf-8")
    return path
