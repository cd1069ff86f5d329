"""Everything a process hands the API and the jobs: the write side, read models, projectors,
the clock and the rules a deployment sets."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from partnership.application import CommandResult, PartnershipApplication
from projections.database import ReadModelStore
from projections.inline import HeldConnection, RecentlyRecorded, keep_recordings
from projections.read.alerts import AlertRules
from projections.runner import ProjectionRunner, describe_error

Clock = Callable[[], datetime]


class ReadModelsBehind(Exception):
    """A change was recorded, but the read models could not be brought up to it.

    The change stands in the log at `position`; only the answer read from the read models is
    missing. Resending the change without an idempotency key would record it twice.
    """

    code = "recorded_read_models_behind"

    def __init__(self, position: int, version: int, reason: str) -> None:
        super().__init__(
            f"The change was recorded at log position {position} (version {version}), but "
            f"the read models are behind: {reason}. Do not send it again; it will appear "
            "once the read models catch up."
        )
        self.position = position
        self.version = version
        self.reason = reason


def system_clock() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Policy:
    """What a deployment decides and the API and jobs obey; the wiring reads it from settings."""

    renewal_horizon_days: int = 180
    renewal_scan_hour: int = 6
    alert_rules: AlertRules = field(default_factory=AlertRules)


@dataclass
class Runtime:
    policy: Policy
    app: PartnershipApplication
    store: ReadModelStore
    runner: ProjectionRunner
    clock: Clock = field(default=system_clock)
    # What this process's saves recorded, so that a mutation's catch-up need not read it back.
    recorded: RecentlyRecorded = field(init=False, repr=False)
    catch_up_connection: HeldConnection = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.recorded = RecentlyRecorded(self.app.mapper)
        keep_recordings(self.app, self.recorded)
        self.catch_up_connection = HeldConnection()

    def seen(self, result: CommandResult) -> CommandResult:
        """Read-your-writes: the read models include `result` once this returns.

        Catching up inline is safe beside a projector process: the tracking position only moves
        from where a batch started, so whichever runner gets there first does the work once.
        The events just saved are projected as they were recorded, in one transaction for all
        read models; anything that path cannot settle falls to an ordinary catch-up.
        Raises ReadModelsBehind when they cannot be brought up to it: the change stands anyway.
        """
        try:
            if self.runner.project_recorded(
                self.recorded, result.position, self.catch_up_connection
            ):
                return result
            caught_up = self.runner.advance(until=result.position)
        except Exception as error:
            reason = f"bringing them up to date failed ({describe_error(error)})"
            raise ReadModelsBehind(result.position, result.version, reason) from error
        reasons = [stall.describe() for stall in caught_up.stalled]
        if caught_up.outdated:
            reasons.append(
                f"the {', '.join(caught_up.outdated)} read models were built by another version "
                "of the code and are being rebuilt"
            )
        if reasons:
            raise ReadModelsBehind(result.position, result.version, "; ".join(reasons))
        return result

    def close(self) -> None:
        self.catch_up_connection.close()
        self.store.dispose()
        self.app.close()
