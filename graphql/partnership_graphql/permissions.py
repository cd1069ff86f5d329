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

from access.policy import RULES, Effect, Refusal, Rule, Target, Where, refusal
from partnership.errors import DomainError
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


def _where_from_input(target: Target, input: Any) -> Where | Callable[[Any], Where | None]:
    """Where a change lands: at once from its input, or a look-up to run on a read
    connection. None: the target does not exist."""
    partnership = _field(input, "partnership")
    if target is Target.WHOLE_RECORD:
        return Where()
    if target in (Target.PARTNERSHIP, Target.PROJECT):
        return Where(partnership=partnership)
    if target is Target.BODY:
        return Where(partnership=partnership, body=_field(input, "body"))
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
    raise AssertionError(f"no way to find where a {target} change lands")


def _where_of(scope: Any) -> Where | None:
    if scope is None:
        return None
    return Where(
        partnership=scope.partnership, body=scope.body, authorities=frozenset(scope.authorities)
    )


async def where_of(context: Context, rule: Rule, input: Any) -> Where | None:
    found = _where_from_input(rule.target, input)
    if not callable(found):
        return found
    look_up = found

    def work_out() -> Where | None:
        with context.runtime.store.reader.connect() as conn:
            return look_up(conn)

    result: Where | None = await off_the_loop(work_out)
    return result


class FollowsPolicy(BasePermission):
    """Allows a field exactly as its row of the policy table says."""

    def __init__(self, rule: Rule) -> None:
        self.rule = rule

    async def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        reason = await refusal_of(context_of(info), self.rule, kwargs.get("input"))
        if reason is not None:
            raise AccessRefused(reason, self.rule)
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
