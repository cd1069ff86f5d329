"""The election's lock keys are the ones the README documents; its settings are checked."""

from pathlib import Path

import pytest

from projections.election import NAMESPACE, PROJECTOR, SCHEDULER, role_key
from service.settings import Settings, SettingsError

README = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")


def test_the_documented_lock_keys_are_the_ones_taken() -> None:
    assert (NAMESPACE, role_key(PROJECTOR), role_key(SCHEDULER)) == (
        1542817951,
        1536775810,
        1178397720,
    )
    for key in (NAMESPACE, role_key(PROJECTOR), role_key(SCHEDULER)):
        assert str(key) in README
    with pytest.raises(ValueError, match="no such role"):
        role_key("janitor")


def test_election_and_readiness_settings_are_bounded() -> None:
    settings = Settings.from_env({})
    assert (settings.election_retry_seconds, settings.ready_max_lag_events) == (5.0, 1_000)
    chosen = Settings.from_env(
        {"PARTNERSHIP_ELECTION_RETRY_SECONDS": "0.5", "PARTNERSHIP_READY_MAX_LAG_EVENTS": "20"}
    )
    assert (chosen.election_retry_seconds, chosen.ready_max_lag_events) == (0.5, 20)
    for name, value in [
        ("PARTNERSHIP_ELECTION_RETRY_SECONDS", "0"),
        ("PARTNERSHIP_ELECTION_RETRY_SECONDS", "21"),
        ("PARTNERSHIP_ELECTION_RETRY_SECONDS", "nan"),
        ("PARTNERSHIP_READY_MAX_LAG_EVENTS", "0"),
        ("PARTNERSHIP_READY_MAX_LAG_EVENTS", "1000001"),
        ("PARTNERSHIP_READY_MAX_LAG_EVENTS", "ten"),
    ]:
        with pytest.raises(SettingsError, match=name):
            Settings.from_env({name: value})
