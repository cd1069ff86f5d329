"""What the questions that read the record back share: the day asked about, and a read on a
worker thread narrowed to what the person asking may see."""

from collections.abc import Callable
from datetime import date
from typing import TypeVar

import sqlalchemy
from strawberry.types import Info

from partnership.limits import check_date
from partnership_graphql.context import context_of, off_the_loop
from projections import read

Answer = TypeVar("Answer")


def day_asked(info: Info, as_of: date | None) -> date:
    """The day asked about, or today; within the record's dates, so no sum of days leaves them."""
    if as_of is not None:
        return check_date(as_of, "asOf", "The day asked about")
    return context_of(info).runtime.clock().date()


async def read_as_asked(
    info: Info, question: Callable[[sqlalchemy.Connection, read.Visibility], Answer]
) -> Answer:
    """The answer to `question`, narrowed to what the person asking may see."""
    context = context_of(info)
    store = context.runtime.store
    visible = await context.visible()

    def fetch() -> Answer:
        with store.reader.connect() as conn:
            return question(conn, visible)

    answer: Answer = await off_the_loop(fetch)
    return answer
