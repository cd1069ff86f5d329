"""What every resolver is given: the runtime, who is asking, and the request's loaders."""

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, TypeVar

import anyio.to_thread
from strawberry.dataloader import DataLoader
from strawberry.litestar import BaseContext
from strawberry.types import Info

from partnership.access import Principal, ScopeKind
from partnership.domain import Actor
from projections import read
from projections.read import EVERYTHING, NOTHING, ReadModelStore, Visibility
from projections.runtime import Runtime

T = TypeVar("T")
K = TypeVar("K")
V = TypeVar("V")

Row = dict[str, Any]
DecisionKey = tuple[str, str]


async def off_the_loop(work: Any, *args: Any) -> Any:
    """eventsourcing and SQLAlchemy block: run them on a worker thread, never on the loop."""
    return await anyio.to_thread.run_sync(work, *args)


def _batched(
    store: ReadModelStore,
    visible: Callable[[], Awaitable[Visibility]],
    look_up: Callable[..., Mapping[K, V]],
    missing: Callable[[], V],
) -> Callable[[list[K]], Any]:
    """A loader's batch function: one statement, on a worker thread, for every key asked,
    narrowed like every other read to what the person asking may see."""

    async def load(keys: list[K]) -> Sequence[V]:
        seen = await visible()

        def fetch() -> Mapping[K, V]:
            with store.reader.connect() as conn:
                return look_up(conn, keys, visible=seen)

        found: Mapping[K, V] = await off_the_loop(fetch)
        return [found[key] if key in found else missing() for key in keys]

    return load


class Loaders:
    """Per-request DataLoaders: the rows that list items link to, fetched for all items at once.

    Made afresh for every request, so one request never sees another's cached rows.
    """

    def __init__(self, store: ReadModelStore, visible: Callable[[], Awaitable[Visibility]]) -> None:
        def none() -> Row | None:
            return None

        def nothing() -> list[Row]:
            return []

        self.meeting: DataLoader[str, Row | None] = DataLoader(
            _batched(store, visible, read.meetings_by_id, none)
        )
        self.decision: DataLoader[DecisionKey, Row | None] = DataLoader(
            _batched(store, visible, read.decisions_by_key, none)
        )
        self.decisions_of_meeting: DataLoader[str, list[Row]] = DataLoader(
            _batched(store, visible, read.decisions_by_meeting, nothing)
        )
        # Keyed by contract id: a head contract is named in whatever letter case was typed.
        self.contract: DataLoader[str, Row | None] = DataLoader(
            _batched(store, visible, read.contracts_by_id, none)
        )
        self.back_to_back: DataLoader[str, list[Row]] = DataLoader(
            _batched(store, visible, read.back_to_back_contracts, nothing)
        )

    def forget_all(self) -> None:
        """Drop every cached row: a command has changed the read models since they were read."""
        # Every loader this object holds, so one added later cannot be left out.
        for loader in vars(self).values():
            if isinstance(loader, DataLoader):
                loader.clear_all()


class Context(BaseContext, kw_only=True):
    runtime: Runtime
    # The signed-in person, from the request's token or session; None when anonymous. Who
    # records a change is always this person, never a value from the input.
    principal: Principal | None
    loaders: Loaders
    visibility: Visibility | None = None

    @property
    def actor(self) -> Actor:
        if self.principal is None:
            # The policy refuses every change to an anonymous caller before it gets here.
            raise PermissionError("no one is signed in")
        return self.principal.actor

    async def visible(self) -> Visibility:
        """What this person may see, worked out once per request."""
        if self.visibility is None:
            principal = self.principal
            if principal is None:
                self.visibility = NOTHING
            elif any(grant.scope_kind is ScopeKind.EVERYTHING for grant in principal.grants):
                self.visibility = EVERYTHING
            else:

                def work_out() -> Visibility:
                    with self.runtime.store.reader.connect() as conn:
                        return read.visibility_of(conn, principal)

                self.visibility = await off_the_loop(work_out)
        return self.visibility


def context_of(info: Info[Any, Any]) -> Context:
    context = info.context
    assert isinstance(context, Context)
    return context
