"""Plain values read straight off their objects.

Most of what a page returns is plain values: a timeline page of 50 entries is some 900 dates,
strings and enums, each an attribute of an object a resolver built. graphql-core gives every
one of them the full treatment (a resolve-info object, a resolver call, a completion walk),
which costs several times the database query. Where a selection asks only for fields with no
resolver and no arguments, whose values are scalars, enums, or objects (or lists of them)
selected the same way, reading the attributes and serialising them gives exactly the value
graphql-core would: that is done directly. Anything out of the ordinary (a null where none may
be, a value that does not serialise, an object of the wrong type, a resolver, middleware,
deferred fields) sends the whole selection the ordinary way, which reports any error exactly as
before; reading attributes twice changes nothing.

Each selection is compiled once into one small function that reads its fields and builds the
result, and the plan is kept for the next request that sends the same (cached) document, so a
repeated query neither plans nor collects its plain fields again.
"""

import keyword
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from operator import attrgetter
from typing import Any

from graphql.execution.collect_fields import FieldDetailsList, FragmentDetails, GroupedFieldSet
from graphql.pyutils import Path
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.field import StrawberryField

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLEnumType,
    GraphQLField,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    OperationDefinitionNode,
    SelectionSetNode,
    Undefined,
    is_leaf_type,
)


class _NotPlain(Exception):
    """Raised inside a plain read to send the selection the ordinary way."""


def _completer(
    nullable: bool,
    many: bool,
    items_nullable: bool,
    serialise: Callable[[Any], Any],
    unchanged: type | None,
) -> Callable[[Any], Any]:
    """A value's result. `unchanged`: the type whose values serialise to themselves."""
    if not many:

        def complete(value: Any) -> Any:
            if type(value) is unchanged:
                return value
            if value is None:
                if nullable:
                    return None
                raise _NotPlain
            return serialise(value)

        return complete

    def complete_list(value: Any) -> Any:
        if value is None:
            if nullable:
                return None
            raise _NotPlain
        if not isinstance(value, list | tuple):
            raise _NotPlain
        completed: list[Any] = []
        for item in value:
            if type(item) is unchanged:
                completed.append(item)
            elif item is None:
                if not items_nullable:
                    raise _NotPlain
                completed.append(None)
            else:
                completed.append(serialise(item))
        return completed

    return complete_list


# A selection's reader: the source object in, the selected fields' results out.
Selection = Callable[[Any], dict[str, Any]]


@dataclass(frozen=True)
class _PlainField:
    response_name: str
    # The attribute to read, or None when `read` must be called instead.
    attribute: str | None
    read: Callable[[Any], Any]
    complete: Callable[[Any], Any]
    # A single value of exactly this type is its own result (an int only within 32 bits),
    # completed without a call.
    unchanged: type | None


def _compiled(fields: list[_PlainField]) -> Selection:
    """One function reading every field of a selection.

    A loop over the fields, calling a reader and a completer for each, cost more than the
    database query for a timeline page; written out as straight-line code it costs a fraction.
    Nothing from the query document is written into the code: response names and readers are
    passed in as values, and an attribute is named only if it is a plain identifier.
    """
    namespace: dict[str, Any] = {}
    lines = ["def read(source):"]
    for index, field in enumerate(fields):
        value = f"value{index}"
        if field.attribute is not None:
            lines.append(f"    {value} = source.{field.attribute}")
        else:
            namespace[f"read{index}"] = field.read
            lines.append(f"    {value} = read{index}(source)")
        namespace[f"complete{index}"] = field.complete
        if field.unchanged is int:
            # GraphQL's Int is 32 bits: only an int within them is its own result.
            in_range = f"{_INT_MIN} <= {value} <= {_INT_MAX}"
            lines.append(f"    if type({value}) is not int or not {in_range}:")
            lines.append(f"        {value} = complete{index}({value})")
        elif field.unchanged is not None:
            namespace[f"unchanged{index}"] = field.unchanged
            lines.append(f"    if type({value}) is not unchanged{index}:")
            lines.append(f"        {value} = complete{index}({value})")
        else:
            lines.append(f"    {value} = complete{index}({value})")
        namespace[f"name{index}"] = field.response_name
    result = ", ".join(f"name{index}: value{index}" for index in range(len(fields)))
    lines.append(f"    return {{{result}}}")
    exec(compile("\n".join(lines), "<plain values>", "exec"), namespace)
    reader: Selection = namespace["read"]
    return reader


# graphql-core serialises a value of exactly these types to itself (Int checks a range).
_UNCHANGED: dict[str, type] = {"String": str, "ID": str, "Boolean": bool}
_INT_MIN, _INT_MAX = -(2**31), 2**31 - 1

