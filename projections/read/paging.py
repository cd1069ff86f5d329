"""Keyset pages: the one way every list is paged, and the one cursor every list gives out.

A cursor holds the list's name and the sort key of a row, so a page costs one indexed range
scan however deep the reader has paged, rows recorded meanwhile neither repeat nor vanish, and
a cursor from one list is refused by another.
"""

import base64
import binascii
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Generic, TypeVar

from sqlalchemy import (
    BigInteger,
    Column,
    ColumnElement,
    Connection,
    Date,
    Integer,
    Select,
    SmallInteger,
    String,
    and_,
    literal,
    or_,
    tuple_,
)

from partnership.domain import InvalidInput
from partnership.limits import TEXT_MAX, check_query_text

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20

Row = dict[str, Any]
Item = TypeVar("Item")


@dataclass(frozen=True)
class Ordering:
    """How a list is paged: its sort columns, each ascending or descending, ending in a unique
    key; `name` keeps one list's cursor from being used on another."""

    name: str
    columns: tuple[tuple[Column[Any], bool], ...]

    def __iter__(self) -> Iterator[tuple[Column[Any], bool]]:
        return iter(self.columns)

    def order_by(self) -> list[ColumnElement[Any]]:
        return [column.desc() if descending else column.asc() for column, descending in self]

    @property
    def parts(self) -> tuple["KeyPart", ...]:
        return tuple(KeyPart.of(column) for column, _ in self)

    def key_of(self, row: Row) -> list[Any]:
        return [row[column.key] for column, _ in self]

    def reversed(self) -> "Ordering":
        return Ordering(self.name, tuple((column, not descending) for column, descending in self))

    def beyond(self, key: Sequence[Any]) -> ColumnElement[bool]:
        """Rows after `key` in this ordering."""
        columns = list(self)
        directions = {descending for _, descending in columns}
        if len(directions) == 1:
            # One direction throughout: a row-value comparison, which an index scans directly.
            row = tuple_(*(column for column, _ in columns))
            typed = zip(columns, key, strict=True)
            at = tuple_(*(literal(value, column.type) for (column, _), value in typed))
            return row < at if directions == {True} else row > at
        # Mixed directions: the first column past the key, or equal and the next past… The
        # leading bound repeats the first column alone so the index can start the scan there.
        alternatives = []
        for index, (column, descending) in enumerate(columns):
            equal = [c == value for (c, _), value in zip(columns[:index], key, strict=False)]
            past = column < key[index] if descending else column > key[index]
            alternatives.append(and_(*equal, past))
        first, descending = columns[0]
        bound = first <= key[0] if descending else first >= key[0]
        return and_(bound, or_(*alternatives))


@dataclass(frozen=True)
class KeyPart:
    """One part of a sort key as its column can hold it: a cursor's part outside these bounds
    was never given out, and a database would fail on it rather than find nothing."""

    kind: type
    max_length: int = TEXT_MAX
    bits: int = 64

    @classmethod
    def of(cls, column: Column[Any]) -> "KeyPart":
        column_type = column.type
        if isinstance(column_type, Date):
            return cls(date)
        if isinstance(column_type, Integer):
            # BigInteger and SmallInteger are Integers too: the narrowest match decides.
            if isinstance(column_type, BigInteger):
                return cls(int, bits=64)
            return cls(int, bits=16 if isinstance(column_type, SmallInteger) else 32)
        length = column_type.length if isinstance(column_type, String) else None
        return cls(str, max_length=TEXT_MAX if length is None else length)


def encode_cursor(ordering: Ordering, row: Row) -> str:
    return _encode(ordering.name, ordering.key_of(row))


def decode_cursor(ordering: Ordering, cursor: str, argument: str = "after") -> list[Any]:
    """The sort key a cursor of this list holds, or a refusal naming the argument it came in."""
    return _decode(ordering.name, cursor, ordering.parts, argument)


def _encode(list_name: str, key: Sequence[Any]) -> str:
    # The text json.dumps([name, key], separators=(",", ":")) writes, at a third of its cost:
    # a page encodes a cursor per row.
    text = f"[{_json(list_name)},[{','.join([_json(value) for value in key])}]]"
    return binascii.b2a_base64(text.encode(), newline=False).translate(_URL_SAFE).decode()


# base64.urlsafe_b64encode's alphabet.
_URL_SAFE = bytes.maketrans(b"+/", b"-_")


def _json(value: Any) -> str:
    """`value` as json.dumps writes it, a date as its ISO text: integers, dates and plain ASCII
    text need no escaping."""
    if type(value) is int:
        return str(value)
    if isinstance(value, date):
        return f'"{value.isoformat()}"'
    plain = type(value) is str and value.isascii() and value.isprintable()
    if plain and '"' not in value and "\\" not in value:
        return f'"{value}"'
    return json.dumps(value)


def _decode(list_name: str, cursor: str, parts: Sequence[KeyPart], argument: str) -> list[Any]:
    """Each part of the key of its kind (date, int or str) and within its column's bounds."""
    try:
        name, key = json.loads(base64.urlsafe_b64decode(cursor.encode()).decode())
        if name != list_name or not isinstance(key, list) or len(key) != len(parts):
            raise ValueError(cursor)
        return [_typed(part, value, argument) for part, value in zip(parts, key, strict=True)]
    # A refused character or length is reported as the cursor it came in, not as text: the
    # caller never wrote that text and can only start again.
    except (ValueError, TypeError, RecursionError, binascii.Error, InvalidInput):
        raise InvalidInput(
            f"The `{argument}` cursor is not one this service gave out for this list; "
            f"start again without `{argument}`.",
            argument,
        ) from None


