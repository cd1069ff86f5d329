"""Limits on a query's shape: refuse, before running it, a query too deep, too aliased or too
costly.

Depth and alias limits bound the shape of a query but not its size: `first: 100` nested three
lists deep is shallow and alias-free, yet asks for a million rows. The cost estimates how many
values a query can return: one per field, times the page size of each list it sits in.

Each rule works a fragment out once, however often it is spread: a fragment spreading the next
one twice, twenty deep, stands for a million copies, and walking each copy would keep a worker
busy for hours.
"""

from collections.abc import Mapping
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
    VariableNode,
    get_named_type,
    get_nullable_type,
    is_list_type,
)
from projections.read import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE

# Stable codes in each refusal's `extensions.code`.
QUERY_TOO_DEEP = "query_too_deep"
TOO_MANY_ALIASES = "too_many_aliases"
QUERY_TOO_COSTLY = "query_too_costly"

# A list with no page size of its own (a register, a contract's linked contracts) is taken to
# hold this many entries: registers are small, and the guess errs on the generous side.
ASSUMED_LIST_SIZE = 20
# Lists that can be larger, counted at the page cap: a head contract's back-to-back contracts,
# which `headContract` and `linkedContracts` let a query walk back and forth.
LIST_SIZES = {"linkedContracts": MAX_PAGE_SIZE}
PAGE_SIZE_ARGUMENTS = ("first", "last")


def _fragments(document: DocumentNode) -> dict[str, FragmentDefinitionNode]:
    return {
        definition.name.value: definition
        for definition in document.definitions
        if isinstance(definition, FragmentDefinitionNode)
    }


def _refusal(message: str, code: str, node: Any = None) -> GraphQLError:
    return GraphQLError(message, node, extensions={"code": code})


class _FragmentMeasure:
    """A measure of selections that works each fragment out once, however often it is spread:
    walking a fragment at every spread lets a small document of fragments that each spread the
    next twice cost the server hours."""

    def __init__(self, fragments: Mapping[str, FragmentDefinitionNode]) -> None:
        self.fragments = fragments
        self.known: dict[str, int] = {}
        self.open: set[str] = set()

    def of(self, selections: SelectionSetNode | None) -> int:
        raise NotImplementedError

    def _fragment(self, name: str) -> int:
        known = self.known.get(name)
        if known is not None:
            return known
        fragment = self.fragments.get(name)
        # An unknown fragment or a cycle is reported by graphql-core's own rules.
        if fragment is None or name in self.open:
            return 0
        self.open.add(name)
        measured = self.known[name] = self.of(fragment.selection_set)
        self.open.discard(name)
        return measured


