"""The access policy (`access.policy`) applied to every root field of the schema.

Each query field and mutation gets one permission, made from its row of the policy table;
none is written by hand on a resolver. A field with no row stops the schema from being built,
so a new field cannot slip in unguarded.
"""

from collections.abc import Callable, Iterable
from typing import Any

from strawberry.permission import BasePermission, PermissionExtension
from strawberry.types import Info
from strawberry.types.base import StrawberryObjectDefinition

from access.policy import REVISED_AS, RULES, Effect, Refusal, Rule, Target, Where, refusal
from partnership.errors import DomainError
from partnership.global_ids import Kind, decode
from partnership_graphql.context import Context, context_of, off_the_loop
from projections import read


class AccessRefused(DomainError):
    """Raised instead of answering: nothing is read or recorded."""

    category = "not_allowed"

    def __init__(self, reason: Refusal, rule: Rule) -> None:
        if reason is Refusal.SIGN_IN_REQUIRED:
            message = (
                f"Sign in to use {rule.operation}: send an API token as "
                "'Authorization: Bearer <token>', or sign in at /sign-in."
            )
        else:
            message = (
                f"You are not allowed to use {rule.operation} here: it needs the role "
                f"{_roles(rule)}{_on(rule)}. Nothing was read or recorded."
            )
        super().__init__(message)
        self.code = reason.value


def _roles(rule: Rule) -> str:
    return " or ".join(sorted(role.value for role in rule.roles))


def _on(rule: Rule) -> str:
    if rule.effect is Effect.READ:
        return ""
    if rule.target is Target.WHOLE_RECORD:
        return " on the whole record"
    return f" on the {rule.target.value} it concerns"


def _field(input: Any, name: str) -> Any:
    return getattr(input, name, None)


def _where_from_input(target: Target, input: Any) -> Where | Callable[[Any], Where | None] | None:
    """Where a change lands: at once from its input, or a look-up to run on a read
    connection. None: the target does not exist."""
    partnership = _field(input, "partnership")
    if target is Target.WHOLE_RECORD:
        return Where()
    if target is Target.PARTNERSHIP:
        return Where(partnership=partnership)
    if target is Target.PROJECT:
        project = _field(input, "project")
        return lambda conn: _owned(
            read.scope_of_own_project(conn, partnership, project), Where(partnership=partnership)
        )
    if target is Target.OWNER:
        return _owner(partnership, _field(input, "authority"))
    if target is Target.NEW_PRACTICE:
        return Where(authorities=frozenset(_field(input, "authorities") or ()))
    if target is Target.PRACTICE:
        name = _field(input, "name")
        return lambda conn: _where_of(read.scope_of_practice(conn, name))
    if target is Target.BODY:
        body = _field(input, "body")
        return lambda conn: _owned(
            read.scope_of_own_body(conn, partnership, body),
            Where(partnership=partnership, body=body),
        )
    if target is Target.SCRUTINY_BODY:
        return Where(body=_field(input, "body"))
    if target is Target.NEW_SUPPLIER_MEETING:
        attendees = _field(input, "authority_attendees") or ()
        return Where(authorities=frozenset(attendee.authority for attendee in attendees))
    if target is Target.CONTRACT:
        reference = _field(input, "reference")
        return lambda conn: _where_of(read.scope_of_contract(conn, reference))
    if target is Target.NEW_CONTRACT:
        authority, head = _field(input, "authority"), _field(input, "head_contract_reference")
        return lambda conn: _where_of(read.scope_of_new_contract(conn, authority, head))
    if target is Target.SUPPLIER_MEETING:
        supplier, day, title = (
            _field(input, "supplier"),
            _field(input, "meeting_date"),
            _field(input, "title"),
        )
        return lambda conn: _where_of(read.scope_of_supplier_meeting(conn, supplier, day, title))
    if target is Target.SUPPLIER_ESCALATION:
        supplier, day, title = (
            _field(input, "supplier"),
            _field(input, "meeting_date"),
            _field(input, "title"),
        )
        return lambda conn: _where_of(
            read.scope_of_supplier_escalation(conn, supplier, day, title, partnership)
        )
    if target is Target.ALERT:
        key = _field(input, "key")
        return lambda conn: _where_of(read.scope_of_alert(conn, key))
    if target is Target.RECORD:
        return lambda conn: _where_of(_record_scope(conn, _field(input, "record"))[1])
    raise AssertionError(f"no way to find where a {target} change lands")


def _owner(partnership: str | None, authority: str | None) -> Where | None:
    """The partnership or the authority a new body or project belongs to. Naming neither
    leaves the command to refuse the input, as it refuses naming both."""
    if partnership is None and authority is None:
        return None
    return Where(partnership=partnership, authorities=frozenset({authority} if authority else ()))


def _owned(own: Any, given: Where) -> Where:
    """An authority's own body or project lies with the authority (`own`); any other with the
    partnership (and body) its input names, found by those names without a look-up."""
    return given if own is None else Where(authorities=frozenset(own.authorities))


