"""Rebuilds with no downtime: the next generation of the read models is built beside the live
one, which keeps answering and following the log, and is swapped in within one transaction once
it has caught up. A rebuild killed at any point leaves the live generation serving; the next
rebuild, or the next start, begins again from a clean slate.

A process starting checks the schema version each read model was built with: one built by older
code (or a rebuild that never finished) is rebuilt this way while the old one serves; one built
by newer code is refused, since this code cannot know what its tables mean.
"""

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import Table
from sqlalchemy.exc import DBAPIError

from projections.database import ReadModelStore
from projections.generations import Generations, RebuildInProgress, generations_of
from projections.tracking import (
    Tracked,
    install_generation,
    lock_tracked,
    read_tracking,
    request_rebuild,
)

if TYPE_CHECKING:
    from projections.runner import ProjectionRunner

log = logging.getLogger(__name__)

# Each try catches the next generation up outside the swap, so only what arrived since is left
# to do inside it; a failure there (another writer, a passing fault) is worth a few tries.
SWAP_ATTEMPTS = 3


class RebuildStep(StrEnum):
    """The points a rebuild passes, named so that a test can stop it at each."""

    NEXT_CREATED = "next generation created"
    BATCH_FILLED = "batch filled"
    CAUGHT_UP = "caught up, about to swap"
    SWAPPING = "inside the swap transaction"
    SWAPPED = "swapped, before clean-up"


StepHook = Callable[[RebuildStep], None]
Progress = Callable[[int], None]


class RebuildCancelled(Exception):
    """The process is stopping; the live generation serves on and the next start rebuilds."""


class GenerationBehind(Exception):
    """The new generation stalls before where the live one is: swapping it in would take
    answers back in time, so the live generation keeps serving."""

    def __init__(self, built: dict[str, Tracked], live: dict[str, int]) -> None:
        described = "; ".join(
            (f"{at.stall.describe()}" if at.stall is not None else f"the {name} read model")
            + f", rebuilt up to {at.position} while the live one is at {live[name]}"
            for name, at in built.items()
        )
        super().__init__(
            f"The rebuilt generation was not swapped in: {described}. The live read models "
            "keep answering; remove the cause and rebuild again."
        )
        self.stalls = [at.stall for at in built.values() if at.stall is not None]


class _CatchUpFailed(Exception):
    pass


class Rebuild:
    def __init__(
        self,
        live: "ProjectionRunner",
        names: Sequence[str],
        builder_over: Callable[[ReadModelStore], "ProjectionRunner"],
        progress: Progress | None = None,
        on_step: StepHook | None = None,
    ) -> None:
        self.live = live
        self.names = list(names)
        self.builder_over = builder_over
        self.progress = progress
        self.on_step = on_step or (lambda _step: None)

    def run(self) -> None:
        generations = generations_of(self.live.store)
        with generations.exclusive():
            try:
                with self.live.store.writer.begin() as conn:
                    request_rebuild(conn, self.names, datetime.now(UTC))
                generations.drop_leftovers()
                builder = self.builder_over(generations.open_next())
                self.on_step(RebuildStep.NEXT_CREATED)
                builder.advance(progress=self._filled)
                builder.store.analyze(tables_of(builder))
                self._swap_when_caught_up(generations, builder)
                log.info("rebuilt and swapped in: %s", ", ".join(self.names))
                self.on_step(RebuildStep.SWAPPED)
                generations.drop_leftovers()
            finally:
                generations.close()

    def _filled(self, events: int) -> None:
        if self.progress is not None:
            self.progress(events)
        self.on_step(RebuildStep.BATCH_FILLED)

    def _swap_when_caught_up(self, generations: Generations, builder: "ProjectionRunner") -> None:
        for attempt in range(1, SWAP_ATTEMPTS + 1):
            builder.advance()  # the log moved on while it filled
            self.on_step(RebuildStep.CAUGHT_UP)
            try:
                self._swap(generations, builder)
                return
            except (_CatchUpFailed, DBAPIError) as failed:
                # A deadlock with a live writer, say: the swap's transaction was rolled back.
                builder.forget_everything()
                if attempt == SWAP_ATTEMPTS:
                    cause = failed.__cause__ if isinstance(failed, _CatchUpFailed) else None
                    raise (cause or failed) from None
                log.warning("swapping the rebuilt generation in failed; trying again")

    def _swap(self, generations: Generations, builder: "ProjectionRunner") -> None:
        # The in-process runner must not be mid-batch, and forgets its rows once the tables
        # change; its lock is taken before the database's, as its own batches take them.
        with self.live.locked(), generations.swap_transaction() as conn:
            generations.as_live(conn)
            held = {name: lock_tracked(conn, name).position for name in self.names}
            live = read_tracking(conn)
            generations.as_next(conn)
            built = read_tracking(conn)
            lagging = {
                name: position
                for name, position in held.items()
                if built[name].position < position and built[name].stall is None
            }
            if lagging:
                try:
                    builder.advance_within(conn, lagging)
                except Exception as error:
                    raise _CatchUpFailed() from error
                built = read_tracking(conn)
            behind = {
                name: built[name]
                for name in self.names
                if built[name].position < held[name] and self._trusted(name, live.get(name))
            }
            if behind:
                raise GenerationBehind(behind, held)
            generations.move(conn, tables_of(builder))
            generations.as_live(conn)
            for name in self.names:
                install_generation(conn, name, built[name])
            self.on_step(RebuildStep.SWAPPING)
        self.live.forget_everything()

    def _trusted(self, name: str, live: Tracked | None) -> bool:
        """A live generation of an older schema is not this code's to keep: it is replaced
        even by one that stalls earlier (the stall is then reported as the read model's)."""
        current = next(p.schema_version for p in self.live.projections if p.name == name)
        return live is not None and live.schema_version == current


