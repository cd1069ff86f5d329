"""Authorities registered before a test awards them a contract: only a registered authority
contracts."""

from datetime import date, datetime

import pytest

from partnership.application import PartnershipApplication
from partnership.commands.envelope import Envelope
from partnership.domain import Actor, Provenance
from partnership.partnerships import authority_id
from tests.conftest import OFFICER

REGISTER = Provenance(date(2000, 1, 1), "Register of authorities")


def register_authorities(
    app: PartnershipApplication, now: datetime, *names: str, actor: Actor = OFFICER
) -> int:
    """Registers each name not yet registered as an authority; the log position after."""
    position = app.head_position()
    for name in names:
        if authority_id(name) in app.repository:
            continue
        kind = "county" if "county" in name.lower() else "district"
        position = app.register_authority(
            name=name, kind=kind, envelope=Envelope(REGISTER, actor, now)
        ).position
    return position


def register_before_the_test(request: pytest.FixtureRequest, *names: str) -> None:
    """For an autouse fixture: registers `names` when the test opens a record of its own
    (one that loads the example registers its own authorities)."""
    if "runtime" not in request.fixturenames or "example" in request.fixturenames:
        return
    runtime = request.getfixturevalue("runtime")
    clock = request.getfixturevalue("clock")
    register_authorities(runtime.app, clock(), *names)
