"""Settings.from_env(): the only code that reads the environment."""

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from partnership.domain import Actor
from partnership.errors import InvalidInput
from partnership.limits import DAYS_MAX, NAME_MAX, check_text


class SettingsError(ValueError):
    """A setting is missing or malformed; the message names the variable."""


POSTGRES_SCHEMES = ("postgresql", "postgres", "postgresql+psycopg")
# A poll interval longer than an hour is a typing slip, and sleep() refuses the very large.
FLOAT_SECONDS_MAX = 3_600


@dataclass(frozen=True)
class Settings:
    """How one process of the product is wired.

    With no PARTNERSHIP_DATABASE_URL the product is embedded: events and read models live in
    two SQLite files under `data_dir` (two, so their writers never block each other).
    """

    data_dir: Path = Path("var")
    database_url: str | None = None
    read_model_schema: str = "read_models"
    host: str = "127.0.0.1"
    port: int = 8000
    default_actor: Actor = field(
        default_factory=lambda: Actor("Partnership Officer", "Lancashire County Council")
    )
    renewal_horizon_days: int = 180
    renewal_scan_hour: int = 6
    # Days before a notice deadline at which a renewal alert is raised, and raised again.
    renewal_alert_days: tuple[int, ...] = (180, 90, 30, 7)
    stale_recommendation_days: int = 90
    poll_interval_seconds: float = 1.0
    projection_batch_size: int = 500

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "Settings":
        env = os.environ if environ is None else environ
        database_url = env.get("PARTNERSHIP_DATABASE_URL") or None
        if database_url is not None:
            _check_postgres_url(database_url)
        return cls(
            data_dir=Path(env.get("PARTNERSHIP_DATA_DIR", "var")),
            database_url=database_url,
            read_model_schema=env.get("PARTNERSHIP_READ_MODEL_SCHEMA", "read_models"),
            host=env.get("PARTNERSHIP_HOST", "127.0.0.1"),
            port=_int(env, "PARTNERSHIP_PORT", 8000, minimum=1, maximum=65_535),
            default_actor=Actor(
                _name(env, "PARTNERSHIP_RECORDED_BY", "Partnership Officer"),
                _name(env, "PARTNERSHIP_RECORDED_BY_AUTHORITY", "Lancashire County Council"),
            ),
            # Days are bounded like any period the record keeps, so that no alert or renewal
            # sum can leave the calendar.
            renewal_horizon_days=_int(
                env, "PARTNERSHIP_RENEWAL_HORIZON_DAYS", 180, minimum=1, maximum=DAYS_MAX
            ),
            renewal_scan_hour=_int(env, "PARTNERSHIP_RENEWAL_SCAN_HOUR", 6, minimum=0, maximum=23),
            renewal_alert_days=_days(env, "PARTNERSHIP_RENEWAL_ALERT_DAYS", (180, 90, 30, 7)),
            stale_recommendation_days=_int(
                env, "PARTNERSHIP_STALE_RECOMMENDATION_DAYS", 90, minimum=1, maximum=DAYS_MAX
            ),
            poll_interval_seconds=_float(env, "PARTNERSHIP_POLL_INTERVAL_SECONDS", 1.0),
            projection_batch_size=_int(env, "PARTNERSHIP_PROJECTION_BATCH_SIZE", 500, minimum=1),
        )

    @property
    def embedded(self) -> bool:
        return self.database_url is None

    def event_store_env(self) -> dict[str, str]:
        """eventsourcing's own settings, always explicit: unset would mean an in-memory store."""
        if self.database_url is None:
            return {
                "PERSISTENCE_MODULE": "eventsourcing.sqlite",
                "SQLITE_DBNAME": str(self.data_dir / "events.sqlite"),
                "SQLITE_LOCK_TIMEOUT": "30",
            }
        url = make_url(self.database_url)
        return {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": url.database or "postgres",
            "POSTGRES_HOST": url.host or "127.0.0.1",
            "POSTGRES_PORT": str(url.port or 5432),
            "POSTGRES_USER": url.username or "postgres",
            "POSTGRES_PASSWORD": url.password or "",
        }

    def read_model_url(self) -> URL:
        if self.database_url is None:
            return make_url(f"sqlite:///{self.data_dir / 'read_models.sqlite'}")
        return make_url(self.database_url).set(drivername="postgresql+psycopg")


def _check_postgres_url(value: str) -> None:
    try:
        url = make_url(value)
    except Exception as error:
        raise SettingsError(f"PARTNERSHIP_DATABASE_URL is not a database URL: {error}") from None
    if url.drivername not in POSTGRES_SCHEMES or not url.database:
        raise SettingsError(
            "PARTNERSHIP_DATABASE_URL must be a PostgreSQL URL with a database name, "
            "e.g. postgresql://postgres@127.0.0.1:5432/partnership"
        )


def _int(
    env: Mapping[str, str], name: str, default: int, minimum: int, maximum: int | None = None
) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    # Plain ASCII digits only, and few of them: int() would take "١٢" or a 5,000-digit number.
    stripped = raw.strip()
    digits = stripped.removeprefix("-")
    if not (digits.isascii() and digits.isdigit() and len(digits) <= 18):
        raise SettingsError(f"{name} must be a whole number, not {raw!r}")
    value = int(stripped)
    if value < minimum:
        raise SettingsError(f"{name} must be at least {minimum}, not {value}")
    if maximum is not None and value > maximum:
        raise SettingsError(f"{name} must be at most {maximum:,}, not {value:,}")
    return value


def _name(env: Mapping[str, str], name: str, default: str) -> str:
    """A name recorded with every fact: held to the limits of any name the record keeps."""
    raw = env.get(name) or default
    try:
        return check_text(raw, name, name, NAME_MAX)
    except InvalidInput as error:
        raise SettingsError(f"{name}: {error.message}") from None


def _days(env: Mapping[str, str], name: str, default: tuple[int, ...]) -> tuple[int, ...]:
    """Comma-separated numbers of days, e.g. "180,90,30,7": most distant first."""
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    parts = [part.strip() for part in raw.split(",")]
    if not all(
        part.isascii() and part.isdigit() and len(part) <= 18 and 0 < int(part) <= DAYS_MAX
        for part in parts
    ):
        raise SettingsError(
            f"{name} must be whole numbers of days above zero (at most {DAYS_MAX:,}) "
            f"separated by commas, e.g. 180,90,30,7; not {raw!r}"
        )
    days = [int(part) for part in parts]
    if len(set(days)) != len(days):
        raise SettingsError(f"{name} lists a number of days twice: {raw!r}")
    return tuple(sorted(days, reverse=True))


def _float(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a number of seconds, not {raw!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise SettingsError(f"{name} must be above zero, not {value}")
    if value > FLOAT_SECONDS_MAX:
        raise SettingsError(f"{name} must be at most {FLOAT_SECONDS_MAX:,} seconds, not {value}")
    return value
