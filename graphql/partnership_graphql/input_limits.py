"""Each input field's description ends with the limit the record holds it to.

The limits themselves live in `partnership.limits`; this only says which limit a field of a
given name and type is held to, so that the descriptions are written from the same numbers
the commands check against.
"""

from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from strawberry.types.base import StrawberryList, StrawberryOptional

from partnership import limits
from partnership.paper_dates import PAPER_DATE_LIMIT

T = TypeVar("T")

REFERENCE_FIELDS = frozenset(
    {"reference", "head_contract_reference", "key", "number", "decision", "decision_number", "item"}
)
TITLE_FIELDS = frozenset({"title", "stage", "interest", "topics", "objective", "inquiry"})
FREE_TEXT_FIELDS = frozenset(
    {
        "reason",
        "description",
        "text",
        "wording",
        "purpose",
        "vision_statement",
        "note",
        "outcome",
        "terms_of_reference",
        "items",
    }
)
DAYS_FIELDS = frozenset({"notice_period_days", "electronic_response_days"})
COUNT_FIELDS = frozenset({"quorum"})
SEQUENCE_FIELDS = frozenset({"sequence"})
# Say nothing of their own: a version is checked against the record, a corrected value
# against the field it corrects.
# Limited by what they name: a version of the record, a value by the field it corrects, a
# field's name by the fields a fact has (its description says so).
UNSTATED_FIELDS = frozenset({"expected_version", "corrects_version", "value", "version", "field"})


def _text(name: str) -> str:
    if name.endswith("_when"):
        return PAPER_DATE_LIMIT
    if name in REFERENCE_FIELDS:
        return limits.text_limit(limits.REFERENCE_MAX)
    if name in TITLE_FIELDS:
        return limits.text_limit(limits.TITLE_MAX)
    if name == "source":
        return limits.text_limit(limits.SOURCE_MAX)
    if name == "email":
        return limits.text_limit(limits.EMAIL_MAX)
    if name == "grant_id":
        return limits.text_limit(limits.GRANT_ID_MAX)
    if name in FREE_TEXT_FIELDS:
        return limits.text_limit(limits.TEXT_MAX, multiline=True)
    return limits.text_limit(limits.NAME_MAX)


def limit_of(name: str, annotation: Any) -> str | None:
    """The limit a field called `name` (its Python name) of this type is held to, if any."""
    if isinstance(annotation, StrawberryOptional):
        return limit_of(name, annotation.of_type)
    if name in UNSTATED_FIELDS and annotation is not Decimal:
        return None
    if isinstance(annotation, StrawberryList):
        of = annotation.of_type
        if name == "extension_options_months":
            return f"{limits.LIST_LIMIT} {limits.MONTHS_LIMIT}"
        each = limit_of(name, of) if of is str else None
        return limits.LIST_LIMIT if each is None else f"{limits.LIST_LIMIT} Each: {each}"
    if annotation is str:
        return _text(name)
    if annotation is date:
        return limits.DATE_LIMIT
    if annotation is Decimal:
        return limits.MONEY_LIMIT
    if annotation is int:
        if name in DAYS_FIELDS:
            return limits.DAYS_LIMIT
        if name in COUNT_FIELDS:
            return limits.COUNT_LIMIT
        if name in SEQUENCE_FIELDS:
            return f"A whole number from 1 to {limits.LIST_MAX:,}."
    return None


def limits_stated(cls: T) -> T:
    """Append each field's limit to its description (for a `@strawberry.input` class).

    A field an input inherits from a shared part is the part's own field object, met again
    in every input that takes the part: its limit is stated the first time only.
    """
    for field in cls.__strawberry_definition__.fields:  # type: ignore[attr-defined]
        limit = limit_of(field.python_name, field.type)
        if limit is not None and not (field.description or "").endswith(limit):
            field.description = f"{field.description} {limit}" if field.description else limit
    return cls
