"""Settings.from_env(): the only code that reads the environment."""

import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from partnership.errors import InvalidInput
from partnership.limits import DAYS_MAX, NAME_MAX, check_text
from service import postgres_url


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
# A standby that asked less often could not take over within half a minute of a leader's death.
ELECTION_RETRY_MAX = 20
READY_LAG_MAX = 1_000_000
# Events in one read-model transaction: past this, one transaction holds too much in memory.
PROJECTION_BATCH_MAX = 100_000
# A PostgreSQL identifier, short enough for the rebuild's sibling schema (`<name>__next`).
SCHEMA_NAME = re.compile(r"[a-z_][a-z0-9_]{0,56}")
HOST_MAX = 253
# The first of each is the default.
LOG_FORMATS = ("text", "json")
LOG_LEVELS = ("info", "debug", "warning", "error", "critical")
TRACING = ("off", "console", "otlp")


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
    # On PostgreSQL, how often a standby projector or scheduler asks to lead, and a leader
    # checks it still does: a dead leader's role is taken over within about this long.
    election_retry_seconds: float = 5.0
    # /health/ready fails while any read model is more than this many events behind the log.
    ready_max_lag_events: int = 1_000
    # Logs: `text` for a person at a terminal, `json` (one object a line) for a collector.
    log_format: str = "text"
    log_level: str = "INFO"
    # Prometheus metrics at /metrics.
    metrics: bool = True
    # OpenTelemetry traces: `off`, `console` (to stderr) or `otlp` (to otlp_endpoint).
    tracing: str = "off"
    otlp_endpoint: str | None = None

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
        tracing = _choice(env, "PARTNERSHIP_TRACING", TRACING)
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
            read_model_schema=_schema(env, "PARTNERSHIP_READ_MODEL_SCHEMA", "read_models"),
            host=_host(env, "PARTNERSHIP_HOST", "127.0.0.1"),
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
            election_retry_seconds=_election_retry(env),
            ready_max_lag_events=_int(
                env, "PARTNERSHIP_READY_MAX_LAG_EVENTS", 1_000, minimum=1, maximum=READY_LAG_MAX
            ),
            projection_batch_size=_int(
                env,
                "PARTNERSHIP_PROJECTION_BATCH_SIZE",
                500,
                minimum=1,
                maximum=PROJECTION_BATCH_MAX,
            ),
            log_format=_choice(env, "PARTNERSHIP_LOG_FORMAT", LOG_FORMATS),
            log_level=_choice(env, "PARTNERSHIP_LOG_LEVEL", LOG_LEVELS).upper(),
            metrics=_flag(env, "PARTNERSHIP_METRICS", default=True),
            tracing=tracing,
            otlp_endpoint=_otlp_endpoint(env, tracing),
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
        return self._postgres_url()

    def _postgres_url(self) -> URL:
        """The URL for SQLAlchemy, its parameters kept and a connect timeout always set."""
        assert self.database_url is not None
        url = make_url(self.database_url).set(drivername="postgresql+psycopg")
        if "connect_timeout" in url.query:
            return url
        return url.update_query_dict({"connect_timeout": str(postgres_url.DEFAULT_CONNECT_TIMEOUT)})

    def url_parameters(self) -> dict[str, str]:
        """The PostgreSQL URL's parameters (checked when the settings were read)."""
        if self.database_url is None:
            return {}
        return postgres_url.checked_parameters(make_url(self.database_url))

    def libpq_environment(self) -> dict[str, str]:
        """libpq's variables that carry the URL's parameters to the event store's connections."""
        if self.database_url is None:
            return {}
        return postgres_url.libpq_environment(self.url_parameters())

    def database_location(self) -> str:
        """Where the database is, for messages: host:port or the data directory; no secret."""
        if self.database_url is None:
            return str(self.data_dir)
        return postgres_url.where(make_url(self.database_url))

    def event_store_env(self) -> dict[str, str]:
        """eventsourcing's own settings, always explicit: unset would mean an in-memory store."""
        if self.database_url is None:
            return {
                "PERSISTENCE_MODULE": "eventsourcing.sqlite",
                "SQLITE_DBNAME": str(self.data_dir / "events.sqlite"),
                "SQLITE_LOCK_TIMEOUT": "30",
            }
        url = make_url(self.database_url)
        parameters = self.url_parameters()
        return {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": url.database or "postgres",
            "POSTGRES_HOST": url.host or parameters.get("host") or "127.0.0.1",
            "POSTGRES_PORT": str(url.port or 5432),
            "POSTGRES_USER": url.username or "postgres",
            "POSTGRES_PASSWORD": url.password or "",
            # How long the pool waits for a connection; libpq's own timeout is in
            # libpq_environment(), the other URL parameters too.
            "POSTGRES_CONNECT_TIMEOUT": str(postgres_url.connect_timeout(parameters)),
        }

    def read_model_url(self) -> URL:
        if self.database_url is None:
            return make_url(f"sqlite:///{self.data_dir / 'read_models.sqlite'}")
        return self._postgres_url()


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


def _choice(env: Mapping[str, str], name: str, choices: tuple[str, ...]) -> str:
    """One of `choices` (the first when unset), in any letter case."""
    raw = (env.get(name) or "").strip().lower()
    if raw == "":
        return choices[0]
    if raw not in choices:
        raise SettingsError(f"{name} must be one of {', '.join(choices)}, not {raw[:40]!r}")
    return raw


def _otlp_endpoint(env: Mapping[str, str], tracing: str) -> str | None:
    """Where OTLP traces go (an OTLP/HTTP collector's traces URL): needed for `otlp` alone."""
    value = (env.get("PARTNERSHIP_OTLP_ENDPOINT") or "").strip()
    if not value:
        if tracing == "otlp":
            raise SettingsError(
                "PARTNERSHIP_TRACING=otlp needs PARTNERSHIP_OTLP_ENDPOINT, "
                "e.g. http://127.0.0.1:4318/v1/traces"
            )
        return None
    if not value.startswith(("https://", "http://")) or len(value) > 2_000 or " " in value:
        raise SettingsError(f"PARTNERSHIP_OTLP_ENDPOINT must be an http(s) URL, not {value[:80]!r}")
    return value


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
    try:
        postgres_url.checked_parameters(url)
    except postgres_url.UrlRefused as error:
        raise SettingsError(str(error)) from None


def _schema(env: Mapping[str, str], name: str, default: str) -> str:
    raw = env.get(name) or default
    if not SCHEMA_NAME.fullmatch(raw):
        raise SettingsError(
            f"{name} must be a lower-case PostgreSQL name (letters, digits, underscores; "
            f"at most 57 characters), not {raw[:80]!r}"
        )
    return raw


def _host(env: Mapping[str, str], name: str, default: str) -> str:
    raw = (env.get(name) or default).strip()
    if not raw or len(raw) > HOST_MAX or not raw.isascii() or not raw.isprintable() or " " in raw:
        raise SettingsError(f"{name} must be a host name or address, not {raw[:80]!r}")
    return raw


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


def _election_retry(env: Mapping[str, str]) -> float:
    name = "PARTNERSHIP_ELECTION_RETRY_SECONDS"
    value = _float(env, name, 5.0)
    if value > ELECTION_RETRY_MAX:
        raise SettingsError(f"{name} must be at most {ELECTION_RETRY_MAX} seconds, not {value}")
    return value
