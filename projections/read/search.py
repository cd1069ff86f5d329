"""Searching a list by what its records are called: text found anywhere in a name, whatever
its case, as SQL every store runs (`lower(...) LIKE lower(...)` on SQLite, `ILIKE` on
PostgreSQL), with `%` and `_` in the text taken as themselves.

As SQLite's `lower()` folds only ASCII letters, an accented letter matches another case of
itself on PostgreSQL only. Runs of whitespace in the text count as one space, as names are
compared (`normalise_key`). A search is unindexed: lists searched are short registers of
names, paged as ever.
"""

from sqlalchemy import ColumnElement, or_

from partnership.domain import InvalidInput
from partnership.limits import check_query_text

SEARCH_MAX = 200


def search_text(text: str | None) -> str | None:
    """The text to search for, spaced as names are; None for no search. Refused if blank or
    longer than any name is."""
    if text is None:
        return None
    check_query_text(text, "search", "The search text", SEARCH_MAX)
    spaced = " ".join(text.split())
    if not spaced:
        raise InvalidInput(
            f"Search text must have between 1 and {SEARCH_MAX} characters besides spaces.",
            "search",
        )
    return spaced


def matching(text: str, *columns: ColumnElement[str]) -> ColumnElement[bool]:
    """Rows where any of `columns` holds `text` (already checked by `search_text`)."""
    return or_(*(column.icontains(text, autoescape=True) for column in columns))
