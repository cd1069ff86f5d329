"""The governing bodies register: each body with its terms of reference, members, chairs and
decision rules, every one kept with the date it took effect.

A body's histories are short (a few entries a year), so each is one JSON list on the body's
row, in the order recorded, as `GoverningBody` keeps it: what stood on a day is worked out
from the whole list, exactly as the aggregate works it out (`in_force_on`).
"""

from collections.abc import Sequence
from functools import singledispatchmethod
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, Date, Index, String, Table

from partnership.governance import GoverningBody
from partnership.limits import NAME_MAX
from projections.database import metadata
from projections.kit import ReadModel, RowSet
from projections.revised import follow_revision, withdrawn_column

governing_bodies = Table(
    "governing_bodies",
    metadata,
    Column("body_id", String(36), primary_key=True),
    # A body belongs to a partnership or to one authority (its own Executive): one is null.
    Column("partnership", String(NAME_MAX)),
    Column("authority", String(NAME_MAX)),
    # The partnership or the authority, whichever it belongs to: what bodies are listed by.
    Column("owner", String(NAME_MAX), nullable=False),
    Column("name", String(NAME_MAX), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("established_on", Date, nullable=False),
    Column("parent_body", String(NAME_MAX)),
    # [{"version", "items", "effective_date"}]
    Column("terms_of_reference", JSON, nullable=False),
    # [{"authority", "appointed_on", "removed_on", "removal_reason"}]
    Column("memberships", JSON, nullable=False),
    # [{"person", "authority", "effective_date"}]
    Column("chairs", JSON, nullable=False),
    # [{"rule", "effective_date"}]
    Column("decision_rules", JSON, nullable=False),
    withdrawn_column(),
    Column("last_position", BigInteger, nullable=False),
    # An owner's bodies by name: the order they are listed in.
    Index("ix_governing_bodies_name", "owner", "name", "body_id"),
    Index("ix_governing_bodies_partnership", "partnership", "name", "body_id"),
    Index("ix_governing_bodies_authority", "authority", "name", "body_id"),
)

Row = dict[str, Any]
# What the register works out itself rather than takes from a body's state.
_KEPT = frozenset({"body_id", "owner", "last_position"})


class GoverningBodiesProjection(ReadModel):
    name = "governing_bodies"
    # 2: bodies of an authority alone (`authority`, `owner`; `partnership` may be null).
    # 3: facts corrected and withdrawn; a body withdrawn as recorded in error, marked.
    schema_version = 3
    tables: Sequence[Table] = (governing_bodies,)

    def __init__(self) -> None:
        self.bodies = RowSet(governing_bodies, ("body_id",))
        super().__init__(self.bodies)

    @singledispatchmethod
    def wants(self, event: object) -> None:
        """Other events change no body."""

    @wants.register
    def _(self, event: GoverningBody.Event) -> None:
        self.bodies.want((str(event.originator_id),))

    @wants.register
    def _(self, event: GoverningBody.Established) -> None:
        """A new body: nothing to read."""

    @singledispatchmethod
    def apply(self, event: object, position: int) -> None:
        """Other events do not concern the register."""

    @apply.register
    def _(self, event: GoverningBody.Established, position: int) -> None:
        self.bodies.add(
            {
                "body_id": str(event.originator_id),
                "partnership": event.partnership,
                "authority": event.authority,
                "owner": event.partnership or event.authority,
                "name": event.name,
                "kind": event.kind,
                "established_on": event.effective_date,
                "parent_body": event.parent_body,
                "terms_of_reference": [],
                "memberships": [],
                "chairs": [],
                "decision_rules": [],
                "withdrawn": False,
                "last_position": position,
            }
        )

    @apply.register
    def _(self, event: GoverningBody.TermsOfReferenceAdopted, position: int) -> None:
        body = self._body(event, position)
        adopted = {
            "version": event.version,
            "items": list(event.items),
            "effective_date": event.effective_date.isoformat(),
        }
        body["terms_of_reference"] = [*body["terms_of_reference"], adopted]

    @apply.register
    def _(self, event: GoverningBody.MemberAppointed, position: int) -> None:
        body = self._body(event, position)
        appointed = {
            "authority": event.authority,
            "appointed_on": event.effective_date.isoformat(),
            "removed_on": None,
            "removal_reason": None,
        }
        body["memberships"] = [*body["memberships"], appointed]

    @apply.register
    def _(self, event: GoverningBody.MemberRemoved, position: int) -> None:
        body = self._body(event, position)
        # The aggregate names the membership by the authority as appointed, and only a current
        # one is removed: the last open membership of that name.
        memberships = [dict(m) for m in body["memberships"]]
        for membership in reversed(memberships):
            if membership["authority"] == event.authority and membership["removed_on"] is None:
                membership["removed_on"] = event.effective_date.isoformat()
                membership["removal_reason"] = event.reason
                break
        body["memberships"] = memberships

    @apply.register
    def _(self, event: GoverningBody.ChairAppointed, position: int) -> None:
        body = self._body(event, position)
        chair = {
            "person": event.person,
            "authority": event.authority,
            "effective_date": event.effective_date.isoformat(),
        }
        body["chairs"] = [*body["chairs"], chair]

    @apply.register
    def _(self, event: GoverningBody.DecisionRuleAdopted, position: int) -> None:
        body = self._body(event, position)
        adopted = {"rule": dict(event.rule), "effective_date": event.effective_date.isoformat()}
        body["decision_rules"] = [*body["decision_rules"], adopted]

    @apply.register
    def _(self, event: GoverningBody.Corrected, position: int) -> None:
        body = self._body(event, position)
        if event.field in ("kind", "parent_body"):
            body[event.field] = event.value

    @apply.register
    def _(
        self, event: GoverningBody.FactCorrected | GoverningBody.FactWithdrawn, position: int
    ) -> None:
        body = self._body(event, position)
        follow_revision(body, event.changes, governing_bodies, kept=_KEPT)
        body["owner"] = body["partnership"] or body["authority"]

    def _body(self, event: GoverningBody.Event, position: int) -> Row:
        body = self.bodies[(str(event.originator_id),)]
        body["last_position"] = position
        return body