class _Depth(_FragmentMeasure):
    """How many levels of fields with fields of their own a selection reaches.

    Introspection fields do not count: they are answered from the schema.
    """

    def of(self, selections: SelectionSetNode | None) -> int:
        if selections is None:
            return 0
        deepest = 0
        for selection in selections.selections:
            if isinstance(selection, FieldNode):
                if selection.selection_set is None or selection.name.value.startswith("__"):
                    continue
                depth = 1 + self.of(selection.selection_set)
            elif isinstance(selection, InlineFragmentNode):
                depth = self.of(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                depth = self._fragment(selection.name.value)
            else:
                continue
            deepest = max(deepest, depth)
        return deepest


def depth_rule(max_depth: int) -> type[ValidationRule]:
    class QueryDepthRule(ValidationRule):
        def enter_document(self, node: DocumentNode, *_: Any) -> None:
            depth = _Depth(_fragments(node))
            for definition in node.definitions:
                if not isinstance(definition, OperationDefinitionNode):
                    continue
                reached = depth.of(definition.selection_set)
                if reached > max_depth:
                    name = definition.name.value if definition.name else "anonymous"
                    self.report_error(
                        _refusal(
                            f"'{name}' exceeds maximum operation depth of {max_depth}: "
                            f"it nests fields {reached} levels deep. Ask for less at once.",
                            QUERY_TOO_DEEP,
                            definition,
                        )
                    )

    return QueryDepthRule


class _Aliases(_FragmentMeasure):
    def of(self, selections: SelectionSetNode | None) -> int:
        if selections is None:
            return 0
        count = 0
        for selection in selections.selections:
            if isinstance(selection, FieldNode):
                count += (selection.alias is not None) + self.of(selection.selection_set)
            elif isinstance(selection, InlineFragmentNode):
                count += self.of(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                count += self._fragment(selection.name.value)
        return count


def alias_rule(max_aliases: int) -> type[ValidationRule]:
    """Aliases counted as sent: a fragment spread twice counts its aliases twice."""

    class AliasCountRule(ValidationRule):
        def enter_document(self, node: DocumentNode, *_: Any) -> None:
            aliases = _Aliases(_fragments(node))
            total = sum(
                aliases.of(definition.selection_set)
                for definition in node.definitions
                if isinstance(definition, OperationDefinitionNode)
            )
            if total > max_aliases:
                self.report_error(
                    _refusal(
                        f"This query uses {total:,} aliases; at most {max_aliases} are "
                        "allowed. Send it as several smaller queries.",
                        TOO_MANY_ALIASES,
                    )
                )

    return AliasCountRule


def cost_rule(max_cost: int) -> type[ValidationRule]:
    """One rule class for every request, so that validated documents can be cached.

    A page size given as a variable counts as the largest page: the estimate then depends on
    the document alone, and a document that passes passes whatever the variables say.
    """

    class QueryCostRule(ValidationRule):
        def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
            context: ValidationContext = self.context
            schema = context.schema
            root = schema.get_root_type(node.operation)
            if root is None:
                return
            estimate = _Estimate(schema, _fragments(context.document))
            cost = estimate.of(node.selection_set, root, DEFAULT_PAGE_SIZE, frozenset())
            if cost > max_cost:
                self.report_error(
                    _refusal(
                        f"This query could return about {cost:,} values, more than the "
                        f"{max_cost:,} allowed. Ask for smaller pages (`first`/`last`) or "
                        "fewer nested lists.",
                        QUERY_TOO_COSTLY,
                        node,
                    )
                )

    return QueryCostRule


class _Estimate:
    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        # A fragment's cost, by name, the type it is spread on and the page size around it.
        self.known: dict[tuple[str, str, int], int] = {}

    def of(
        self,
        selections: SelectionSetNode | None,
        parent: GraphQLNamedType,
        page_size: int,
        spread: frozenset[str],
    ) -> int:
        """The values a selection set can return; `page_size` sizes a connection's edges."""
        if selections is None:
            return 0
        total = 0
        for selection in selections.selections:
            if isinstance(selection, FieldNode):
                total += self._field(selection, parent, page_size, spread)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                narrowed = self.schema.get_type(condition.name.value) if condition else parent
                total += self.of(selection.selection_set, narrowed or parent, page_size, spread)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                # A cycle of fragments is reported by graphql-core's own rule.
                if fragment is None or name in spread:
                    continue
                total += self._fragment(fragment, parent, page_size, spread | {name})
        return total

    def _fragment(
        self,
        fragment: FragmentDefinitionNode,
        parent: GraphQLNamedType,
        page_size: int,
        spread: frozenset[str],
    ) -> int:
        narrowed = self.schema.get_type(fragment.type_condition.name.value) or parent
        key = (fragment.name.value, narrowed.name, page_size)
        known = self.known.get(key)
        if known is None:
            known = self.known[key] = self.of(fragment.selection_set, narrowed, page_size, spread)
        return known

    def _field(
        self, node: FieldNode, parent: GraphQLNamedType, page_size: int, spread: frozenset[str]
    ) -> int:
        name = node.name.value
        if name.startswith("__"):
            return 0  # introspection is answered from the schema, not the database
        if not isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
            return 1
        definition = parent.fields.get(name)
        if definition is None:
            return 1  # an unknown field is reported by graphql-core's own rules
        asked = self._page_size(definition, node)
        if is_list_type(get_nullable_type(definition.type)):
            if asked is not None:
                count = asked
            elif name == "edges":
                count = page_size
            else:
                count = LIST_SIZES.get(name, ASSUMED_LIST_SIZE)
        else:
            count = 1
        child_page = asked if asked is not None else DEFAULT_PAGE_SIZE
        inner = self.of(node.selection_set, get_named_type(definition.type), child_page, spread)
        return 1 + count * inner

    def _page_size(self, definition: GraphQLField, node: FieldNode) -> int | None:
        given = {argument.name.value: argument.value for argument in node.arguments or ()}
        for name in PAGE_SIZE_ARGUMENTS:
            if name not in definition.args:
                continue
            value: Any = definition.args[name].default_value
            if name in given:
                literal = given[name]
                if isinstance(literal, VariableNode):
                    value = MAX_PAGE_SIZE
                elif isinstance(literal, IntValueNode):
                    value = int(literal.value)
                else:
                    value = None  # not a number: graphql-core's own rules report it
            if isinstance(value, int) and value > 0:
                # Larger pages are refused by the field itself, with its own clear message.
                return min(value, MAX_PAGE_SIZE)
        return None
