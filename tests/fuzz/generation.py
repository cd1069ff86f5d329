"""What the fuzzer sends: schema-driven GraphQL documents, steered toward the example's records.

Documents come from schemathesis (hypothesis-graphql underneath): every query and mutation of
the served schema, mostly valid against it, some deliberately not. Many mutations only reach
the code that keeps anything when they name a record that exists, so a share of the strings
and dates generated are ones the example partnership recorded (its names, references,
meeting dates). A few requests wrap a valid document in a malformed HTTP body. Each request
carries a credential drawn at random (tests/fuzz/credentials.py).

The records of the people who send the requests are left out of what is harvested: the
fuzzer aims its people's mutations at others, so the senders keep the grants they started
with and what each may do stays known.
"""

import dataclasses
import json
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

import schemathesis
from hypothesis import strategies as st
from schemathesis.config import SchemathesisConfig
from schemathesis.core.result import Ok
from schemathesis.generation import GenerationMode
from schemathesis.generation.case import Case
from schemathesis.graphql import nodes
from schemathesis.specs.graphql.schemas import GraphQLSchema

from partnership.application import PartnershipApplication
from service.settings import Settings
from tests.fuzz.credentials import NOBODY, Credential

# How often a generated argument is swapped for a value the example recorded: any String now
# and then; one whose name says what it identifies (a partnership, a body...) mostly.
ANY_KNOWN_STRING = 0.2
NAMED_KNOWN_STRING = 0.8
KNOWN_DATE = 0.6
# Input fields that name a record by another word than the event that recorded it.
ALIASES = {
    "body": ("bodyName", "parentBody"),
    "contract": ("reference", "headContractReference"),
    "headContractReference": ("reference",),
    "authority": ("authorities", "ownerAuthority", "members", "reportedByAuthority"),
    "supplier": ("newSupplier", "previousSupplier"),
    "project": ("name",),
    "inquiry": ("title",),
}
# Input fields that look a record up (other texts, such as sources, stay free to be hostile).
IDENTIFYING = (
    *ALIASES,
    *("partnership", "reference", "number", "item", "key", "person", "title", "email"),
)
# Past this a recorded text is prose, not a name anything is looked up by.
LONGEST_NAME = 120
# Of every ten requests: how many carry an invalid document, and how many a malformed body.
NEGATIVE_IN_TEN = 2
MALFORMED_IN_TEN = 1

# Values at and past the edges of what a decimal column, a float or a date can hold.
HOSTILE_DECIMALS = (
    "NaN",
    "-NaN",
    "sNaN",
    "Infinity",
    "-Infinity",
    "1E+400",
    "-1E+400",
    "1E-400",
    "9" * 50,
    "0." + "0" * 40 + "1",
    "-0",
    "12,5",
    "",
    " 1 ",
)


@dataclass
class Known:
    """Texts, dates and amounts the example partnership recorded."""

    strings: list[str] = field(default_factory=list)
    by_field: dict[str, list[str]] = field(default_factory=dict)
    dates: list[date] = field(default_factory=list)
    decimals: list[Decimal] = field(default_factory=list)


def harvest(settings: Settings, leave_out: Collection[UUID] = ()) -> Known:
    """Every short text, date and amount in the recorded events, read from the log itself,
    but for the events of the records in `leave_out`."""
    app = PartnershipApplication(env=settings.event_store_env())
    try:
        strings: set[str] = set()
        by_field: dict[str, set[str]] = {}
        dates: set[date] = set()
        decimals: set[Decimal] = set()
        head = app.head_position()
        for notification in app.recorder.select_notifications(start=1, limit=head):
            event = app.mapper.to_domain_event(notification)
            if event.originator_id in leave_out:
                continue
            for name, value in _leaves("", vars(event)):
                if isinstance(value, str) and 0 < len(value) <= LONGEST_NAME:
                    strings.add(value)
                    by_field.setdefault(_camel(name), set()).add(value)
                elif isinstance(value, datetime):
                    dates.add(value.date())
                elif isinstance(value, date):
                    dates.add(value)
                elif isinstance(value, Decimal):
                    decimals.add(value)
        named = {
            name: sorted(by_field.get(name, set()).union(*(by_field.get(a, ()) for a in aliases)))
            for name, aliases in ALIASES.items()
        }
        named = {**{k: sorted(v) for k, v in by_field.items()}, **named}
        return Known(
            sorted(strings),
            {k: v for k, v in named.items() if v},
            sorted(dates),
            sorted(decimals),
        )
    finally:
        app.close()


