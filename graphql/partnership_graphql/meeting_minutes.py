"""What a meeting's minutes list by name: who was present, who sent apologies, and the agenda."""

from typing import Any

import strawberry


@strawberry.type(description="A person the minutes list as present.")
class Attendee:
    person: str = strawberry.field(description="Their name, as the minutes give it.")
    authority: str = strawberry.field(description="The authority they came for.")
    role: str | None = strawberry.field(
        description="Their role at the meeting (e.g. Chair, Officer); null if the minutes "
        "give none."
    )


@strawberry.type(description="A person the minutes list as absent with apologies.")
class Apology:
    person: str = strawberry.field(description="Their name, as the minutes give it.")
    authority: str = strawberry.field(description="The authority they would have come for.")


@strawberry.type(description="An item on the meeting's agenda.")
class AgendaItem:
    number: str = strawberry.field(description="Its number on the agenda, e.g. 6.")
    title: str = strawberry.field(description="Its title, as last corrected.")


def attendees_of(rows: list[dict[str, Any]]) -> list[Attendee]:
    return [
        Attendee(person=row["person"], authority=row["authority"], role=row.get("role"))
        for row in rows
    ]


def apologies_of(rows: list[dict[str, Any]]) -> list[Apology]:
    return [Apology(person=row["person"], authority=row["authority"]) for row in rows]


def agenda_of(rows: list[dict[str, Any]]) -> list[AgendaItem]:
    return [AgendaItem(number=row["number"], title=row["title"]) for row in rows]
