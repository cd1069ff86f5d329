"""A document of several changes is refused whole, before any of them is recorded.

The changes of one document run one after another, each recorded as it runs. Checked one by
one, a change refused after another was recorded would null the whole answer (a refusal is
an error on a field that cannot be null), so the caller would not learn what was recorded.
Checking every change of the document first, against the same policy rows, means a refusal
always comes with nothing recorded.
"""

from collections.abc import AsyncIterator
from typing import Any

from graphql.execution.collect_fields import collect_fields
from graphql.execution.executor import Executor
from graphql.execution.values import get_argument_values
from strawberry import Schema
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.arguments import convert_arguments
from strawberry.types.graphql import OperationType

from access.policy import RULES
from graphql import ExecutionResult, GraphQLError
from partnership_graphql.context import Context
from partnership_graphql.permissions import AccessRefused, refusal_of


class RefusesWholeDocuments(SchemaExtension):
    async def on_execute(self) -> AsyncIterator[None]:
        execution = self.execution_context
        context = execution.context
        if (
            execution.operation_type is OperationType.MUTATION
            and execution.graphql_document is not None
            and isinstance(context, Context)
        ):
            refused = await first_refusal(
                execution.schema,
                context,
                execution.graphql_document,
                execution.variables,
                execution.operation_name,
            )
            if refused is not None:
                execution.result = ExecutionResult(data=None, errors=[refused])
        yield


async def first_refusal(
    strawberry_schema: Schema,
    context: Context,
    document: Any,
    variables: dict[str, Any] | None,
    operation_name: str | None,
) -> GraphQLError | None:
    """The refusal of the first change in the document the person may not make, if any.

    A document with one change is left to that change's own check, and one that does not
    coerce is left to execution, which reports why.
    """
    schema = strawberry_schema._schema
    converter = strawberry_schema.schema_converter
    built = Executor.build(
        schema, document, raw_variable_values=variables, operation_name=operation_name
    )
    mutation = schema.mutation_type
    if isinstance(built, list) or mutation is None:
        return None
    fields = collect_fields(
        schema, built.fragments, built.variable_values, mutation, built.operation
    ).grouped_field_set
    if len(fields) < 2:
        return None
    for response_key, details in fields.items():
        node = details[0].node
        rule = RULES.get(node.name.value)
        definition = mutation.fields.get(node.name.value)
        if rule is None or definition is None:
            continue
        try:
            arguments = get_argument_values(
                definition, node, built.variable_values, details[0].fragment_variable_values
            )
        except GraphQLError:
            return None
        # As the resolver would be given them: inputs as their classes, not dictionaries.
        field = definition.extensions[GraphQLCoreConverter.DEFINITION_BACKREF]
        arguments = convert_arguments(
            arguments,
            field.arguments,
            scalar_registry=converter.scalar_registry,
            config=strawberry_schema.config,
        )
        reason = await refusal_of(context, rule, arguments.get("input"))
        if reason is not None:
            error = AccessRefused(reason, rule)
            return GraphQLError(
                error.message, nodes=node, path=[response_key], original_error=error
            )
    return None
