"""Settings read from the environment, with clear errors."""

from pathlib import Path

import pytest

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


def test_the_default_identity_is_configurable() -> None:
    settings = Settings.from_env(
        {
            "PARTNERSHIP_RECORDED_BY": "Sharon Hargraves",
            "PARTNERSHIP_RECORDED_BY_AUTHORITY": "Burnley Borough Council",
        }
    )
    assert settings.default_actor.person == "Sharon Hargraves"
    assert settings.default_actor.authority == "Burnley Borough Council"


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
        ("PARTNERSHIP_RECORDED_BY", "Officer\x00"),
        ("PARTNERSHIP_RECORDED_BY_AUTHORITY", "A" * 201),
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