def tables_of(runner: "ProjectionRunner") -> list[Table]:
    """Each table once, though several read models share it."""
    found = {t.name: t for p in runner.projections for t in p.tables}
    return list(found.values())


@dataclass(frozen=True)
class Outdated:
    """A read model a starting process rebuilds before trusting."""

    name: str
    stored: int | None  # None: built before versions were recorded
    current: int
    interrupted: bool  # a rebuild was asked for and never swapped in

    def describe(self) -> str:
        if self.interrupted and self.stored == self.current:
            return f"{self.name} (a rebuild did not finish)"
        stored = "unrecorded" if self.stored is None else str(self.stored)
        return f"{self.name} (schema version {stored}, this code's is {self.current})"


class ReadModelTooNew(Exception):
    def __init__(self, name: str, stored: int, current: int) -> None:
        super().__init__(
            f"The {name} read model was built by newer code (schema version {stored}); this "
            f"code knows version {current} and will not serve or write it. Run the newer "
            f"release, or, to go back to this one, run `partnership rebuild`: it builds "
            f"version {current} beside the live read models and swaps it in."
        )
        self.name, self.stored, self.current = name, stored, current


def outdated(runner: "ProjectionRunner") -> list[Outdated]:
    """The read models this process must rebuild before trusting; refuses newer ones."""
    with runner.store.reader.connect() as conn:
        tracked = read_tracking(conn)
    found = []
    for projection in runner.projections:
        at = tracked.get(projection.name)
        if at is None:
            continue  # made by this code's setup a moment ago
        stored, current = at.schema_version, projection.schema_version
        if stored is not None and stored > current:
            raise ReadModelTooNew(projection.name, stored, current)
        if stored is None or stored < current or at.rebuild_requested is not None:
            found.append(
                Outdated(projection.name, stored, current, at.rebuild_requested is not None)
            )
    return found


def bring_up_to_date(
    runner: "ProjectionRunner",
    progress: Progress | None = None,
    on_step: StepHook | None = None,
) -> list[Outdated]:
    """Rebuild what `outdated` finds (the live generation answering meanwhile), and clear what
    a killed rebuild left; returns what was rebuilt."""
    found = outdated(runner)
    if found:
        # Those sharing a table with them are rebuilt too; the rebuild names them all.
        log.info("rebuilding read models: %s", ", ".join(o.describe() for o in found))
        runner.rebuild(progress, on_step, only=[o.name for o in found])
        return found
    generations = generations_of(runner.store)
    if generations.leftovers():
        with generations.exclusive():
            generations.drop_leftovers()
    return []


def upgrade_in_background(
    runner: "ProjectionRunner", stop: threading.Event, on_step: StepHook | None = None
) -> threading.Thread:
    """Start bringing the read models up to date beside the live ones; a stop ends it at its
    next step. Refuses at once (in the caller) if a read model is newer than this code."""
    outdated(runner)

    def step(at: RebuildStep) -> None:
        if stop.is_set():
            raise RebuildCancelled()
        if on_step is not None:
            on_step(at)

    def run() -> None:
        try:
            bring_up_to_date(runner, on_step=step)
        except RebuildCancelled:
            log.info("rebuild stopped; the next start begins it again")
        except RebuildInProgress:
            log.info("another process is rebuilding the read models")
        except Exception:
            log.exception("rebuilding the read models failed; the live ones keep answering")

    thread = threading.Thread(target=run, name="read-model rebuild", daemon=True)
    thread.start()
    return thread
