"""Where a command points: the parts that name a meeting, a decision or a milestone together.

A meeting is known by its partnership, body, day and which of that day's meetings it was; a
decision by its meeting and number; a milestone by its project and key. Each travels as one
value, so that no command spells its parts out, nor gets them in the wrong order.

The `partnership` part names the owner of the body or project: a partnership, or, for an
authority's own body or project, the authority (by name or global id). The commands find which
(`CommandBase.owned_key`): the partnership's record first, else the authority's own. `id` and
`project_id` are the ids of a partnership's.
"""

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from partnership.meetings import meeting_id
from partnership.projects import project_id


@dataclass(frozen=True)
class MeetingAddress:
    """A meeting of `body` of `partnership` (or of an authority, for its own body) on `day`:
    the first that day, or the `sequence`th."""

    partnership: str
    body: str
    day: date
    sequence: int = 1

    @property
    def id(self) -> UUID:
        """The id of a meeting of a partnership's body, so addressed."""
        return meeting_id(self.partnership, self.body, self.day, self.sequence)


@dataclass(frozen=True)
class DecisionAddress:
    """A decision, by its meeting and its number there (e.g. 6.1)."""

    meeting: MeetingAddress
    number: str


@dataclass(frozen=True)
class MilestoneAddress:
    """A milestone of `partnership`'s (or an authority's own) project `project`, by its key
    (e.g. pilot-start)."""

    partnership: str
    project: str
    key: str

    @property
    def project_id(self) -> UUID:
        return project_id(self.partnership, self.project)


@dataclass(frozen=True)
class SupplierMeetingAddress:
    """A meeting held with `supplier` on `day`, told apart from others that day by `title`."""

    supplier: str
    day: date
    title: str
