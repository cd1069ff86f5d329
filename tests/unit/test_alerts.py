"""Alert rules (levels by day) and acknowledgements, without I/O."""

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from partnership.alerts import (
    ACKNOWLEDGED_HERE,
    MILESTONE_OVERDUE,
    OVERDUE,
    RECOMMENDATION_STALE,
    RENEWAL,
    STALE,
    SUPPLIER_ACTION_OVERDUE,
    Alert,
    AlertAlreadyAcknowledged,
    AlertLevelNotCurrent,
    AlertNotFound,
    alert_id,
    check_level,
    level_as_of,
    level_words,
    renewal_alert_key,
    renewal_level,
    threshold_of,
    urgency,
)
from partnership.application import CommandResult, PartnershipApplication
from partnership.commands.alerts import AlertStanding
from partnership.commands.envelope import Envelope
from partnership.domain import Actor, InvalidInput, Provenance

OFFICER = Actor("Ruth Hawes", "Chorley Borough Council", "ruth-hawes")
NOW = datetime(2011, 9, 2, 9, 0, tzinfo=UTC)
THRESHOLDS = (180, 90, 30, 7)
KEY = renewal_alert_key("CRM-2007", date(2011, 12, 1))


@pytest.fixture
def app() -> Iterator[PartnershipApplication]:
    found = PartnershipApplication(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    try:
        yield found
    finally:
        found.close()


@pytest.mark.parametrize(
    ("days_left", "level"),
    [
        (365, None),
        (181, None),
        (180, "180_days"),
        (91, "180_days"),
        (90, "90_days"),
        (31, "90_days"),
        (30, "30_days"),
        (8, "30_days"),
        (7, "7_days"),
        (0, "7_days"),  # the deadline is today: notice can still be given
        (-1, OVERDUE),
        (-400, OVERDUE),
    ],
)
def test_a_renewal_takes_the_smallest_threshold_its_days_left_fall_within(
    days_left: int, level: str | None
) -> None:
    assert renewal_level(days_left, THRESHOLDS) == level


def rank(level: str | None) -> int:
    return -(10**9) if level is None else urgency(level)


@settings(max_examples=300, deadline=None)
@given(
    thresholds=st.sets(st.integers(min_value=1, max_value=800), min_size=1, max_size=6),
    later=st.integers(min_value=-1000, max_value=1000),
    step=st.integers(min_value=0, max_value=1000),
)
def test_a_renewal_never_grows_less_pressing_as_its_deadline_approaches(
    thresholds: set[int], later: int, step: int
) -> None:
    earlier_days_left = later + step  # asked earlier, so more days left
    assert rank(renewal_level(later, sorted(thresholds))) >= rank(
        renewal_level(earlier_days_left, sorted(thresholds))
    )


def test_milestones_and_actions_are_overdue_the_day_after_they_fall_due() -> None:
    due = date(2008, 7, 7)
    for category in (MILESTONE_OVERDUE, SUPPLIER_ACTION_OVERDUE):
        assert level_as_of(category, due, due, THRESHOLDS, 90) is None
        assert level_as_of(category, due, due + timedelta(days=1), THRESHOLDS, 90) == OVERDUE
        # An action with no due date is never overdue.
        assert level_as_of(category, None, date(2030, 1, 1), THRESHOLDS, 90) is None


def test_a_recommendation_is_stale_once_its_last_update_is_old_enough() -> None:
    last = date(2007, 11, 20)
    assert level_as_of(RECOMMENDATION_STALE, last, last + timedelta(days=89), THRESHOLDS, 90) is (
        None
    )
    assert level_as_of(RECOMMENDATION_STALE, last, last + timedelta(days=90), THRESHOLDS, 90) == (
        STALE
    )


def test_a_renewal_alerts_only_while_the_contract_runs() -> None:
    deadline, end = date(2011, 6, 3), date(2011, 11, 30)
    assert level_as_of(RENEWAL, deadline, date(2011, 9, 2), THRESHOLDS, 90, end) == OVERDUE
    assert level_as_of(RENEWAL, deadline, end, THRESHOLDS, 90, end) == OVERDUE
    assert level_as_of(RENEWAL, deadline, date(2011, 12, 1), THRESHOLDS, 90, end) is None
    assert level_as_of(RENEWAL, deadline, date(2011, 3, 5), THRESHOLDS, 90, end) == "90_days"


def test_levels_read_as_words_and_are_checked() -> None:
    assert threshold_of("90_days") == 90
    assert threshold_of(OVERDUE) is None
    assert level_words("90_days") == "90 days"
    assert level_words(STALE) == "stale"
    assert check_level(" 30_DAYS ") == "30_days"
    for bad in ("soon", "0_days", "-5_days", "days", ""):
        with pytest.raises(InvalidInput) as refused:
            check_level(bad)
        assert refused.value.field == "level"


def test_an_alert_key_names_the_thing_and_its_key_date() -> None:
    assert KEY == "renewal:CRM-2007:2011-12-01"
    assert renewal_alert_key("CRM-2007", date(2012, 12, 1)) != KEY
    assert alert_id(KEY, "90_days") != alert_id(KEY, "30_days")


def test_an_acknowledgement_records_who_when_and_why() -> None:
    alert = Alert.acknowledge(
        KEY,
        "90_days",
        "Renewal of contract CRM-2007",
        "Burnley Borough Council",
        "  Going to the   Executive in October ",
        Provenance(NOW.date(), "alerts list"),
        OFFICER,
    )
    assert alert.id == alert_id(KEY, "90_days")
    assert (alert.alert_key, alert.level) == (KEY, "90_days")
    assert alert.note == "Going to the Executive in October"
    assert (alert.acknowledged_by, alert.acknowledged_by_authority) == (
        "Ruth Hawes",
        "Chorley Borough Council",
    )
    assert alert.acknowledged_on == NOW.date()
    event = alert.collect_events()[0]
    assert isinstance(event, Alert.Acknowledged)
    assert event.source == "alerts list"


@pytest.mark.parametrize(("key", "level", "field"), [(" ", "90_days", "key"), (KEY, "x", "level")])
def test_an_acknowledgement_needs_a_key_and_a_level(key: str, level: str, field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        Alert.acknowledge(key, level, "Renewal", None, None, Provenance(NOW.date(), "s"), OFFICER)
    assert refused.value.field == field


def acknowledge(
    app: PartnershipApplication,
    key: str,
    level: str,
    note: str | None = None,
    now: datetime = NOW,
    standing: str | None = "as asked",
) -> CommandResult:
    """Acknowledge `key` at `level`, the alerts list showing it at `standing` that day (by
    default the level asked; None: not listed)."""
    shown = level if standing == "as asked" else standing
    return app.acknowledge_alert(
        key=key,
        level=level,
        note=note,
        standing=None if shown is None else AlertStanding(key, shown, "Renewal of CRM-2007"),
        envelope=Envelope(Provenance(now.date(), ACKNOWLEDGED_HERE), OFFICER, now),
    )


def test_a_level_is_acknowledged_once_and_the_next_level_again(
    app: PartnershipApplication,
) -> None:
    first = acknowledge(app, KEY, "90_days")
    with pytest.raises(AlertAlreadyAcknowledged) as refused:
        acknowledge(app, KEY, "90_days", "again")
    assert refused.value.code == "alert_already_acknowledged"
    later = NOW + timedelta(days=61)
    second = acknowledge(app, KEY, "30_days", now=later)
    assert first.aggregate_id != second.aggregate_id
    stored = app.get_alert_acknowledgement(KEY, "30_days")
    assert stored.acknowledged_on == later.date()


def test_an_alert_is_acknowledged_only_at_the_level_the_list_shows_it_at(
    app: PartnershipApplication,
) -> None:
    with pytest.raises(AlertNotFound):
        acknowledge(app, KEY, "90_days", standing=None)
    with pytest.raises(AlertLevelNotCurrent) as refused:
        acknowledge(app, KEY, "90_days", standing="30_days")
    assert refused.value.code == "alert_level_not_current"
    with pytest.raises(InvalidInput) as malformed:
        acknowledge(app, KEY, "ninety days")
    assert malformed.value.field == "level"
    assert app.head_position() == 0


acknowledgement = st.tuples(
    st.sampled_from([KEY, renewal_alert_key("CRM-2007", date(2012, 12, 1)), "milestone:x:y"]),
    st.sampled_from(["180_days", "90_days", "30_days", "7_days", OVERDUE, STALE]),
)


@settings(max_examples=60, deadline=None)
@given(steps=st.lists(acknowledgement, max_size=12))
def test_each_level_of_an_alert_is_acknowledged_at_most_once(
    steps: list[tuple[str, str]],
) -> None:
    app = PartnershipApplication(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    try:
        accepted = []
        for key, level in steps:
            try:
                acknowledge(app, key, level)
            except AlertAlreadyAcknowledged:
                continue
            accepted.append((key, level))
        assert accepted == list(dict.fromkeys(steps))
        assert app.head_position() == len(accepted)
    finally:
        app.close()
