"""Every list the API gives is a Relay-style connection: edges of a cursor and a node, and one
`PageInfo`, paged forward with `first` and `after` or back with `last` and `before`."""

from collections.abc import Callable, Sequence
from typing import Annotated, Any, Generic, Protocol, TypeVar

import strawberry

from projections.read import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, PageRequest

Node = TypeVar("Node")

PAGING = (
    f"At most {MAX_PAGE_SIZE} a page ({DEFAULT_PAGE_SIZE} unless `first` or `last` says): go "
    "on with `first` and `pageInfo.endCursor` as `after`, or back with `last` and "
    "`pageInfo.startCursor` as `before`."
)

First = Annotated[
    int | None,
    strawberry.argument(description=f"How many to give from the start, 1 to {MAX_PAGE_SIZE}."),
]
After = Annotated[
    str | None,
    strawberry.argument(
        description="Go on after this item: the `endCursor` of the page before (or an "
        "edge's `cursor`)."
    ),
]
Last = Annotated[
    int | None,
    strawberry.argument(
        description=f"How many to give from the end (before `before`), 1 to {MAX_PAGE_SIZE}."
    ),
]
Before = Annotated[
    str | None,
    strawberry.argument(
        description="Go back before this item: the `startCursor` of the page after (or an "
        "edge's `cursor`)."
    ),
]


def page_request(
    first: int | None, after: str | None, last: int | None, before: str | None
) -> PageRequest:
    return PageRequest(first=first, after=after, last=last, before=before)


@strawberry.type(description="Where this page stands, and the cursors to move on from it.")
class PageInfo:
    has_next_page: bool = strawberry.field(
        description="More items follow this page's last, in the list's order."
    )
    has_previous_page: bool = strawberry.field(
        description="More items come before this page's first, in the list's order."
    )
    start_cursor: str | None = strawberry.field(
        description="Pass as `before` (with `last`) to go back a page; null on an empty page."
    )
    end_cursor: str | None = strawberry.field(
        description="Pass as `after` (with `first`) to go on a page; null on an empty page."
    )


@strawberry.type(description="One item of a page, with the cursor that marks its place.")
class Edge(Generic[Node]):
    cursor: str = strawberry.field(
        description="Pass as `after` to go on after this item, or as `before` to go back before it."
    )
    node: Node = strawberry.field(description="The item itself.")


class PageOf(Protocol):
    """A page from the read side: a timeline page, a register's, or a list sorted in memory."""

    @property
    def rows(self) -> Sequence[Any]: ...
    @property
    def cursors(self) -> Sequence[str]: ...
    @property
    def has_next_page(self) -> bool: ...
    @property
    def has_previous_page(self) -> bool: ...


@strawberry.type(description="A page of a list, in the list's own order.")
class Connection(Generic[Node]):
    edges: list[Edge[Node]] = strawberry.field(description="The items of this page.")
    page_info: PageInfo = strawberry.field(
        description="Whether more items lie either side, and the cursors to fetch them."
    )

    @classmethod
    def of(cls, page: PageOf, node: Callable[[Any], Node]) -> "Connection[Node]":
        cursors = list(page.cursors)
        return cls(
            edges=[
                Edge(cursor=cursor, node=node(row))
                for row, cursor in zip(page.rows, cursors, strict=True)
            ],
            page_info=PageInfo(
                has_next_page=page.has_next_page,
                has_previous_page=page.has_previous_page,
                start_cursor=cursors[0] if cursors else None,
                end_cursor=cursors[-1] if cursors else None,
            ),
        )
