"""Settings read from the environment, with clear errors."""

from pathlib import Path

import pytest

from service.access_wiring import command_line_actor, secret_key_of
from service.settings import Settings, SettingsError


def test_nothing_set_means_embedded_sqlite_in_two_files() -> None:
    settings = Settings.from_env({})
    env = settings.event_store_env()
    assert settings.embedded
    assert env["PERSISTENCE_MODULE"] == "eventsourcing.sqlite"
    assert env["SQLITE_DBNAME"] == str(Path("var") / "events.sqlite")
    assert settings.read_model_url().database == str(Path("var") / "read_models.sqlite")


def test_a_postgres_url_puts_both_stores_in_postgres() -> None:
    settings = Settings.from_env(
        {"PARTNERSHIP_DATABASE_URL": "postgresql://alice:pw@db.example:6543/partners"}
    )
    env = settings.event_store_env()
    assert not settings.embedded
    assert env["PERSISTENCE_MODULE"] == "eventsourcing.postgres"
    assert (env["POSTGRES_HOST"], env["POSTGRES_PORT"], env["POSTGRES_DBNAME"]) == (
        "db.example",
        "6543",
        "partners",
    )
    assert (env["POSTGRES_USER"], env["POSTGRES_PASSWORD"]) == ("alice", "pw")
    assert settings.read_model_url().drivername == "postgresql+psycopg"


@pytest.mark.parametrize(
    ("env", "names"),
    [
        ({"PARTNERSHIP_DATABASE_URL": "mysql://x@y/z"}, "PARTNERSHIP_DATABASE_URL"),
        ({"PARTNERSHIP_DATABASE_URL": "postgresql://x@y"}, "PARTNERSHIP_DATABASE_URL"),
        ({"PARTNERSHIP_PORT": "eighty"}, "PARTNERSHIP_PORT"),
        ({"PARTNERSHIP_RENEWAL_HORIZON_DAYS": "0"}, "PARTNERSHIP_RENEWAL_HORIZON_DAYS"),
        ({"PARTNERSHIP_POLL_INTERVAL_SECONDS": "-1"}, "PARTNERSHIP_POLL_INTERVAL_SECONDS"),
    ],
)
def test_malformed_settings_name_the_variable(env: dict[str, str], names: str) -> None:
    with pytest.raises(SettingsError, match=names):
        Settings.from_env(env)


def test_no_setting_names_who_records_a_change_only_the_system_authority() -> None:
    settings = Settings.from_env(
        {
            "PARTNERSHIP_RECORDED_BY": "Sharon Hargraves",
            "PARTNERSHIP_SYSTEM_AUTHORITY": "Burnley Borough Council",
        }
    )
    assert not hasattr(settings, "default_actor")
    actor = command_line_actor(settings)
    assert (actor.person, actor.authority) == ("System (command-line)", "Burnley Borough Council")
    assert actor.person_id == "system:command-line"


def test_developer_tools_are_off_and_the_host_is_loopback_unless_enabled() -> None:
    defaults = Settings.from_env({})
    assert (defaults.graphiql, defaults.introspection, defaults.host) == (False, False, "127.0.0.1")
    assert defaults.requests_per_minute == 600
    enabled = Settings.from_env(
        {
            "PARTNERSHIP_GRAPHIQL": "true",
            "PARTNERSHIP_INTROSPECTION": "yes",
            "PARTNERSHIP_REQUESTS_PER_MINUTE": "0",
        }
    )
    assert (enabled.graphiql, enabled.introspection, enabled.requests_per_minute) == (
        True,
        True,
        None,
    )
    with pytest.raises(SettingsError, match="PARTNERSHIP_GRAPHIQL"):
        Settings.from_env({"PARTNERSHIP_GRAPHIQL": "maybe"})


def test_production_refuses_a_missing_or_short_secret_key(tmp_path: Path) -> None:
    production = Settings.from_env(
        {"PARTNERSHIP_MODE": "production", "PARTNERSHIP_DATA_DIR": str(tmp_path)}
    )
    assert production.secure_cookies
    with pytest.raises(SettingsError, match="PARTNERSHIP_SECRET_KEY"):
        secret_key_of(production)
    with pytest.raises(SettingsError, match="32"):
        Settings.from_env({"PARTNERSHIP_MODE": "production", "PARTNERSHIP_SECRET_KEY": "short"})
    with pytest.raises(SettingsError, match="PARTNERSHIP_MODE"):
        Settings.from_env({"PARTNERSHIP_MODE": "prod"})
    key = "k" * 40
    given = Settings.from_env({"PARTNERSHIP_MODE": "production", "PARTNERSHIP_SECRET_KEY": key})
    assert secret_key_of(given) == key.encode()


