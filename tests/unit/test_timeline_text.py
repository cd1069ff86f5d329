"""Every kind of event the domain records reads as a line of the timeline."""

from partnership.domain import RecordedEvent
from projections.creation import facts_of
from projections.timeline_text import AGGREGATES, LINES, event_kind


def recorded_event_classes() -> set[type]:
    found = set()
    for aggregate in AGGREGATES:
        for name, value in vars(aggregate).items():
            if (
                isinstance(value, type)
                and issubclass(value, RecordedEvent)
                # eventsourcing derives an unused Created class from each aggregate's Event.
                and name not in ("Event", "Created")
                and value.__qualname__.startswith(f"{aggregate.__name__}.")
            ):
                found.add(value)
    return found


def test_every_event_class_has_a_timeline_line() -> None:
    missing = sorted(cls.__qualname__ for cls in recorded_event_classes() - set(LINES))
    assert missing == [], f"add timeline lines for: {missing}"


def test_every_aggregate_has_a_subject_from_its_creation_event() -> None:
    created_by = {cls.__qualname__.split(".")[0] for cls in facts_of.registry if cls is not object}
    assert created_by == {aggregate.__name__ for aggregate in AGGREGATES}


def test_kinds_name_the_record_and_what_happened() -> None:
    from partnership.contracts import Contract
    from partnership.governance import GoverningBody
    from partnership.supplier_meetings import SupplierMeeting

    assert event_kind(Contract.Awarded) == "CONTRACT_AWARDED"
    assert event_kind(GoverningBody.ChairAppointed) == "GOVERNING_BODY_CHAIR_APPOINTED"
    assert event_kind(SupplierMeeting.ActionRaised) == "SUPPLIER_MEETING_ACTION_RAISED"
