"""The `Idempotency-Key` header: a mutation resent under the same key is answered, not redone.

Each mutation field of a request is keyed by the header's key and the name it is answered
under (its alias, or its name), so one key may cover several changes sent together. What was
asked (the mutation, its arguments and who asked) is fingerprinted, so the same key with
another change is refused (`idempotency_key_reused`) rather than given a wrong answer.
"""

import hashlib
import json
from dataclasses import fields, is_dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, cast

from strawberry.types import Info

from graphql import value_from_ast
from partnership.domain import Actor
from partnership.idempotency import KEY_LIFETIME, KEY_MAX_LENGTH, Claim, check_key
from partnership_graphql.context import Context

IDEMPOTENCY_KEY_HEADER = "Idempotency-Key"
IDEMPOTENCY = (
    f"Send an `{IDEMPOTENCY_KEY_HEADER}` header (1 to {KEY_MAX_LENGTH} printable ASCII "
    "characters, e.g. a UUID) to make a change safe to resend: within "
    f"{int(KEY_LIFETIME.total_seconds() // 3600)} hours the same key with the same "
    "change is answered as the first time, with the version and position that change made, "
    "and nothing more is recorded; the same key with a different change is refused "
    "(idempotency_key_reused). Several changes in one request are keyed by their names or "
    "aliases."
)


def idempotency_key(context: Context) -> str | None:
    request = getattr(context, "request", None)
    if request is None:
        return None
    key: str | None = request.headers.get(IDEMPOTENCY_KEY_HEADER.lower())
    return key


def claim_of(info: Info, context: Context, now: datetime) -> Claim | None:
    """The claim a mutation's command runs under, if the request sent an idempotency key.

    Raises the domain's InvalidIdempotencyKey for a malformed key, as any other refusal.
    """
    key = idempotency_key(context)
    if key is None:
        return None
    # Scoped to who asks as well as where in the request: another caller who happens to send
    # the same key text neither sees this answer nor is refused for reusing it.
    actor = context.actor
    # By the person's id: two people who share a name never share a key.
    scope = f"{actor.person_id}\n{actor.authority}\n{info.path.key}"
    return Claim(check_key(key), scope, fingerprint(info, actor), now)


def fingerprint(info: Info, actor: Actor) -> str:
    """What was asked, independent of how it was written (literals or variables, order)."""
    raw = info._raw_info
    definition = raw.parent_type.fields[raw.field_name]
    given = {argument.name.value: argument for argument in raw.field_nodes[0].arguments or ()}
    # Already coerced by the executor (a plain mapping at run time, whatever its annotation).
    variables = cast(dict[str, Any], raw.variable_values)
    # Coerced by type, so a date given as a literal and as a variable fingerprint alike.
    arguments = {
        name: value_from_ast(given[name].value, argument.type, variables)
        if name in given
        else argument.default_value
        for name, argument in definition.args.items()
    }
    asked = {
        "mutation": raw.field_name,
        "arguments": _plain(arguments),
        "by": [actor.person_id, actor.person, actor.authority],
    }
    canonical = json.dumps(asked, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _plain(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, Enum):
        return _plain(value.value)
    if isinstance(value, date | datetime | Decimal):
        return f"{type(value).__name__}:{value}"
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return f"{type(value).__name__}:{value!r}"
