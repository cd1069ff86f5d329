"""What every command carries besides its own fields, as one value."""

from dataclasses import dataclass
from datetime import datetime

from partnership.domain import Actor, Provenance
from partnership.idempotency import Claim


@dataclass(frozen=True)
class Envelope:
    """The paper a change comes from, who records it and when, the version of the record it
    was made against (None: whatever stands), and the idempotency claim it runs under (None:
    it runs every time it is sent)."""

    provenance: Provenance
    actor: Actor
    now: datetime
    expected_version: int | None = None
    claim: Claim | None = None
