"""What every resolver is given: the process's runtime and who is asking."""

from typing import Any, TypeVar

import anyio.to_thread
from strawberry.litestar import BaseContext
from strawberry.types import Info

from partnership.domain import Actor
from projections.runtime import Runtime

T = TypeVar("T")


class Context(BaseContext, kw_only=True):
    runtime: Runtime
    # Until access control exists this is the configured default identity; it is never taken
    # from mutation input, so authentication can later fill it in without a schema change.
    actor: Actor


def context_of(info: Info[Any, Any]) -> Context:
    context = info.context
    assert isinstance(context, Context)
    return context


async def off_the_loop(work: Any, *args: Any) -> Any:
    """eventsourcing and SQLAlchemy block: run them on a worker thread, never on the loop."""
    return await anyio.to_thread.run_sync(work, *args)
