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
"""

from collections.abc import Callable
from functools import partial
from operator import attrgetter
from typing import Any

from graphql.execution.collect_fields import FieldDetailsList, GroupedFieldSet
from graphql.pyutils import Path
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.field import StrawberryField

from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
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


# Per selected field: its response name and how to read and complete it from the source.
Selection = list[tuple[str, Callable[[Any], Any]]]


def _read(selection: Selection, source: Any) -> dict[str, Any]:
    return {name: value_of(source) for name, value_of in selection}


def _value_of(read: Callable[[Any], Any], complete: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda source: complete(read(source))


# graphql-core serialises a value of exactly these types to itself (Int checks a range).
_UNCHANGED: dict[str, type] = {"String": str, "ID": str, "Boolean": bool}

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


def _basic_reader(field_def: GraphQLField) -> Callable[[Any], Any] | None:
    """How to read a field with no resolver and no arguments; None for any other field."""
    definition = (field_def.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
    if not isinstance(definition, StrawberryField) or not definition.is_basic_field:
        return None
    if field_def.args:
        return None
    if definition.default_resolver is getattr:
        return attrgetter(definition.python_name)
    return partial(definition.get_result, info=None, args=[], kwargs={})


def _unwrap(type_: Any) -> tuple[bool, Any]:
    if isinstance(type_, GraphQLNonNull):
        return False, type_.of_type
    return True, type_


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
                return _read(selection, source_value)
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
        selection = self._plan(parent_type, grouped_field_set) if self._plain else None
        self._plans[id(grouped_field_set)] = (grouped_field_set, selection)
        return selection

    def _plan(
        self, parent_type: GraphQLObjectType, grouped_field_set: GroupedFieldSet
    ) -> Selection | None:
        selection: Selection = []
        for response_name, field_details_list in grouped_field_set.items():
            field_def = self.schema.get_field(parent_type, field_details_list[0].node.name.value)
            reader = None if field_def is None else _basic_reader(field_def)
            if field_def is None or reader is None:
                return None
            complete = self._completer(field_def, field_details_list)
            if complete is None:
                return None
            selection.append((response_name, _value_of(reader, complete)))
        return selection

    def _completer(
        self, field_def: GraphQLField, field_details_list: FieldDetailsList
    ) -> Callable[[Any], Any] | None:
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
        return _completer(nullable, many, items_nullable, serialise, unchanged)

    def _object_serialiser(
        self, object_type: GraphQLObjectType, field_details_list: FieldDetailsList
    ) -> Callable[[Any], Any] | None:
        grouped_field_set, deferred, _ = self.collect_subfields(object_type, field_details_list)
        if deferred:
            return None
        selection = self._selection(object_type, grouped_field_set)
        if selection is None:
            return None
        is_type_of = object_type.is_type_of

        def serialise(value: Any) -> dict[str, Any]:
            # strawberry's checks read only the value, never the resolve info.
            if is_type_of is not None and is_type_of(value, None) is not True:  # type: ignore[arg-type]
                raise _NotPlain
            return _read(selection, value)

        return serialise
