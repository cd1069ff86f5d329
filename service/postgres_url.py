"""What a PostgreSQL URL may say beyond where the database is, and how each part reaches the
three clients that connect with it.

The read models and the credential store connect through SQLAlchemy, which hands every URL
parameter to libpq. The event store connects through eventsourcing, which takes only the
database, host, port, user and password: the other parameters reach its connections through
libpq's own environment variables (PGSSLMODE for `sslmode`, and so on), set for the whole
process. A parameter with no such variable could not be honoured by the event store, so it is
refused rather than silently dropped: the log and the read models must connect alike.
"""

from collections.abc import Mapping

from sqlalchemy.engine import URL

# Seconds a connection may take to open when the URL does not say (`connect_timeout`).
DEFAULT_CONNECT_TIMEOUT = 5
# Seconds the start-up check waits for the database when the URL does not say: a process that
# cannot reach it says so at once instead of waiting out a pool's timeout. libpq's least.
REACHABILITY_TIMEOUT = 2
# Seconds the check waits in all, over libpq's timeout: libpq may try twice (with TLS, then
# without), and a host name's lookup is not bounded by its timeout at all.
REACHABILITY_GRACE = 1
CONNECT_TIMEOUT_MAX = 600
PARAMETER_VALUE_MAX = 2_000

# URL parameter -> libpq's environment variable, for every parameter the event store honours.
LIBPQ_ENVIRONMENT = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "sslcrl": "PGSSLCRL",
    "sslcrldir": "PGSSLCRLDIR",
    "sslsni": "PGSSLSNI",
    "sslcertmode": "PGSSLCERTMODE",
    "sslnegotiation": "PGSSLNEGOTIATION",
    "ssl_min_protocol_version": "PGSSLMINPROTOCOLVERSION",
    "ssl_max_protocol_version": "PGSSLMAXPROTOCOLVERSION",
    "channel_binding": "PGCHANNELBINDING",
    "require_auth": "PGREQUIREAUTH",
    "gssencmode": "PGGSSENCMODE",
    "krbsrvname": "PGKRBSRVNAME",
    "application_name": "PGAPPNAME",
    "options": "PGOPTIONS",
    "passfile": "PGPASSFILE",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
    "connect_timeout": "PGCONNECT_TIMEOUT",
}
# Parameters whose values libpq knows in advance: a misspelt one is refused here, by name.
CHOICES = {
    "sslmode": ("disable", "allow", "prefer", "require", "verify-ca", "verify-full"),
    "gssencmode": ("disable", "prefer", "require"),
    "channel_binding": ("disable", "prefer", "require"),
    "sslnegotiation": ("postgres", "direct"),
    "sslcertmode": ("disable", "allow", "require"),
    "sslsni": ("0", "1"),
    "target_session_attrs": (
        "any",
        "read-write",
        "read-only",
        "primary",
        "standby",
        "prefer-standby",
    ),
}
# A socket directory (or host name) given as a parameter, as for a server on this machine.
HOST_PARAMETER = "host"

VARIABLE = "PARTNERSHIP_DATABASE_URL"


class UrlRefused(ValueError):
    """A URL parameter that cannot be honoured; the message names it."""


def checked_parameters(url: URL) -> dict[str, str]:
    """The URL's parameters, each honoured by every client, or UrlRefused naming the first
    that is not."""
    parameters: dict[str, str] = {}
    for name, value in url.query.items():
        if not isinstance(value, str):
            raise UrlRefused(f"{VARIABLE} gives the parameter {name!r} more than once")
        if name != HOST_PARAMETER and name not in LIBPQ_ENVIRONMENT:
            raise UrlRefused(
                f"{VARIABLE} has the parameter {name!r}, which the event store cannot honour; "
                f"accepted: {', '.join(sorted([HOST_PARAMETER, *LIBPQ_ENVIRONMENT]))}"
            )
        if len(value) > PARAMETER_VALUE_MAX or not value.isprintable():
            raise UrlRefused(f"{VARIABLE}: the parameter {name!r} has a malformed value")
        allowed = CHOICES.get(name)
        if allowed is not None and value not in allowed:
            raise UrlRefused(
                f"{VARIABLE}: {name} must be one of {', '.join(allowed)}, not {value!r}"
            )
        parameters[name] = value
    if "connect_timeout" in parameters:
        _check_timeout(parameters["connect_timeout"])
    if HOST_PARAMETER in parameters and url.host:
        raise UrlRefused(f"{VARIABLE} names its host twice: in the address and as ?host=")
    return parameters


def _check_timeout(raw: str) -> None:
    if not (raw.isascii() and raw.isdigit() and 1 <= int(raw) <= CONNECT_TIMEOUT_MAX):
        raise UrlRefused(
            f"{VARIABLE}: connect_timeout must be whole seconds from 1 to {CONNECT_TIMEOUT_MAX}, "
            f"not {raw!r}"
        )


def connect_timeout(parameters: Mapping[str, str]) -> int:
    return int(parameters.get("connect_timeout", DEFAULT_CONNECT_TIMEOUT))


def reachability_timeout(parameters: Mapping[str, str]) -> int:
    """The URL's own timeout when it gives one; otherwise short, so a start fails fast."""
    return int(parameters.get("connect_timeout", REACHABILITY_TIMEOUT))


def libpq_environment(parameters: Mapping[str, str]) -> dict[str, str]:
    """libpq's variables for the event store's connections, the connect timeout always set."""
    environment = {
        LIBPQ_ENVIRONMENT[name]: value
        for name, value in parameters.items()
        if name in LIBPQ_ENVIRONMENT
    }
    environment["PGCONNECT_TIMEOUT"] = str(connect_timeout(parameters))
    return environment


def where(url: URL) -> str:
    """host:port, for messages: never the user or the password."""
    host = url.host or url.query.get(HOST_PARAMETER) or "127.0.0.1"
    return f"{host}:{url.port or 5432}"