def _typed(part: KeyPart, value: Any, argument: str) -> Any:
    if part.kind is date:
        if not isinstance(value, str):
            raise TypeError(value)
        return date.fromisoformat(value)
    if part.kind is int:
        # bool is an int to Python; a database integer is signed, of its column's width.
        bound = 2 ** (part.bits - 1)
        if not isinstance(value, int) or isinstance(value, bool) or not -bound <= value < bound:
            raise TypeError(value)
        return value
    if not isinstance(value, str):
        raise TypeError(value)
    # JSON can carry a lone surrogate, which no database driver can send; UnicodeEncodeError
    # is a ValueError. NUL and other characters no database compares are refused by the limits.
    value.encode()
    return check_query_text(value, argument, "The cursor", part.max_length)


@dataclass(frozen=True)
class PageRequest:
    """`first` rows after the `after` cursor, or the `last` rows before the `before` cursor,
    both counted in the list's own order; a page always reads in that order."""

    first: int | None = None
    after: str | None = None
    last: int | None = None
    before: str | None = None

    @property
    def forward(self) -> bool:
        return self.last is None and self.before is None

    @property
    def size(self) -> int:
        size = self.first if self.forward else self.last
        return DEFAULT_PAGE_SIZE if size is None else size

    @property
    def cursor(self) -> str | None:
        return self.after if self.forward else self.before

    @property
    def cursor_argument(self) -> str:
        return "after" if self.forward else "before"

    def check(self) -> None:
        if (self.first is not None or self.after is not None) and (
            self.last is not None or self.before is not None
        ):
            raise InvalidInput(
                "Page forward with `first` and `after`, or back with `last` and `before`; "
                "not both at once.",
                "last",
            )
        for name, size in (("first", self.first), ("last", self.last)):
            if size is not None:
                check_page_size(size, name)


def check_page_size(size: int, argument: str = "first") -> None:
    if not 1 <= size <= MAX_PAGE_SIZE:
        follow = "endCursor" if argument == "first" else "startCursor"
        raise InvalidInput(
            f"`{argument}` must be between 1 and {MAX_PAGE_SIZE}: a page holds at most "
            f"{MAX_PAGE_SIZE} rows; follow `pageInfo.{follow}` for more.",
            argument,
        )


@dataclass(frozen=True)
class Page(Generic[Item]):
    rows: list[Item]
    has_next_page: bool
    has_previous_page: bool = False
    cursors: list[str] = field(default_factory=list)


def check_request(request: PageRequest, ordering: Ordering) -> None:
    """Refuse a malformed page request (its sizes, its cursor) before anything is looked up, so
    that an error names what is wrong with the request whatever else it asks about."""
    request.check()
    if request.cursor is not None:
        decode_cursor(ordering, request.cursor, request.cursor_argument)


def keyset_page(
    conn: Connection, query: Select[Any], ordering: Ordering, request: PageRequest
) -> Page[Row]:
    """One page of `query` in `ordering`: one statement, reading one row past the page to
    learn whether there is more."""
    request.check()
    size = request.size
    # Going back a page reads the other way from the cursor, then turns the rows round.
    reading = ordering if request.forward else ordering.reversed()
    if request.cursor is not None:
        key = decode_cursor(ordering, request.cursor, request.cursor_argument)
        query = query.where(reading.beyond(key))
    rows = [
        dict(row)
        for row in conn.execute(query.order_by(*reading.order_by()).limit(size + 1)).mappings()
    ]
    more = len(rows) > size
    rows = rows[:size]
    if not request.forward:
        rows.reverse()
    return Page(
        rows=rows,
        # Without counting, a cursor is taken as the sign of rows on the side it came from.
        has_next_page=more if request.forward else request.before is not None,
        has_previous_page=request.after is not None if request.forward else more,
        cursors=[encode_cursor(ordering, row) for row in rows],
    )


def sorted_page(
    list_name: str,
    items: Sequence[Item],
    key_of: Callable[[Item], Sequence[Any]],
    kinds: Sequence[type],
    request: PageRequest,
) -> Page[Item]:
    """A page of a list that must be judged in full before it can be ordered (alerts are
    levelled and ranked as of a day): the same cursors, over items sorted here by `key_of`,
    ascending, whose last part is unique."""
    request.check()
    size = request.size
    ordered = sorted(items, key=lambda item: tuple(key_of(item)))
    if request.cursor is not None:
        parts = [KeyPart(kind) for kind in kinds]
        at = tuple(_decode(list_name, request.cursor, parts, request.cursor_argument))
        if request.forward:
            ordered = [item for item in ordered if tuple(key_of(item)) > at]
        else:
            ordered = [item for item in ordered if tuple(key_of(item)) < at]
    more = len(ordered) > size
    shown = ordered[:size] if request.forward else ordered[-size:]
    return Page(
        rows=shown,
        has_next_page=more if request.forward else request.before is not None,
        has_previous_page=request.after is not None if request.forward else more,
        cursors=[_encode(list_name, key_of(item)) for item in shown],
    )
