"""Builds one process's runtime from its settings: the only place both are known."""

from dataclasses import dataclass, field

from partnership.application import PartnershipApplication
from projections.database import ReadModelStore
from projections.read.alerts import AlertRules
from projections.runner import ProjectionRunner
from projections.runtime import Clock, Policy, Runtime, system_clock
from service.settings import Settings


@dataclass
class ServiceRuntime(Runtime):
    """A runtime that remembers the settings it was built from, for the CLI's own needs."""

    settings: Settings = field(default_factory=Settings)


def policy_of(settings: Settings) -> Policy:
    return Policy(
        renewal_horizon_days=settings.renewal_horizon_days,
        renewal_scan_hour=settings.renewal_scan_hour,
        alert_rules=AlertRules(settings.renewal_alert_days, settings.stale_recommendation_days),
    )


def open_runtime(settings: Settings, clock: Clock = system_clock) -> ServiceRuntime:
    if settings.embedded:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    app = PartnershipApplication(env=settings.event_store_env())
    store = ReadModelStore(
        settings.read_model_url(), None if settings.embedded else settings.read_model_schema
    )
    runner = ProjectionRunner(app, store, batch_size=settings.projection_batch_size)
    return ServiceRuntime(
        policy=policy_of(settings),
        app=app,
        store=store,
        runner=runner,
        clock=clock,
        settings=settings,
    )
