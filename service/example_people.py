"""Demo people for the example partnership: one for each role, with a password and a token.

For trying the product out only. Their password is printed and the same for all of them, so
they are never made in production mode. Loading the example again leaves the people as they
are and gives each a fresh token (the old demo tokens are revoked): tokens are kept only as
hashes, so a token cannot be shown twice.
"""

from contextlib import suppress
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from access.credentials import CredentialStore
from partnership.access import Role, ScopeKind
from partnership.application import PartnershipApplication
from partnership.commands.envelope import Envelope
from partnership.domain import Actor, AlreadyExists, Provenance
from partnership.people import person_id
from service.example_papers import BURNLEY, CHORLEY, LCC, LSSCC

DEMO_PASSWORD = "demo-only-password"
DEMO_TOKEN_LABEL = "demo (example)"
DEMO_TOKEN_LIFETIME = timedelta(days=30)
DEMO_SOURCE = "Demo people for trying the product out; not part of the partnership's papers"
# Within the example's own time: the people are granted their roles on the record as it stood.
DEMO_GRANTED_ON = date(2011, 9, 1)


@dataclass(frozen=True)
class DemoPerson:
    name: str
    email: str
    authority: str
    role: Role
    scope_kind: ScopeKind
    scope: str | None = None


DEMO_PEOPLE = (
    DemoPerson("Demo Admin", "admin@demo.invalid", LCC, Role.ADMIN, ScopeKind.EVERYTHING),
    DemoPerson("Demo Auditor", "auditor@demo.invalid", LCC, Role.AUDITOR, ScopeKind.EVERYTHING),
    DemoPerson(
        "Demo Board Member",
        "board.member@demo.invalid",
        CHORLEY,
        Role.BOARD_MEMBER,
        ScopeKind.PARTNERSHIP,
        LSSCC,
    ),
    DemoPerson(
        "Demo Secretary",
        "secretary@demo.invalid",
        LCC,
        Role.SECRETARY,
        ScopeKind.PARTNERSHIP,
        LSSCC,
    ),
    DemoPerson(
        "Demo Procurement Officer",
        "procurement@demo.invalid",
        BURNLEY,
        Role.PROCUREMENT_OFFICER,
        ScopeKind.AUTHORITY,
        BURNLEY,
    ),
)


@dataclass(frozen=True)
class DemoCredentials:
    person: DemoPerson
    token: str


def load_demo_people(
    app: PartnershipApplication, credentials: CredentialStore, actor: Actor, now: datetime
) -> list[DemoCredentials]:
    """Registers the demo people (once), sets their password and issues each a new token."""
    envelope = Envelope(Provenance(DEMO_GRANTED_ON, DEMO_SOURCE), actor, now)
    issued = []
    for demo in DEMO_PEOPLE:
        # Each step on its own: a load cut short between them is finished by the next one.
        with suppress(AlreadyExists):
            app.register_person(
                name=demo.name, email=demo.email, authority=demo.authority, envelope=envelope
            )
        with suppress(AlreadyExists):
            app.grant_role(
                email=demo.email,
                role=demo.role.value,
                scope_kind=demo.scope_kind.value,
                scope=demo.scope,
                envelope=envelope,
            )
        identity = str(person_id(demo.email))
        credentials.set_password(identity, DEMO_PASSWORD, now=now)
        for token in credentials.list_tokens(identity):
            if token.label == DEMO_TOKEN_LABEL and token.revoked_at is None:
                credentials.revoke_token(token.token_id, now=now)
        fresh = credentials.issue_token(
            identity, DEMO_TOKEN_LABEL, now=now, expires_in=DEMO_TOKEN_LIFETIME
        )
        issued.append(DemoCredentials(demo, fresh.token))
    return issued


def describe(issued: list[DemoCredentials]) -> str:
    lines = [
        "Demo people (for trying the product out only; never made in production mode).",
        f"Sign in at /sign-in with an e-mail below and the password {DEMO_PASSWORD!r},",
        "or send a token as 'Authorization: Bearer <token>' (shown only now):",
    ]
    for each in issued:
        scope = each.person.scope or "everything"
        lines.append(
            f"  {each.person.role.value:<20} {each.person.email:<28} ({scope})\n"
            f"  {'':<20} {each.token}"
        )
    return "\n".join(lines)