def _leaves(name: str, value: Any) -> Iterable[tuple[str, Any]]:
    """Each plain value in an event, with the name of the attribute holding it."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(key, item)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            yield from _leaves(name, item)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        yield from _leaves(name, vars(value))
    else:
        yield name, value


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(word.title() for word in rest)


def fuzz_config(known: Known) -> SchemathesisConfig:
    dictionaries = {f"field-{name}": {"values": values} for name, values in known.by_field.items()}
    # An argument at the top of a query, inside a mutation's `input`, or inside a `filter`.
    parameters = {
        f"*.*.{place}{name}": {"dictionary": f"field-{name}", "probability": NAMED_KNOWN_STRING}
        for name in IDENTIFYING
        if name in known.by_field
        for place in ("", "input.", "filter.")
    }
    return SchemathesisConfig.from_dict(
        {
            "dictionaries": {"known": {"values": known.strings or ["-"]}, **dictionaries},
            "parameters": parameters,
            "generation": {
                "allow-x00": True,
                "dictionaries": {
                    "string": {"dictionary": "known", "probability": ANY_KNOWN_STRING}
                },
            },
        }
    )


def register_scalars(known: Known) -> None:
    """Strategies for our custom scalars; schemathesis keeps them in one global registry."""
    any_day = st.dates().map(str)
    schemathesis.graphql.scalar(
        "Date",
        st.builds(
            lambda known_day, day, use_known: known_day if use_known else day,
            st.sampled_from(known.dates or [date(2011, 9, 1)]).map(str),
            any_day,
            st.floats(0, 1).map(lambda roll: roll < KNOWN_DATE),
        ).map(nodes.String),
    )
    schemathesis.graphql.scalar(
        "DateTime",
        st.datetimes().map(lambda moment: moment.isoformat() + "Z").map(nodes.String),
    )
    amounts = st.one_of(
        st.decimals(allow_nan=False, allow_infinity=False, places=2).map(str),
        st.decimals(allow_nan=True, allow_infinity=True).map(str),
        st.sampled_from(HOSTILE_DECIMALS),
        st.sampled_from(known.decimals or [Decimal("1.00")]).map(str),
    )
    # A Decimal is sent as a string (as the API documents) or, now and then, a bare number.
    schemathesis.graphql.scalar(
        "Decimal",
        st.one_of(amounts.map(nodes.String), st.integers().map(nodes.Int)),
    )


@dataclass(frozen=True)
class Request:
    """One HTTP request: a schemathesis case, or a malformed body built around its document."""

    case: Case
    malformed: str | None = None
    raw: bytes = b""
    credential: Credential = NOBODY

    @property
    def operation(self) -> str:
        return str(self.case.operation.label)

    @property
    def root_field(self) -> str:
        """The root field the document asks for, as the access policy names it."""
        return str(self.case.operation.definition.field_name)

    @property
    def what(self) -> str:
        """What kind of request it was, as the failures it shows are grouped."""
        # A malformed body fails alike whichever document it carries.
        sent = f"a body that is {self.malformed}" if self.malformed else self.operation
        return f"{sent}, {self.credential.kind}"

    def shown(self, limit: int = 3000) -> str:
        if self.malformed:
            text = self.raw.decode("utf-8", "backslashreplace")
        else:
            text = json.dumps({"query": self.case.body}, ensure_ascii=False)
        text = text if len(text) <= limit else f"{text[:limit]}… ({len(text)} characters)"
        credential = self.credential
        # A real token is the run's own secret, and says nothing a reader needs.
        header = "" if credential.signed_in else f" with Authorization {credential.header!r}"
        return f"as {credential.kind}{header}: {text}"


def malformed(case: Case) -> st.SearchStrategy[Request]:
    """A valid document in a body the server must refuse with a 400, not fail on."""
    document = str(case.body)
    whole = json.dumps({"query": document}).encode()
    bodies = {
        "a JSON string": json.dumps(document).encode(),
        "JSON null": b"null",
        "a JSON list": json.dumps([{"query": document}]).encode(),
        "a JSON number": b"14",
        "invalid UTF-8": b'{"query": "\xff\xfe' + document.encode()[:200] + b'"}',
        "truncated JSON": whole[: len(whole) // 2],
        "empty": b"",
        "a query that is a number": b'{"query": 12}',
        "a query that is null": b'{"query": null}',
        "variables that are a list": json.dumps({"query": document, "variables": []}).encode(),
        "an operation name that is a list": json.dumps(
            {"query": document, "operationName": ["a"]}
        ).encode(),
    }
    return st.sampled_from(sorted(bodies)).map(
        lambda name: Request(case, malformed=name, raw=bodies[name])
    )


def requests(
    schema: GraphQLSchema, credentials: Callable[[str], st.SearchStrategy[Credential]]
) -> st.SearchStrategy[Request]:
    """Every operation of the schema, as likely as each other; mostly valid documents; each
    with a credential drawn from `credentials` for its root field."""
    operations = [result.ok() for result in schema.get_all_operations() if isinstance(result, Ok)]
    positive = st.sampled_from(operations).flatmap(
        lambda operation: operation.as_strategy(GenerationMode.POSITIVE)
    )
    negative = st.sampled_from(operations).flatmap(
        lambda operation: operation.as_strategy(GenerationMode.NEGATIVE)
    )

    def wrap(case: Case) -> Request:
        return Request(case)

    unsigned = st.integers(0, 9).flatmap(
        lambda roll: (
            positive.flatmap(malformed)
            if roll < MALFORMED_IN_TEN
            else negative.map(wrap)
            if roll < MALFORMED_IN_TEN + NEGATIVE_IN_TEN
            else positive.map(wrap)
        )
    )
    return unsigned.flatmap(
        lambda request: credentials(request.root_field).map(
            lambda credential: dataclasses.replace(request, credential=credential)
        )
    )
