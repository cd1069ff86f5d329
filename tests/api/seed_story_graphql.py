"""The example's story as GraphQL mutations.

The mutations are not written out by hand: they are read from the example's own steps (the
command each step names, its arguments and its paper), so they say exactly what the example
records, from the same papers, and follow it when it changes. Nothing here runs a command;
a step that calls the application itself is told to a stand-in that only notes the call.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from partnership.addresses import (
    DecisionAddress,
    MeetingAddress,
    MilestoneAddress,
    SupplierMeetingAddress,
)
from partnership.commands.envelope import Envelope
from partnership.contracts import ContractTerms
from partnership.domain import Actor
from partnership.voting import DecisionRule
from service.example import STORY
from service.example_illustrative import ILLUSTRATIVE


@dataclass(frozen=True)
class Told:
    """One fact of the story: the command it is recorded by, what it says, and its paper."""

    command: str
    arguments: dict[str, Any]
    envelope: Envelope


class _NotingApp:
    """Stands in for the application while a step is told: notes the one call it makes."""

    def __init__(self) -> None:
        self.noted: list[tuple[str, dict[str, Any]]] = []

    def __getattr__(self, command: str) -> Callable[..., None]:
        def note(**given: Any) -> None:
            self.noted.append((command, given))

        return note


def told_story(actor: Actor, now: datetime) -> list[Told]:
    """Every step of the example, plain and illustrative, in the order it is loaded."""
    return [_told(step, actor, now) for step in (*STORY, *ILLUSTRATIVE)]


def _told(step: Callable[..., Any], actor: Actor, now: datetime) -> Told:
    names = step.__code__.co_freevars
    if {"command", "arguments", "provenance"} <= set(names):
        # A step made by the example's `fact`: its command is a method of the application,
        # called on it, so it is read from the step rather than told to the stand-in.
        captured = dict(
            zip(names, (cell.cell_contents for cell in step.__closure__ or ()), strict=True)
        )
        envelope = Envelope(captured["provenance"], actor, now, captured["expected_version"])
        return Told(captured["command"].__name__, dict(captured["arguments"]), envelope)
    noting = _NotingApp()
    step(noting, actor, now)
    assert len(noting.noted) == 1, f"a step of the story made {len(noting.noted)} calls"
    command, given = noting.noted[0]
    envelope = given.pop("envelope")
    return Told(command, given, envelope)


# Arguments whose values are the names of GraphQL enum values, written in lower case.
ENUM_ARGUMENTS = frozenset(
    {"kind", "role", "form", "status", "voting", "owner_side", "how", "vote"}
)


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def mutation_name(told: Told) -> str:
    return camel(told.command)


def mutation_input(told: Told) -> dict[str, Any]:
    """The mutation's `input`: the step's arguments as the API names them, then its paper."""
    given: dict[str, Any] = {}
    for name, value in told.arguments.items():
        given.update(_argument(name, value))
    given["effectiveDate"] = told.envelope.provenance.effective_date.isoformat()
    given["source"] = told.envelope.provenance.source
    return given


def _argument(name: str, value: Any) -> dict[str, Any]:
    if isinstance(value, MeetingAddress):
        return _meeting(value)
    if isinstance(value, SupplierMeetingAddress):
        return {
            "supplier": value.supplier,
            "meetingDate": value.day.isoformat(),
            "title": value.title,
        }
    if isinstance(value, MilestoneAddress):
        return {"partnership": value.partnership, "project": value.project, "key": value.key}
    if isinstance(value, DecisionAddress):
        return {name: {**_meeting(value.meeting), "decision": value.number}}
    if isinstance(value, ContractTerms):
        return _terms(value)
    if isinstance(value, DecisionRule):
        return {camel(f.name): _plain(f.name, getattr(value, f.name)) for f in fields(value)}
    if name == "votes":
        return {"votes": [{"authority": a, "vote": v.upper()} for a, v in value.items()]}
    return {camel(name): _plain(name, value)}


def _meeting(address: MeetingAddress) -> dict[str, Any]:
    return {
        "partnership": address.partnership,
        "body": address.body,
        "meetingDate": address.day.isoformat(),
        "sequence": address.sequence,
    }


def _terms(terms: ContractTerms) -> dict[str, Any]:
    unit = terms.notice_period_unit
    given = {
        camel(f.name): _plain(f.name, getattr(terms, f.name))
        for f in fields(terms)
        if f.name not in ("notice_period_days", "notice_period_unit")
    }
    if unit is None:
        given["noticePeriodDays"] = terms.notice_period_days
    else:
        given["noticePeriod"] = {"amount": terms.notice_period_days, "unit": unit.upper()}
    return given


def _plain(name: str, value: Any) -> Any:
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, str):
        return value.upper() if name in ENUM_ARGUMENTS else value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, tuple | list):
        return [_plain(name, each) for each in value]
    if isinstance(value, dict):
        return {camel(key): _plain(f"{name}.{key}", each) for key, each in value.items()}
    raise AssertionError(f"no GraphQL form for {name}={value!r}")


RECORDED = """
    __typename
    ... on Recorded { position entry { position } }
    ... on Problem { code message field }
"""


def mutation_document(name: str) -> str:
    input_type = f"{name[0].upper()}{name[1:]}Input"
    return f"mutation Tell($input: {input_type}!) {{ {name}(input: $input) {{ {RECORDED} }} }}"


def leaves(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """Each leaf of an input or an answer with the path of field names that leads to it
    (list positions left out)."""
    if isinstance(value, dict):
        for key, each in value.items():
            yield from leaves(each, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for each in value:
            yield from leaves(each, path)
    else:
        yield path, value
