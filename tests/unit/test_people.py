"""People and their grants: the rules, without I/O, and invariants over any sequence of grants."""

import dataclasses
import json
from collections.abc import Sequence
from contextlib import suppress
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from eventsourcing.persistence import StoredEvent
from hypothesis import given, settings
from hypothesis import strategies as st

from partnership.access import ROLE_SCOPES, Role, ScopeKind, system_actor
from partnership.alerts import Alert
from partnership.application import PartnershipApplication
from partnership.commands.envelope import Envelope
from partnership.contracts import Contract
from partnership.domain import Actor, DomainError, InvalidInput, Provenance, RecordedEvent
from partnership.governance import GoverningBodyNotFound
from partnership.limits import EMAIL_MAX, PERSON_ID_MAX
from partnership.partnerships import AuthorityNotFound, OutOfDateOrder, PartnershipNotFound
from partnership.people import (
    ChangeBeforeRegistration,
    GrantAlreadyHeld,
    GrantAlreadyRevoked,
    GrantNotFound,
    Person,
    PersonAlreadyRegistered,
    PersonNotFound,
    ScopeNotAllowed,
    person_id,
)
from tests.unit.test_timeline_text import recorded_event_classes

ADMIN = Actor("Ruth Hawes", "Chorley Borough Council", "ruth-hawes")
CHORLEY = "Chorley Borough Council"
LCC = "Lancashire County Council"
CONTACT_CENTRE = "Lancashire Shared Services Contact Centre"
REGISTERED = date(2010, 4, 1)
EMAIL = "Rob.Dobson@burnley.gov.uk"


def on(day: date, source: str = "Access request form") -> Provenance:
    return Provenance(day, source)


def registered() -> Person:
    return Person.register("Rob Dobson", EMAIL, CHORLEY, on(REGISTERED), ADMIN)


def grant(person: Person, role: str, kind: str, scope: str | None = None, **more: object) -> str:
    day = more.pop("day", REGISTERED)
    assert isinstance(day, date)
    partnership = more.pop("partnership", None)
    assert partnership is None or isinstance(partnership, str)
    return person.grant_role(role, kind, scope, partnership, on(day), ADMIN)


# Registering


def test_registering_records_the_person_and_who_recorded_them_by_id() -> None:
    person = registered()
    (event,) = person.collect_events()
    assert isinstance(event, Person.Registered)
    assert (event.name, event.email, event.authority) == ("Rob Dobson", EMAIL, CHORLEY)
    assert (event.recorded_by, event.recorded_by_id) == ("Ruth Hawes", "ruth-hawes")
    assert event.effective_date == REGISTERED


def test_an_address_names_one_person_whatever_its_letter_case() -> None:
    assert registered().id == person_id("rob.dobson@BURNLEY.gov.uk") == person_id(EMAIL)
    assert person_id("rob.dobson@burnley.gov.uk") != person_id("rob.dobson2@burnley.gov.uk")


