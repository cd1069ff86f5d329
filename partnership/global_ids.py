"""Global ids: one opaque, stable id for each record the API answers, and the one codec for it.

An id is the unpadded base64url form of `<Kind>:<aggregate id>`, or, for what lives inside an
aggregate (a decision within its meeting), `<Kind>:<aggregate id>:<part>`. The aggregate id is
the natural id the store keys the record by, so an id never changes while the record lasts,
and the kind says which record it is, so an id of a contract never answers as a partnership.

Why not strawberry's Relay `GlobalID`: the commands take these ids as well as names, and the
domain imports no web library; and strawberry's encoding is standard base64, whose `+`, `/` and
`=` need escaping in a URL. Base64url keeps an id safe to paste into a URL, a variables pane or
a command line. Clients must treat it as opaque: only `decode` reads it.

`decode` answers None for text that is no id at all, so a caller can take a name or an id in
the same argument: a name is never the canonical encoding of a kind and a UUID.
"""

import base64
import binascii
from dataclasses import dataclass
from enum import StrEnum
from uuid import UUID

from partnership.errors import NotFound

# Long enough for the longest id: a decision's, whose number is bounded (DECISION_NUMBER_MAX).
GLOBAL_ID_MAX = 300


class Kind(StrEnum):
    """What a global id names: the GraphQL type that answers it."""

    AUTHORITY = "Authority"
    PARTNERSHIP = "Partnership"
    GOVERNING_BODY = "GoverningBody"
    MEETING = "Meeting"
    DECISION = "Decision"
    PROJECT = "Project"
    INQUIRY = "Inquiry"
    CONTRACT = "Contract"
    SUPPLIER_MEETING = "SupplierMeeting"
    PERSON = "Person"


# What an input naming a record of each kind says when given an id that names none: the code
# the same input gives for a name not on record.
NOT_FOUND_CODES = {
    Kind.AUTHORITY: "authority_not_found",
    Kind.PARTNERSHIP: "partnership_not_found",
    Kind.GOVERNING_BODY: "governing_body_not_found",
    Kind.MEETING: "meeting_not_found",
    Kind.DECISION: "decision_not_found",
    Kind.PROJECT: "project_not_found",
    Kind.INQUIRY: "inquiry_not_found",
    Kind.CONTRACT: "contract_not_found",
    Kind.SUPPLIER_MEETING: "supplier_meeting_not_found",
    Kind.PERSON: "person_not_found",
}
_LABELS = {
    Kind.GOVERNING_BODY: "governing body",
    Kind.SUPPLIER_MEETING: "supplier meeting",
}


@dataclass(frozen=True)
class GlobalId:
    kind: Kind
    aggregate_id: UUID
    part: str | None = None

    def __str__(self) -> str:
        return encode(self.kind, self.aggregate_id, self.part)


def encode(kind: Kind, aggregate_id: UUID | str, part: str | None = None) -> str:
    plain = f"{kind.value}:{UUID(str(aggregate_id))}"
    if part is not None:
        plain += f":{part}"
    return base64.urlsafe_b64encode(plain.encode()).decode("ascii").rstrip("=")


def decode(text: str) -> GlobalId | None:
    """The id `text` is, or None if it is not one (a name, or anything malformed)."""
    if not isinstance(text, str) or not 0 < len(text) <= GLOBAL_ID_MAX or not text.isascii():
        return None
    try:
        plain = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    kind_text, _, rest = plain.partition(":")
    aggregate_text, _, part = rest.partition(":")
    try:
        kind = Kind(kind_text)
        aggregate_id = UUID(aggregate_text)
    except ValueError:
        return None
    found = GlobalId(kind, aggregate_id, part if ":" in rest else None)
    # Only the one spelling an id is given out in: any other text is a name.
    return found if encode(found.kind, found.aggregate_id, found.part) == text else None


def label(kind: Kind) -> str:
    """The kind in words, e.g. "governing body"."""
    return _LABELS.get(kind, kind.value.lower())


class GlobalIdNotFound(NotFound):
    """An id that names nothing (on record, or seen by the asker) of the kind asked for."""

    def __init__(self, text: str, kind: Kind | None, field: str) -> None:
        what = "record" if kind is None else label(kind)
        super().__init__(f"There is no {what} with the id {text!r} on record.", field)
        self.code = "node_not_found" if kind is None else NOT_FOUND_CODES[kind]
