"""Settings.from_env(): the only code that reads the environment."""

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from partnership.errors import InvalidInput
from partnership.limits import DAYS_MAX, NAME_MAX, check_text


class SettingsError(ValueError):
    """A setting is missing or malformed; the message names the variable."""


POSTGRES_SCHEMES = ("postgresql", "postgres", "postgresql+psycopg")
DEVELOPMENT = "development"
PRODUCTION = "production"
# A secret shorter than this is refused: it signs every session cookie.
SECRET_KEY_MIN_LENGTH = 32
SECRET_KEY_MAX_LENGTH = 1_024
# A poll interval longer than an hour is a typing slip, and sleep() refuses the very large.
FLOAT_SECONDS_MAX = 3_600


@dataclass(frozen=True)
class OidcSettings:
    """A council's own identity provider, for signing in with OpenID Connect."""

    issuer: str
    client_id: str
    client_secret: str
    redirect_url: str


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
    # `production` refuses to start without a secret key of its own or with no people.
    mode: str = DEVELOPMENT
    secret_key: bytes | None = None
    # The authority the command line and the example loader name when they record as the
    # system: the council that hosts the record.
    system_authority: str = "Lancashire County Council"
    graphiql: bool = False
    introspection: bool = False
    # Per API token (or, without one, per address); None: no limit.
    requests_per_minute: int | None = 600
    # Session cookies only over HTTPS: on by default in production.
    secure_cookies: bool = False
    oidc: OidcSettings | None = None
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
        mode = env.get("PARTNERSHIP_MODE") or DEVELOPMENT
        if mode not in (DEVELOPMENT, PRODUCTION):
            raise SettingsError(
                f"PARTNERSHIP_MODE must be {DEVELOPMENT} or {PRODUCTION}, not {mode!r}"
            )
        rate = _int(env, "PARTNERSHIP_REQUESTS_PER_MINUTE", 600, minimum=0, maximum=1_000_000)
        return cls(
            mode=mode,
            secret_key=_secret_key(env),
            system_authority=_name(
                env, "PARTNERSHIP_SYSTEM_AUTHORITY", "Lancashire County Council"
            ),
            graphiql=_flag(env, "PARTNERSHIP_GRAPHIQL", default=False),
            introspection=_flag(env, "PARTNERSHIP_INTROSPECTION", default=False),
            requests_per_minute=rate or None,
            secure_cookies=_flag(env, "PARTNERSHIP_SECURE_COOKIES", default=mode == PRODUCTION),
            oidc=_oidc(env),
            data_dir=Path(env.get("PARTNERSHIP_DATA_DIR", "var")),
            database_url=database_url,
            read_model_schema=env.get("PARTNERSHIP_READ_MODEL_SCHEMA", "read_models"),
            host=env.get("PARTNERSHIP_HOST", "127.0.0.1"),
            port=_int(env, "PARTNERSHIP_PORT", 8000, minimum=1, maximum=65_535),
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

    @property
    def production(self) -> bool:
        return self.mode == PRODUCTION

    def credentials_url(self) -> URL:
        """Where tokens, password hashes and sessions are kept: beside the log, never in it."""
        if self.database_url is None:
            return make_url(f"sqlite:///{self.data_dir / 'credentials.sqlite'}")
        return make_url(self.database_url).set(drivername="postgresql+psycopg")

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


def _oidc(env: Mapping[str, str]) -> OidcSettings | None:
    names = ("ISSUER", "CLIENT_ID", "CLIENT_SECRET", "REDIRECT_URL")
    values = {name: (env.get(f"PARTNERSHIP_OIDC_{name}") or "").strip() for name in names}
    given = [name for name, value in values.items() if value]
    if not given:
        return None
    missing = [f"PARTNERSHIP_OIDC_{name}" for name in names if not values[name]]
    if missing:
        raise SettingsError(
            f"OpenID Connect sign-in needs all four settings; missing {', '.join(missing)}"
        )
    for name in ("ISSUER", "REDIRECT_URL"):
        value = values[name]
        if not value.startswith(("https://", "http://")) or len(value) > 2_000:
            raise SettingsError(f"PARTNERSHIP_OIDC_{name} must be an http(s) URL, not {value!r}")
    return OidcSettings(
        values["ISSUER"].rstrip("/"),
        values["CLIENT_ID"],
        values["CLIENT_SECRET"],
        values["REDIRECT_URL"],
    )


def _secret_key(env: Mapping[str, str]) -> bytes | None:
    """PARTNERSHIP_SECRET_KEY, or the contents of the file PARTNERSHIP_SECRET_KEY_FILE names
    (as Docker and Kubernetes secrets are given); None when neither is set."""
    raw = env.get("PARTNERSHIP_SECRET_KEY") or None
    path = env.get("PARTNERSHIP_SECRET_KEY_FILE") or None
    if raw is not None and path is not None:
        raise SettingsError("Set PARTNERSHIP_SECRET_KEY or PARTNERSHIP_SECRET_KEY_FILE, not both")
    if path is not None:
        try:
            raw = Path(path).read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as error:
            raise SettingsError(
                f"PARTNERSHIP_SECRET_KEY_FILE cannot be read: {error.__class__.__name__}"
            ) from None
    if raw is None:
        return None
    # The value itself is never put in a message: messages reach logs.
    if not SECRET_KEY_MIN_LENGTH <= len(raw) <= SECRET_KEY_MAX_LENGTH:
        raise SettingsError(
            f"The secret key must be {SECRET_KEY_MIN_LENGTH} to {SECRET_KEY_MAX_LENGTH} "
            f"characters long (it is {len(raw)}); e.g. the output of "
            "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`"
        )
    return raw.encode()


def _flag(env: Mapping[str, str], name: str, *, default: bool) -> bool:
    raw = (env.get(name) or "").strip().lower()
    if raw == "":
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise SettingsError(f"{name} must be true or false, not {raw!r}")


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