# Built once per scalar or enum: each entry keeps its type alive, so its id is never reused.
_LEAF_SERIALISERS: dict[int, tuple[Any, Callable[[Any], Any]]] = {}


def _leaf_serialiser(leaf: Any) -> Callable[[Any], Any]:
    known = _LEAF_SERIALISERS.get(id(leaf))
    if known is None:
        known = _LEAF_SERIALISERS[id(leaf)] = (leaf, _new_leaf_serialiser(leaf))
    return known[1]


def _new_leaf_serialiser(leaf: Any) -> Callable[[Any], Any]:
    names = _enum_names(leaf)

    def serialise(value: Any) -> Any:
        if names is not None:
            try:
                name = names.get(value)
            except TypeError:  # unhashable: not one of the enum's values
                name = None
            if name is not None:
                return name
        serialised = leaf.coerce_output_value(value)
        if serialised is None or serialised is Undefined:
            raise _NotPlain
        return serialised

    return serialise


def _enum_names(leaf: Any) -> dict[Any, str] | None:
    """An enum member's GraphQL name, looked up instead of searched for on every value."""
    if not isinstance(leaf, GraphQLEnumType):
        return None
    names: dict[Any, str] = {}
    # strawberry's enums serialise members of their Python enum as well as raw values.
    members = list(getattr(leaf, "wrapped_cls", None) or ())
    for name, value in leaf.values.items():
        try:
            names[value.value] = name
            names.update((member, name) for member in members if member.value == value.value)
        except TypeError:  # an unhashable value is left to the ordinary way
            continue
    return names