@pytest.mark.parametrize(
    "email",
    [
        "rob.dobson",
        "@burnley.gov.uk",
        "rob@",
        "rob@burnley",
        "rob@burnley..gov.uk",
        "rob dobson@burnley.gov.uk",
        "rob@dobson@burnley.gov.uk",
        "r" * 65 + "@burnley.gov.uk",
        "rob@" + "b" * (EMAIL_MAX - len("rob@.uk") + 1) + ".uk",
        "rob\x00@burnley.gov.uk",
        "",
    ],
)
def test_an_address_must_have_the_shape_of_one(email: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        Person.register("Rob Dobson", email, CHORLEY, on(REGISTERED), ADMIN)
    assert refused.value.field == "email"


def test_the_longest_address_mail_allows_is_kept() -> None:
    local = "r" * 64
    domain = "b" * (EMAIL_MAX - len(local) - len("@.uk")) + ".uk"
    person = Person.register("Rob", f"{local}@{domain}", CHORLEY, on(REGISTERED), ADMIN)
    assert len(person.email) == EMAIL_MAX


@pytest.mark.parametrize(("name", "field"), [(" ", "name"), ("R" * 201, "name")])
def test_a_person_needs_a_name_within_its_limit(name: str, field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        Person.register(name, EMAIL, CHORLEY, on(REGISTERED), ADMIN)
    assert refused.value.field == field


# Granting


def test_grants_are_numbered_in_order_and_in_force_from_their_date() -> None:
    person = registered()
    assert grant(person, "admin", "everything") == "1"
    assert grant(person, "board_member", "partnership", CONTACT_CENTRE, day=date(2011, 1, 1)) == "2"
    assert [g.grant_id for g in person.current_grants()] == ["1", "2"]
    assert [g.grant_id for g in person.grants_on(date(2010, 12, 31))] == ["1"]
    (_, board) = person.current_grants()
    assert (board.role, board.scope_kind, board.scope) == (
        Role.BOARD_MEMBER,
        ScopeKind.PARTNERSHIP,
        CONTACT_CENTRE,
    )
    assert board.granted_on == date(2011, 1, 1)


@pytest.mark.parametrize(
    ("role", "kind"),
    [
        ("auditor", "partnership"),
        ("admin", "authority"),
        ("board_member", "body"),
        ("procurement_officer", "partnership"),
        ("procurement_officer", "body"),
    ],
)
def test_a_role_is_granted_only_on_the_kinds_of_scope_it_can_have(role: str, kind: str) -> None:
    with pytest.raises(ScopeNotAllowed) as refused:
        grant(registered(), role, kind, "Somewhere")
    assert (refused.value.code, refused.value.field) == ("scope_not_allowed", "scopeKind")


@pytest.mark.parametrize(
    ("role", "kind", "scope", "partnership", "field"),
    [
        ("caretaker", "everything", None, None, "role"),
        ("admin", "universe", None, None, "scopeKind"),
        ("admin", "everything", "Chorley", None, "scope"),
        ("board_member", "partnership", None, None, "scope"),
        ("board_member", "partnership", "  ", None, "scope"),
        ("board_member", "partnership", CONTACT_CENTRE, CONTACT_CENTRE, "partnership"),
        ("procurement_officer", "authority", "L" * 201, None, "scope"),
    ],
)
def test_a_scope_is_named_unless_it_is_everything(
    role: str, kind: str, scope: str | None, partnership: str | None, field: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        grant(registered(), role, kind, scope, partnership=partnership)
    assert refused.value.field == field


def test_a_body_is_named_with_its_partnership_or_alone_for_a_scrutiny_body() -> None:
    person = registered()
    grant(person, "secretary", "body", "Joint Committee", partnership=CONTACT_CENTRE)
    grant(person, "secretary", "body", "Scrutiny Panel", partnership=" ")
    first, second = person.current_grants()
    assert (first.scope, first.partnership) == ("Joint Committee", CONTACT_CENTRE)
    assert (second.scope, second.partnership) == ("Scrutiny Panel", None)


def test_the_same_role_on_the_same_scope_is_held_once_at_a_time() -> None:
    person = registered()
    grant(person, "secretary", "body", "Joint Committee", partnership=CONTACT_CENTRE)
    with pytest.raises(GrantAlreadyHeld) as refused:
        grant(person, "secretary", "body", " joint  COMMITTEE", partnership=CONTACT_CENTRE.upper())
    assert refused.value.code == "grant_already_held"
    # Another partnership's body of the same name is another scope.
    grant(person, "secretary", "body", "Joint Committee", partnership="Pennine IT")
    assert len(person.current_grants()) == 2


def test_a_role_revoked_may_be_granted_again_but_not_over_the_time_it_was_held() -> None:
    person = registered()
    grant(person, "auditor", "everything")
    person.revoke_grant("1", "Audit finished", on(date(2011, 3, 31)), ADMIN)
    with pytest.raises(OutOfDateOrder):
        grant(person, "auditor", "everything", day=date(2011, 3, 30))
    assert grant(person, "auditor", "everything", day=date(2011, 3, 31)) == "2"
    assert [g.grant_id for g in person.grants_on(date(2011, 3, 31))] == ["2"]
    assert [g.grant_id for g in person.grants_on(date(2011, 3, 30))] == ["1"]


def test_nothing_is_granted_before_the_person_was_registered() -> None:
    with pytest.raises(ChangeBeforeRegistration) as refused:
        grant(registered(), "admin", "everything", day=REGISTERED - timedelta(days=1))
    assert refused.value.field == "effectiveDate"


# Revoking


def test_revoking_ends_a_grant_from_its_date_and_keeps_its_number() -> None:
    person = registered()
    grant(person, "admin", "everything")
    grant(person, "procurement_officer", "authority", LCC)
    person.revoke_grant(" 1 ", "Left the post", on(date(2012, 1, 1)), ADMIN)
    assert [g.grant_id for g in person.current_grants()] == ["2"]
    assert [g.grant_id for g in person.grants_on(date(2011, 12, 31))] == ["1", "2"]
    assert grant(person, "auditor", "everything") == "3"
    revoked = person.collect_events()[-2]
    assert isinstance(revoked, Person.GrantRevoked)
    assert (revoked.grant_id, revoked.reason) == ("1", "Left the post")


def test_an_unknown_or_revoked_grant_cannot_be_revoked() -> None:
    person = registered()
    grant(person, "admin", "everything")
    with pytest.raises(GrantNotFound) as unknown:
        person.revoke_grant("2", "Mistake", on(REGISTERED), ADMIN)
    assert (unknown.value.code, unknown.value.field) == ("grant_not_found", "grantId")
    person.revoke_grant("1", "Left", on(REGISTERED), ADMIN)
    with pytest.raises(GrantAlreadyRevoked) as again:
        person.revoke_grant("1", "Left", on(REGISTERED), ADMIN)
    assert again.value.code == "grant_already_revoked"


def test_a_grant_is_not_revoked_before_it_was_granted() -> None:
    person = registered()
    grant(person, "admin", "everything", day=date(2011, 1, 1))
    with pytest.raises(OutOfDateOrder):
        person.revoke_grant("1", "Left", on(date(2010, 12, 31)), ADMIN)


def test_a_revocation_needs_a_reason() -> None:
    person = registered()
    grant(person, "admin", "everything")
    with pytest.raises(InvalidInput) as refused:
        person.revoke_grant("1", "  ", on(REGISTERED), ADMIN)
    assert refused.value.field == "reason"


def test_a_name_is_corrected_by_a_later_fact() -> None:
    person = registered()
    person.correct(1, "name", "Robert Dobson", "Misspelled", on(REGISTERED), ADMIN)
    assert person.name == "Robert Dobson"
    with pytest.raises(InvalidInput):
        person.correct(1, "email", "x@y.uk", "Moved", on(REGISTERED), ADMIN)


# Who recorded it, by id


def test_every_event_records_the_id_of_who_recorded_it_within_its_limit() -> None:
    person = registered()
    grant(person, "admin", "everything")
    person.revoke_grant("1", "Left", on(REGISTERED), ADMIN)
    recorded: Sequence[Any] = person.collect_events()
    assert {event.recorded_by_id for event in recorded} == {"ruth-hawes"}
    too_long = Actor("Ruth Hawes", CHORLEY, "r" * (PERSON_ID_MAX + 1))
    with pytest.raises(InvalidInput) as refused:
        Person.register("Rob Dobson", EMAIL, CHORLEY, on(REGISTERED), too_long)
    assert refused.value.field == "recordedById"
    with pytest.raises(InvalidInput) as blank:
        Person.register("Rob Dobson", EMAIL, CHORLEY, on(REGISTERED), Actor("R", CHORLEY, " "))
    assert blank.value.field == "recordedById"


def test_every_kind_of_event_carries_the_id_and_upcasts_old_ones() -> None:
    classes = recorded_event_classes()
    assert Person.RoleGranted in classes
    assert Alert.Acknowledged in classes
    assert Contract.Corrected in classes
    for cls in classes:
        assert "recorded_by_id" in {f.name for f in dataclasses.fields(cls)}, cls
        assert cls.class_version == 2, cls
        assert cls.upcast_v1_v2 is RecordedEvent.upcast_v1_v2, cls


def test_a_system_actor_says_it_is_one() -> None:
    actor = system_actor("command line", LCC)
    assert actor == Actor("System (command line)", LCC, "system:command line")
    with pytest.raises(InvalidInput):
        system_actor("x" * PERSON_ID_MAX, LCC)


def test_an_event_stored_before_ids_were_kept_loads_with_an_empty_id() -> None:
    app = memory_app()
    person = registered()
    stored = app.mapper.to_stored_event(person.collect_events()[0])
    state = json.loads(stored.state)
    assert (state.pop("recorded_by_id"), state.pop("class_version")) == ("ruth-hawes", 2)
    old = StoredEvent(stored.originator_id, 1, stored.topic, json.dumps(state).encode())
    app.recorder.insert_events([old])
    loaded: Any = app.repository.get(person.id)
    assert (loaded.name, loaded.registered_on) == ("Rob Dobson", REGISTERED)
    event: Any
    (event,) = app.events.get(person.id)
    assert (event.recorded_by, event.recorded_by_id) == ("Ruth Hawes", "")


# Commands


def memory_app() -> PartnershipApplication:
    return PartnershipApplication(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})


NOW = datetime(2012, 6, 1, 9, tzinfo=UTC)


def envelope(day: date = REGISTERED, expected_version: int | None = None) -> Envelope:
    return Envelope(on(day), ADMIN, NOW, expected_version)


def with_scopes() -> PartnershipApplication:
    app = memory_app()
    for name, kind in ((CHORLEY, "district"), (LCC, "county")):
        app.register_authority(name=name, kind=kind, envelope=envelope(date(2005, 1, 1)))
    app.form_partnership(
        name=CONTACT_CENTRE, purpose="Contact", envelope=envelope(date(2005, 1, 1))
    )
    app.establish_body(
        partnership=CONTACT_CENTRE,
        name="Joint Committee",
        kind="joint_committee",
        envelope=envelope(date(2005, 1, 1)),
    )
    return app


def test_a_person_acts_for_a_registered_authority_under_its_registered_name() -> None:
    app = with_scopes()
    app.register_person(
        name="Rob Dobson", email=EMAIL, authority="  chorley borough COUNCIL", envelope=envelope()
    )
    assert app.get_person(EMAIL.upper()).authority == CHORLEY
    with pytest.raises(PersonAlreadyRegistered) as twice:
        app.register_person(
            name="Robert", email=EMAIL.lower(), authority=CHORLEY, envelope=envelope()
        )
    assert (twice.value.code, twice.value.field) == ("person_already_registered", "email")
    with pytest.raises(AuthorityNotFound):
        app.register_person(
            name="Ann", email="ann@x.gov.uk", authority="Nowhere", envelope=envelope()
        )


def test_a_grant_names_a_scope_the_record_holds_as_registered() -> None:
    app = with_scopes()
    app.register_person(name="Rob Dobson", email=EMAIL, authority=CHORLEY, envelope=envelope())
    for kind, scope, partnership in (
        ("partnership", CONTACT_CENTRE.lower(), None),
        ("body", "joint committee", CONTACT_CENTRE.upper()),
    ):
        app.grant_role(
            email=EMAIL,
            role="secretary",
            scope_kind=kind,
            scope=scope,
            partnership=partnership,
            envelope=envelope(),
        )
    app.grant_role(
        email=EMAIL,
        role="procurement_officer",
        scope_kind="authority",
        scope=LCC.upper(),
        envelope=envelope(),
    )
    held = [(g.scope, g.partnership) for g in app.get_person(EMAIL).current_grants()]
    assert held == [(CONTACT_CENTRE, None), ("Joint Committee", CONTACT_CENTRE), (LCC, None)]


@pytest.mark.parametrize(
    ("kind", "scope", "partnership", "error", "field"),
    [
        ("partnership", "Pennine IT", None, PartnershipNotFound, "scope"),
        ("authority", "Nowhere Council", None, AuthorityNotFound, "scope"),
        ("body", "Programme Board", CONTACT_CENTRE, GoverningBodyNotFound, "scope"),
        ("body", "Joint Committee", "Pennine IT", PartnershipNotFound, "partnership"),
    ],
)
def test_a_grant_on_a_scope_the_record_does_not_hold_is_refused(
    kind: str, scope: str, partnership: str | None, error: type[DomainError], field: str
) -> None:
    app = with_scopes()
    app.register_person(name="Rob Dobson", email=EMAIL, authority=CHORLEY, envelope=envelope())
    role = "procurement_officer" if kind == "authority" else "secretary"
    with pytest.raises(error) as refused:
        app.grant_role(
            email=EMAIL,
            role=role,
            scope_kind=kind,
            scope=scope,
            partnership=partnership,
            envelope=envelope(),
        )
    assert refused.value.field == field


def test_commands_on_someone_not_registered_are_refused() -> None:
    app = with_scopes()
    with pytest.raises(PersonNotFound) as refused:
        app.revoke_grant(email=EMAIL, grant_id="1", reason="Left", envelope=envelope())
    assert refused.value.field == "email"
    with pytest.raises(InvalidInput):
        app.grant_role(
            email="x" * (EMAIL_MAX + 1),
            role="admin",
            scope_kind="everything",
            envelope=envelope(),
        )


def test_a_grant_made_from_a_stale_view_is_refused() -> None:
    app = with_scopes()
    app.register_person(name="Rob Dobson", email=EMAIL, authority=CHORLEY, envelope=envelope())
    app.grant_role(email=EMAIL, role="admin", scope_kind="everything", envelope=envelope())
    with pytest.raises(DomainError) as refused:
        app.grant_role(
            email=EMAIL,
            role="auditor",
            scope_kind="everything",
            envelope=envelope(expected_version=1),
        )
    assert refused.value.code == "concurrent_change"
    result = app.revoke_grant(
        email=EMAIL, grant_id="1", reason="Left", envelope=envelope(expected_version=2)
    )
    assert result.version == 3


# Invariants over any sequence

scopes = st.sampled_from(["Joint Committee", "joint committee", LCC, CONTACT_CENTRE])
partnerships = st.sampled_from([None, CONTACT_CENTRE, "Pennine IT"])
grant_ids = st.sampled_from(["1", "2", "3", "4", "5", "9"])


@st.composite
def grant_steps(draw: st.DrawFn) -> tuple[object, ...]:
    """Mostly a kind of scope the role can have; now and then any kind, which may be refused."""
    role = draw(st.sampled_from(list(Role)))
    allowed = sorted(ROLE_SCOPES[role])
    kind = draw(st.sampled_from(allowed * 3 + list(ScopeKind)))
    return ("grant", role, kind, draw(scopes), draw(partnerships))


steps = st.one_of(grant_steps(), st.tuples(st.just("revoke"), grant_ids))
# Dates go backwards as well as forwards: papers are entered out of order.
offsets = st.integers(min_value=-10, max_value=400)


def person_after(plan: list[tuple[tuple[object, ...], int]]) -> tuple[Person, list[str]]:
    """The person after every step that the rules accept (a refused one leaves no trace), and
    the ids of the grants made, in order."""
    person = registered()
    made: list[str] = []
    for step, offset in plan:
        day = REGISTERED + timedelta(days=offset)
        with suppress(DomainError):
            if step[0] == "grant":
                _, role, kind, scope, partnership = step
                assert isinstance(role, Role)
                assert isinstance(kind, ScopeKind)
                chosen_scope = None if kind is ScopeKind.EVERYTHING else scope
                chosen_partnership = partnership if kind is ScopeKind.BODY else None
                made.append(
                    person.grant_role(
                        role.value,
                        kind.value,
                        chosen_scope,  # type: ignore[arg-type]
                        chosen_partnership,  # type: ignore[arg-type]
                        on(day),
                        ADMIN,
                    )
                )
            else:
                person.revoke_grant(str(step[1]), "Left", on(day), ADMIN)
    return person, made


@settings(max_examples=200, deadline=None)
@given(
    plan=st.lists(st.tuples(steps, offsets), max_size=20),
    probes=st.lists(offsets, min_size=1, max_size=6),
)
def test_grants_in_force_are_those_granted_minus_those_revoked(
    plan: list[tuple[tuple[object, ...], int]], probes: list[int]
) -> None:
    person, made = person_after(plan)
    events = person.collect_events()
    granted = {e.grant_id: e for e in events if isinstance(e, Person.RoleGranted)}
    revoked = {e.grant_id: e for e in events if isinstance(e, Person.GrantRevoked)}
    # Numbered 1, 2, ... in order, never reused.
    assert list(granted) == made == [str(n) for n in range(1, len(made) + 1)]
    assert set(revoked) <= set(granted)
    assert [g.grant_id for g in person.current_grants()] == [i for i in made if i not in revoked]
    for offset in probes:
        day = REGISTERED + timedelta(days=offset)
        in_force = person.grants_on(day)
        expected = [
            i
            for i, e in granted.items()
            if e.effective_date <= day and (i not in revoked or day < revoked[i].effective_date)
        ]
        assert [g.grant_id for g in in_force] == expected
        # Never a role on a scope it cannot have, nor the same role on one scope twice at once.
        assert all(g.scope_kind in ROLE_SCOPES[g.role] for g in in_force)
        assert all((g.scope is None) == (g.scope_kind is ScopeKind.EVERYTHING) for g in in_force)
        held = [
            (g.role, g.scope_kind, g.scope and g.scope.upper(), g.partnership) for g in in_force
        ]
        assert len(held) == len(set(held))


@settings(max_examples=100, deadline=None)
@given(plan=st.lists(st.tuples(steps, offsets), max_size=20))
def test_replaying_the_stored_events_rebuilds_the_same_person(
    plan: list[tuple[tuple[object, ...], int]],
) -> None:
    app = PartnershipApplication(
        env={"PERSISTENCE_MODULE": "eventsourcing.popo", "IS_SNAPSHOTTING_ENABLED": "y"}
    )
    person, _ = person_after(plan)
    app.save(person)
    assert app.repository.get(person.id).__dict__ == person.__dict__
    app.take_snapshot(person.id)
    assert app.repository.get(person.id).__dict__ == person.__dict__