def test_development_makes_its_own_secret_key_once_readable_by_its_owner_alone(
    tmp_path: Path,
) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    first = secret_key_of(settings)
    assert len(first) >= 32
    assert secret_key_of(settings) == first
    assert (tmp_path / "data" / "secret_key").stat().st_mode & 0o777 == 0o600


def test_alert_thresholds_default_and_are_configurable() -> None:
    defaults = Settings.from_env({})
    assert defaults.renewal_alert_days == (180, 90, 30, 7)
    assert defaults.stale_recommendation_days == 90
    settings = Settings.from_env(
        {
            "PARTNERSHIP_RENEWAL_ALERT_DAYS": " 14, 60 ,120",
            "PARTNERSHIP_STALE_RECOMMENDATION_DAYS": "30",
        }
    )
    assert settings.renewal_alert_days == (120, 60, 14)
    assert settings.stale_recommendation_days == 30


@pytest.mark.parametrize(
    ("raw", "says"),
    [
        ("180,ninety", "whole numbers of days above zero"),
        ("180,0", "whole numbers of days above zero"),
        ("180,-7", "whole numbers of days above zero"),
        ("180,,7", "whole numbers of days above zero"),
        ("7.5", "whole numbers of days above zero"),
        ("90,90", "twice"),
    ],
)
def test_malformed_alert_thresholds_are_refused_clearly(raw: str, says: str) -> None:
    with pytest.raises(SettingsError, match="PARTNERSHIP_RENEWAL_ALERT_DAYS") as refused:
        Settings.from_env({"PARTNERSHIP_RENEWAL_ALERT_DAYS": raw})
    assert says in str(refused.value)


def test_the_stale_recommendation_period_must_be_a_positive_whole_number() -> None:
    for raw in ("0", "three months"):
        with pytest.raises(SettingsError, match="PARTNERSHIP_STALE_RECOMMENDATION_DAYS"):
            Settings.from_env({"PARTNERSHIP_STALE_RECOMMENDATION_DAYS": raw})


@pytest.mark.parametrize(
    ("name", "raw"),
    [
        ("PARTNERSHIP_RENEWAL_ALERT_DAYS", "180,36601"),
        ("PARTNERSHIP_RENEWAL_ALERT_DAYS", "9" * 40),
        ("PARTNERSHIP_STALE_RECOMMENDATION_DAYS", "2147483647"),
        ("PARTNERSHIP_RENEWAL_HORIZON_DAYS", "36601"),
        ("PARTNERSHIP_RENEWAL_SCAN_HOUR", "24"),
        ("PARTNERSHIP_PORT", "65536"),
        ("PARTNERSHIP_PORT", "٨٠٠٠"),
        ("PARTNERSHIP_POLL_INTERVAL_SECONDS", "nan"),
        ("PARTNERSHIP_POLL_INTERVAL_SECONDS", "inf"),
        ("PARTNERSHIP_SYSTEM_AUTHORITY", "Council\x00"),
        ("PARTNERSHIP_SYSTEM_AUTHORITY", "A" * 201),
    ],
)
def test_settings_beyond_the_limits_are_refused_at_start_up(name: str, raw: str) -> None:
    """Alert and renewal sums add these days to dates: too many would leave the calendar."""
    with pytest.raises(SettingsError, match=name):
        Settings.from_env({name: raw})


def test_settings_at_the_limits_are_accepted() -> None:
    settings = Settings.from_env(
        {
            "PARTNERSHIP_RENEWAL_ALERT_DAYS": "36600,1",
            "PARTNERSHIP_STALE_RECOMMENDATION_DAYS": "36600",
            "PARTNERSHIP_RENEWAL_HORIZON_DAYS": "36600",
        }
    )
    assert settings.renewal_alert_days == (36_600, 1)
    assert settings.stale_recommendation_days == 36_600
