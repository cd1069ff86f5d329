"""A person who may record anything, registered as an operator would, and their API token:
for tests of served processes that are about something other than access."""

from contextlib import suppress
from datetime import UTC, date, datetime

from partnership.access import Role, ScopeKind
from partnership.commands.envelope import Envelope
from partnership.domain import AlreadyExists, Provenance
from service.access_wiring import command_line_actor, open_access
from service.settings import Settings
from service.wiring import open_runtime

OFFICER_EMAIL = "officer@lancashire.example"
COUNTY = "Lancashire County Council"


def officer_token(settings: Settings) -> dict[str, str]:
    """The Authorization header of a new token for the officer, registered if need be.

    Records the county, the officer and their grants in the log, so a test that counts
    positions counts from the head after this."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    runtime = open_runtime(settings)
    try:
        now = datetime.now(UTC)
        envelope = Envelope(
            Provenance(date(2000, 1, 1), "Test set-up"), command_line_actor(settings), now
        )
        app = runtime.app
        with suppress(AlreadyExists):
            app.register_authority(name=COUNTY, kind="county", envelope=envelope)
        with suppress(AlreadyExists):
            app.register_person(
                name="Partnership Officer", email=OFFICER_EMAIL, authority=COUNTY, envelope=envelope
            )
        for role in (Role.ADMIN, Role.SECRETARY, Role.PROCUREMENT_OFFICER):
            with suppress(AlreadyExists):
                app.grant_role(
                    email=OFFICER_EMAIL,
                    role=role.value,
                    scope_kind=ScopeKind.EVERYTHING.value,
                    envelope=envelope,
                )
        runtime.runner.catch_up()
        access = open_access(settings, runtime)
        try:
            person = runtime.app.get_person(OFFICER_EMAIL)
            issued = access.credentials.issue_token(str(person.id), "tests", now=now)
        finally:
            access.close()
    finally:
        runtime.close()
    return {"Authorization": f"Bearer {issued.token}"}
