"""The one log format: the settings that choose it, the standard library's loggers routed
through it, and secrets redacted whatever logs them."""

import json
import subprocess
import sys
import textwrap

import pytest

from partnership_graphql.request_log import PATH_MAX, logged_path, request_id_from
from service.logs import REDACTED, redact_secrets
from service.settings import Settings, SettingsError

TOKEN = "ptk_0123456789abcdef_" + "s" * 43

# Logs as each kind of code does: a library through the standard library, the product
# through structlog, with secrets under keys and inside messages.
LOGGING = textwrap.dedent(
    f"""
    import logging, structlog
    from service.logs import configure_logging_from_env
    configure_logging_from_env()
    logging.getLogger("uvicorn.error").info("Started server process [%d]", 42)
    logging.getLogger("litestar").warning("refused %s", "Bearer {TOKEN}")
    logging.getLogger("partnership.api").debug("hidden at INFO")
    structlog.stdlib.get_logger("partnership.api").info(
        "fact_recorded", position=7, password="hunter2", headers={{"Cookie": "c=1"}}
    )
    try:
        1 / 0
    except ZeroDivisionError:
        logging.getLogger("strawberry.execution").exception("failed")
    """
)


def run_logging(**env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", LOGGING],
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )


def test_json_lines_carry_every_logger_and_no_secret() -> None:
    done = run_logging(PARTNERSHIP_LOG_FORMAT="json")
    assert done.stdout == ""
    lines = [json.loads(line) for line in done.stderr.splitlines()]
    assert [(line["logger"], line["level"]) for line in lines] == [
        ("uvicorn.error", "info"),
        ("litestar", "warning"),
        ("partnership.api", "info"),
        ("strawberry.execution", "error"),
    ]
    assert lines[0]["event"] == "Started server process [42]"
    assert lines[2]["position"] == 7
    assert lines[2]["password"] == REDACTED
    assert lines[2]["headers"] == {"Cookie": REDACTED}
    assert "ZeroDivisionError" in lines[3]["exception"]
    for secret in ("hunter2", TOKEN, "c=1"):
        assert secret not in done.stderr


def test_text_is_the_default_and_the_level_is_chosen() -> None:
    done = run_logging(PARTNERSHIP_LOG_LEVEL="debug")
    assert "hidden at INFO" in done.stderr
    assert "fact_recorded" in done.stderr
    assert "hunter2" not in done.stderr
    assert TOKEN not in done.stderr
    with pytest.raises(json.JSONDecodeError):
        json.loads(done.stderr.splitlines()[0])


def test_redaction_reaches_nested_values_and_messages() -> None:
    event = {
        "event": f"Authorization: Bearer {TOKEN}",
        "csrf_token": "x",
        "client_secret": "y",
        "nested": [{"Set-Cookie": "z", "count": 2}],
        "person_id": "p-1",
    }
    assert redact_secrets(None, "info", event) == {
        "event": f"Authorization: {REDACTED}",
        "csrf_token": REDACTED,
        "client_secret": REDACTED,
        "nested": [{"Set-Cookie": REDACTED, "count": 2}],
        "person_id": "p-1",
    }


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("abc-123", True),
        ("0af7651916cd43dd8448eb211c80319c", True),
        ("x" * 64, True),
        ("x" * 65, False),
        ("", False),
        ("a b", False),
        ("a\nb", False),
        ("é", False),
    ],
)
def test_a_request_id_is_kept_only_when_sane(given: str, kept: bool) -> None:
    found = request_id_from([(b"x-request-id", given.encode())])
    assert (found == given) is kept
    assert 1 <= len(found) <= 64


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"PARTNERSHIP_LOG_FORMAT": "xml"}, "PARTNERSHIP_LOG_FORMAT must be one of text, json"),
        ({"PARTNERSHIP_LOG_LEVEL": "loud"}, "PARTNERSHIP_LOG_LEVEL must be one of"),
        ({"PARTNERSHIP_METRICS": "perhaps"}, "PARTNERSHIP_METRICS must be true or false"),
        ({"PARTNERSHIP_TRACING": "jaeger"}, "PARTNERSHIP_TRACING must be one of off, console"),
        ({"PARTNERSHIP_TRACING": "otlp"}, "needs PARTNERSHIP_OTLP_ENDPOINT"),
        (
            {"PARTNERSHIP_TRACING": "otlp", "PARTNERSHIP_OTLP_ENDPOINT": "ftp://x"},
            "must be an http(s) URL",
        ),
    ],
)
def test_observability_settings_are_checked(env: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError, match=message.replace("(", r"\(").replace(")", r"\)")):
        Settings.from_env(env)


def test_observability_settings_default_and_read() -> None:
    default = Settings.from_env({})
    assert (default.log_format, default.log_level, default.metrics, default.tracing) == (
        "text",
        "INFO",
        True,
        "off",
    )
    chosen = Settings.from_env(
        {
            "PARTNERSHIP_LOG_FORMAT": "JSON",
            "PARTNERSHIP_LOG_LEVEL": "warning",
            "PARTNERSHIP_METRICS": "false",
            "PARTNERSHIP_TRACING": "otlp",
            "PARTNERSHIP_OTLP_ENDPOINT": "http://127.0.0.1:4318/v1/traces",
        }
    )
    assert (chosen.log_format, chosen.log_level, chosen.metrics, chosen.tracing) == (
        "json",
        "WARNING",
        False,
        "otlp",
    )
    assert chosen.otlp_endpoint == "http://127.0.0.1:4318/v1/traces"


def test_a_logged_path_is_one_printable_line_and_bounded() -> None:
    assert logged_path({"path": "/graphql"}) == "/graphql"
    forged = logged_path({"path": "/x\n2026-01-01 [error] forged"})
    assert "\n" not in forged
    assert forged.startswith("/x\\n")
    assert len(logged_path({"path": "/" + "a" * 5_000})) == PATH_MAX + 3
