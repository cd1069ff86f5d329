"""The schema, with its limits; `graphql/schema.graphql` is exported from here."""

from pathlib import Path

import strawberry
from strawberry.extensions import MaskErrors, MaxAliasesLimiter, QueryDepthLimiter
from strawberry.printer import print_schema
from strawberry.tools import merge_types

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
from partnership_graphql.limits import QueryCostLimiter
from partnership_graphql.registers import RegistersQuery

MAX_QUERY_DEPTH = 8
MAX_ALIASES = 20
# About five full timeline pages, or every register row with a nested list or two.
MAX_QUERY_COST = 10_000
SDL_PATH = Path(__file__).resolve().parent.parent / "schema.graphql"

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
            lambda: QueryDepthLimiter(max_depth=MAX_QUERY_DEPTH),
            lambda: MaxAliasesLimiter(max_alias_count=MAX_ALIASES),
            lambda: QueryCostLimiter(max_cost=MAX_QUERY_COST),
            lambda: MaskErrors(should_mask_error=should_mask_error),
        ],
    )


def schema_sdl() -> str:
    return print_schema(build_schema()) + "\n"


def export_schema(path: Path = SDL_PATH) -> Path:
    path.write_text(schema_sdl(), encoding="utf-8")
    return path