def _basic_reader(field_def: GraphQLField) -> tuple[str | None, Callable[[Any], Any]] | None:
    """How to read a field with no resolver and no arguments; None for any other field.

    The attribute's name when the field is read with plain getattr, and a reader either way.
    """
    definition = (field_def.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
    if not isinstance(definition, StrawberryField) or not definition.is_basic_field:
        return None
    if field_def.args:
        return None
    if definition.default_resolver is not getattr:
        return None, partial(definition.get_result, info=None, args=[], kwargs={})
    name = definition.python_name
    plain_name = name.isidentifier() and not keyword.iskeyword(name)
    return (name if plain_name else None), attrgetter(name)


def _unwrap(type_: Any) -> tuple[bool, Any]:
    if isinstance(type_, GraphQLNonNull):
        return False, type_.of_type
    return True, type_


# Plans kept between requests, for documents with no directives (which alone could make the
# same fields collect differently from one request to the next). A cached document is the same
# object on every request, so its field nodes' identities name a selection; each entry keeps
# those nodes and the schema alive, so the identities it is keyed by cannot be reused. Emptied
# when full: a burst of new documents costs only their planning.
MAX_SHARED_PLANS = 2048
_SHARED_PLANS: dict[tuple[Any, ...], tuple[object, Selection | None]] = {}
_DIRECTIVE_FREE: dict[int, tuple[OperationDefinitionNode, bool]] = {}


def _plan_key(schema: object, parent_type: GraphQLObjectType, fields: GroupedFieldSet) -> tuple:
    return (
        id(schema),
        parent_type.name,
        *(
            (name, *(id(details.node) for details in details_list))
            for name, details_list in fields.items()
        ),
    )


def _field_nodes(fields: GroupedFieldSet) -> list[FieldNode]:
    return [details.node for details_list in fields.values() for details in details_list]


def _remember(cache: dict[Any, Any], key: Any, value: Any) -> None:
    if len(cache) >= MAX_SHARED_PLANS:
        cache.clear()
    cache[key] = value


def _without_directives(
    selection_set: SelectionSetNode | None,
    fragments: Mapping[str, FragmentDetails],
    visited: set[str],
) -> bool:
    if selection_set is None:
        return True
    for selection in selection_set.selections:
        if selection.directives:
            return False
        if isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            fragment = fragments.get(name)
            if name in visited or fragment is None:
                continue
            visited.add(name)
            # Fragment arguments, too, could vary what a fragment's fields collect to.
            if fragment.variable_signatures or fragment.definition.directives:
                return False
            if not _without_directives(fragment.definition.selection_set, fragments, visited):
                return False
        elif not _without_directives(getattr(selection, "selection_set", None), fragments, visited):
            return False
    return True


class PlainValuesExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """Executes as graphql-core does, but reads plain selections directly (see above)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Per request: the entries of a list share one selection, so one plan serves them all.
        # Each plan keeps its field set alive, so the id it is keyed by cannot be reused.
        self._plans: dict[int, tuple[GroupedFieldSet, Selection | None]] = {}
        manager = self.middleware_manager
        # strawberry passes a manager even when no extension wraps resolvers.
        self._plain = manager is None or not manager.middlewares
        self._shared = self._plain and self._directive_free()

    def _directive_free(self) -> bool:
        operation = self.operation
        known = _DIRECTIVE_FREE.get(id(operation))
        if known is not None and known[0] is operation:
            return known[1]
        free = _without_directives(operation.selection_set, self.fragments, set())
        _remember(_DIRECTIVE_FREE, id(operation), (operation, free))
        return free

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: GroupedFieldSet,
        position_context: Any,
    ) -> Any:
        selection = self._selection(parent_type, grouped_field_set)
        if selection is not None:
            try:
                return selection(source_value)
            except Exception:
                pass
        return super().execute_fields(
            parent_type, source_value, path, grouped_field_set, position_context
        )

    def _selection(
        self, parent_type: GraphQLObjectType, grouped_field_set: GroupedFieldSet
    ) -> Selection | None:
        known = self._plans.get(id(grouped_field_set))
        if known is not None and known[0] is grouped_field_set:
            return known[1]
        if not self._plain:
            selection = None
        elif self._shared:
            selection = self._shared_plan(parent_type, grouped_field_set)
        else:
            selection = self._plan(parent_type, grouped_field_set)
        self._plans[id(grouped_field_set)] = (grouped_field_set, selection)
        return selection

    def _shared_plan(
        self, parent_type: GraphQLObjectType, grouped_field_set: GroupedFieldSet
    ) -> Selection | None:
        key = _plan_key(self.schema, parent_type, grouped_field_set)
        shared = _SHARED_PLANS.get(key)
        if shared is not None:
            return shared[1]
        selection = self._plan(parent_type, grouped_field_set)
        kept_alive = (self.schema, _field_nodes(grouped_field_set))
        _remember(_SHARED_PLANS, key, (kept_alive, selection))
        return selection

    def _plan(
        self, parent_type: GraphQLObjectType, grouped_field_set: GroupedFieldSet
    ) -> Selection | None:
        fields: list[_PlainField] = []
        for response_name, field_details_list in grouped_field_set.items():
            field_def = self.schema.get_field(parent_type, field_details_list[0].node.name.value)
            reader = None if field_def is None else _basic_reader(field_def)
            if field_def is None or reader is None:
                return None
            completion = self._completer(field_def, field_details_list)
            if completion is None:
                return None
            attribute, read = reader
            complete, unchanged = completion
            fields.append(_PlainField(response_name, attribute, read, complete, unchanged))
        return _compiled(fields)

    def _completer(
        self, field_def: GraphQLField, field_details_list: FieldDetailsList
    ) -> tuple[Callable[[Any], Any], type | None] | None:
        """How to complete the field's value, and the type of a single value that is its own
        result (None for lists and types that serialise)."""
        nullable, inner = _unwrap(field_def.type)
        many = isinstance(inner, GraphQLList)
        items_nullable = False
        if many:
            items_nullable, inner = _unwrap(inner.of_type)
            if isinstance(inner, GraphQLList):
                return None  # lists of lists are left to the ordinary way
        unchanged: type | None = None
        if is_leaf_type(inner):
            serialise = _leaf_serialiser(inner)
            unchanged = _UNCHANGED.get(getattr(inner, "name", ""))
        elif isinstance(inner, GraphQLObjectType):
            found = self._object_serialiser(inner, field_details_list)
            if found is None:
                return None
            serialise = found
        else:
            return None  # interfaces and unions resolve their type the ordinary way
        complete = _completer(nullable, many, items_nullable, serialise, unchanged)
        if many:
            return complete, None
        if getattr(inner, "name", "") == "Int":
            return complete, int
        return complete, unchanged

    def _object_serialiser(
        self, object_type: GraphQLObjectType, field_details_list: FieldDetailsList
    ) -> Callable[[Any], Any] | None:
        grouped_field_set, deferred, _ = self.collect_subfields(object_type, field_details_list)
        if deferred:
            return None
        # Planned with its parent, never looked up alone: its fields are known by the parent's.
        selection = self._plan(object_type, grouped_field_set)
        if selection is None:
            return None
        is_type_of = object_type.is_type_of
        if is_type_of is None:
            return selection

        def serialise(value: Any) -> dict[str, Any]:
            # strawberry's checks read only the value, never the resolve info.
            if is_type_of(value, None) is not True:  # type: ignore[arg-type]
                raise _NotPlain
            return selection(value)

        return serialise
