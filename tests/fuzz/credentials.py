"""Who each generated request claims to be: a demo person's real token, nobody, or a header
that must be refused.

The example's demo people (`service.example_people`) hold one role each. Their tokens are
read from what `partnership load-example` prints; a demo person it printed none for is issued
one with `partnership tokens issue`, as an administrator would.

Every request draws one of eight credentials: the five people's tokens, none at all, a
malformed Authorization header, or a forged token of the right shape. Half the time each is as
likely as the others; the other half, the token is of someone whose role the access policy
lets use the request's field, so that mutations still reach the code that records (a uniform
draw lets through one mutation in eight or so).
"""

import re
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from hypothesis import strategies as st

from access.policy import RULES
from access.storage import TOKEN_ID_LENGTH
from access.tokens import TOKEN_PREFIX
from partnership.access import Role
from partnership.people import person_id
from service.example_people import DEMO_PEOPLE

ANONYMOUS = "anonymous"
MALFORMED = "malformed"
FORGED = "forged"
# What each kind of bad credential must be refused with (401).
REFUSED_WITH = {MALFORMED: "credentials_malformed", FORGED: "token_invalid"}

TOKEN_SHAPE = re.compile(rf"{TOKEN_PREFIX}[0-9a-f]{{{TOKEN_ID_LENGTH}}}_[A-Za-z0-9_-]{{43}}")
TOKEN_ID_HEX = "0123456789abcdef"
TOKEN_SECRET_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"
# What a header may carry and the HTTP client still send: printable ASCII.
PRINTABLE = st.characters(min_codepoint=0x21, max_codepoint=0x7E)


@dataclass(frozen=True)
class Credential:
    """The Authorization header a request carries (None: none), and whose it is if real."""

    kind: str
    header: str | None
    person_id: str | None = None
    role: Role | None = None

    @property
    def signed_in(self) -> bool:
        return self.person_id is not None


NOBODY = Credential(ANONYMOUS, None)


@dataclass(frozen=True)
class DemoToken:
    email: str
    role: Role
    person_id: str
    token: str

    def credential(self) -> Credential:
        return Credential(self.role.value, f"Bearer {self.token}", self.person_id, self.role)


def demo_tokens(load_example_output: str, issue: Callable[[str], str]) -> list[DemoToken]:
    """A token for each demo person: the one load-example printed after their e-mail, else
    one from `issue` (which runs `partnership tokens issue`)."""
    printed: dict[str, str] = {}
    email: str | None = None
    emails = {demo.email for demo in DEMO_PEOPLE}
    for line in load_example_output.splitlines():
        words = line.split()
        named = next((word for word in words if word in emails), None)
        if named is not None:
            email = named
        token = TOKEN_SHAPE.search(line)
        if token is not None and email is not None:
            printed[email] = token.group(0)
            email = None
    return [
        DemoToken(
            demo.email,
            demo.role,
            str(person_id(demo.email)),
            printed.get(demo.email) or issue(demo.email),
        )
        for demo in DEMO_PEOPLE
    ]


def tokens_issue(cli: list[str], env: dict[str, str]) -> Callable[[str], str]:
    def issue(email: str) -> str:
        done = subprocess.run(
            [*cli, "tokens", "issue", email, "--label", "fuzzing", "--days", "1"],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        token = done.stdout.strip()
        if done.returncode != 0 or not TOKEN_SHAPE.fullmatch(token):
            raise RuntimeError(
                f"no token for the demo person {email}: load-example printed none and "
                f"`partnership tokens issue` answered {done.returncode}:\n{done.stderr}"
            )
        return token

    return issue


def malformed_headers(real_tokens: list[str]) -> st.SearchStrategy[str]:
    """Authorization headers that are not a bearer token of our shape."""
    some_token = st.sampled_from(real_tokens)
    return st.one_of(
        st.just(""),
        st.just("Bearer"),
        st.just("Bearer "),
        st.builds(lambda text: f"Basic {text}", st.text(PRINTABLE, min_size=1, max_size=40)),
        st.builds(lambda text: f"Bearer {text}", st.text(PRINTABLE, min_size=1, max_size=80)),
        # A real token without its scheme, cut short, or with a character too many.
        some_token,
        some_token.map(lambda token: f"Bearer {token[:-1]}"),
        some_token.map(lambda token: f"Bearer {token}x"),
        # Past what is read at all.
        st.integers(520, 2000).map(lambda length: "Bearer " + "a" * length),
    )


def forged_headers(real_tokens: list[str]) -> st.SearchStrategy[str]:
    """Tokens of the right shape that nobody issued; some reuse a real token's id."""
    ids = st.one_of(
        st.text(TOKEN_ID_HEX, min_size=TOKEN_ID_LENGTH, max_size=TOKEN_ID_LENGTH),
        st.sampled_from(real_tokens).map(
            lambda token: token[len(TOKEN_PREFIX) :][:TOKEN_ID_LENGTH]
        ),
    )
    secrets = st.text(TOKEN_SECRET_ALPHABET, min_size=43, max_size=43)
    return st.builds(lambda id_, secret: f"Bearer {TOKEN_PREFIX}{id_}_{secret}", ids, secrets)


def credentials(people: list[DemoToken]) -> Callable[[str], st.SearchStrategy[Credential]]:
    """For a root field, the credentials a request for it carries (see the module's doc)."""
    real = [person.token for person in people]
    choices: list[st.SearchStrategy[Credential]] = [
        *(st.just(person.credential()) for person in people),
        st.just(NOBODY),
        malformed_headers(real).map(lambda header: Credential(MALFORMED, header)),
        forged_headers(real).map(lambda header: Credential(FORGED, header)),
    ]
    uniform = st.integers(0, len(choices) - 1).flatmap(choices.__getitem__)

    @cache
    def for_field(field: str) -> st.SearchStrategy[Credential]:
        roles = RULES[field].roles
        fitting = [person.credential() for person in people if person.role in roles]
        if not fitting:
            return uniform
        return st.booleans().flatmap(lambda fit: st.sampled_from(fitting) if fit else uniform)

    return for_field