def _where_of(scope: Any) -> Where | None:
    if scope is None:
        return None
    return Where(
        partnership=scope.partnership, body=scope.body, authorities=frozenset(scope.authorities)
    )


# The input fields that may name a record by its global id, and the kind each names.
_NAMED_BY_ID = {
    "partnership": Kind.PARTNERSHIP,
    "body": Kind.GOVERNING_BODY,
    "authority": Kind.AUTHORITY,
    "reference": Kind.CONTRACT,
    "head_contract_reference": Kind.CONTRACT,
}


class _AsNamed:
    """An input with the records it names by global id named by their names instead, so that
    where a change lands is worked out as the command will find it."""

    def __init__(self, input: Any, names: dict[str, str | None]) -> None:
        self._input, self._names = input, names

    def __getattr__(self, name: str) -> Any:
        return self._names[name] if name in self._names else getattr(self._input, name)


async def _as_named(context: Context, input: Any) -> Any:
    given = {field: _field(input, field) for field in _NAMED_BY_ID}
    if not any(isinstance(text, str) and decode(text) for text in given.values()):
        return input

    def look_up() -> dict[str, str | None]:
        with context.runtime.store.reader.connect() as conn:
            return {
                field: read.name_given(conn, text, _NAMED_BY_ID[field])
                for field, text in given.items()
            }

    names: dict[str, str | None] = await off_the_loop(look_up)
    return _AsNamed(input, names)


async def where_of(context: Context, rule: Rule, input: Any) -> Where | None:
    input = await _as_named(context, input)
    found = _where_from_input(rule.target, input)
    if not callable(found):
        return found
    look_up = found

    def work_out() -> Where | None:
        with context.runtime.store.reader.connect() as conn:
            return look_up(conn)

    result: Where | None = await off_the_loop(work_out)
    return result


def _record_scope(conn: Any, record: Any) -> tuple[Rule | None, Any]:
    """The rule of the kind of record an id names, and where it lies; (None, None) for an id
    that names nothing revisable."""
    named = decode(record) if isinstance(record, str) else None
    found = None if named is None else read.scope_of_record(conn, str(named.aggregate_id))
    if found is None or found[0] not in REVISED_AS:
        return None, None
    kind, scope = found
    return REVISED_AS[kind], scope


async def _record_refusal(context: Context, rule: Rule, input: Any) -> tuple[Rule, Refusal | None]:
    """A revision is allowed as its record's own correction is; of an id that names nothing,
    as any revision, for the command to answer it as not found."""
    principal = context.principal
    if principal is None or not principal.grants_of(*rule.roles):
        return rule, refusal(rule, principal, None)

    def work_out() -> tuple[Rule | None, Any]:
        with context.runtime.store.reader.connect() as conn:
            return _record_scope(conn, _field(input, "record"))

    kind_rule, scope = await off_the_loop(work_out)
    if kind_rule is None:
        return rule, refusal(rule, principal, None)
    return kind_rule, refusal(kind_rule, principal, _where_of(scope))


class FollowsPolicy(BasePermission):
    """Allows a field exactly as its row of the policy table says."""

    def __init__(self, rule: Rule) -> None:
        self.rule = rule

    async def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        context, input = context_of(info), kwargs.get("input")
        rule = self.rule
        if rule.target is Target.RECORD:
            rule, reason = await _record_refusal(context, rule, input)
        else:
            reason = await refusal_of(context, rule, input)
        if reason is not None:
            raise AccessRefused(reason, rule)
        return True


async def refusal_of(context: Context, rule: Rule, input: Any) -> Refusal | None:
    """Why the person may not use `rule`'s operation with `input`; None if they may."""
    where: Where | None = None
    principal = context.principal
    # Only someone who holds a role the row names gets a look-up done for them.
    if principal is not None and rule.effect is Effect.WRITE and principal.grants_of(*rule.roles):
        where = await where_of(context, rule, input)
    return refusal(rule, principal, where)


def guard_root_fields(definitions: Iterable[StrawberryObjectDefinition]) -> None:
    """Give every root field its permission from the policy table."""
    for definition in definitions:
        for field in definition.fields:
            rule = RULES.get(field.graphql_name or "") or RULES.get(_camel(field.python_name))
            if rule is None:
                raise LookupError(
                    f"{definition.name}.{field.python_name} has no row in the access policy "
                    "(access/policy.py): every query and mutation needs one."
                )
            expected = Effect.WRITE if definition.name == "Mutation" else Effect.READ
            if rule.effect is not expected:
                raise LookupError(
                    f"the access policy's row for {rule.operation} is not a {expected}"
                )
            # Root types are shared by every schema built in one process: guard each field once.
            if not any(_follows_policy(extension) for extension in field.extensions):
                field.extensions.append(
                    PermissionExtension(permissions=[FollowsPolicy(rule)], use_directives=False)
                )


def _follows_policy(extension: object) -> bool:
    return isinstance(extension, PermissionExtension) and any(
        isinstance(permission, FollowsPolicy) for permission in extension.permissions
    )


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)
