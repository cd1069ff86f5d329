"""How a governing body decides: quorum, the voting rule, and electronic responses.

A decision's outcome is computed from the rule as it stood at the meeting, which the
decision records (a copy of the rule, not a reference), so a later rule change never
rewrites an earlier outcome.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from partnership.domain import InvalidInput
from partnership.limits import check_count, check_days

FOR = "for"
AGAINST = "against"
ABSTAIN = "abstain"
ABSENT = "absent"
VOTES = (FOR, AGAINST, ABSTAIN, ABSENT)

MAJORITY_OF_VOTES_CAST = "majority_of_votes_cast"
MAJORITY_OF_MEMBERS = "majority_of_members"
UNANIMOUS = "unanimous"
VOTING_RULES = (MAJORITY_OF_VOTES_CAST, MAJORITY_OF_MEMBERS, UNANIMOUS)

CARRIED = "carried"
NOT_CARRIED = "not_carried"
INQUORATE = "inquorate"
AWAITING_RESPONSES = "awaiting_responses"
# Minutes often record "RESOLVED" with no votes: the outcome is as the minutes record it.
AS_RECORDED = "as_recorded"


@dataclass(frozen=True)
class DecisionRule:
    """A body's decision rule from some date on.

    `quorum` counts member authorities taking part: present at the meeting or, where the
    rule allows, responding electronically within `electronic_response_days` of it.
    """

    quorum: int
    voting: str = MAJORITY_OF_VOTES_CAST
    electronic_response_days: int | None = None

    def validated(self) -> "DecisionRule":
        check_count(self.quorum, "quorum", "The quorum")
        if self.voting not in VOTING_RULES:
            raise InvalidInput(
                f"The voting rule must be one of {', '.join(VOTING_RULES)}, not {self.voting!r}.",
                "voting",
            )
        if self.electronic_response_days is not None:
            check_days(
                self.electronic_response_days,
                "electronicResponseDays",
                "The time absent members have to respond electronically",
                minimum=1,
            )
        return self

    @property
    def allows_electronic_responses(self) -> bool:
        return self.electronic_response_days is not None

    def response_deadline(self, meeting_date: date) -> date | None:
        if self.electronic_response_days is None:
            return None
        return meeting_date + timedelta(days=self.electronic_response_days)

    def as_dict(self) -> dict[str, Any]:
        return {
            "quorum": self.quorum,
            "voting": self.voting,
            "electronic_response_days": self.electronic_response_days,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "DecisionRule":
        return cls(
            quorum=int(data["quorum"]),
            voting=str(data["voting"]),
            electronic_response_days=data.get("electronic_response_days"),
        )


@dataclass(frozen=True)
class Tally:
    """The count behind an outcome, so a reader can see why it carried or not."""

    outcome: str
    votes_for: int
    votes_against: int
    abstentions: int
    taking_part: int
    members: int


def check_votes(votes: Mapping[str, str], members: list[str]) -> None:
    unknown = sorted(set(votes) - set(members))
    if unknown:
        raise InvalidInput(
            f"Only member authorities vote; not members: {', '.join(unknown)}.", "votes"
        )
    for authority, vote in votes.items():
        if vote not in VOTES:
            raise InvalidInput(
                f"{authority}'s vote must be one of {', '.join(VOTES)}, not {vote!r}.", "votes"
            )


def tally(
    rule: DecisionRule,
    members: list[str],
    votes: Mapping[str, str],
    electronic: Mapping[str, str],
    meeting_date: date,
    as_of: date | None = None,
) -> Tally:
    """The outcome under `rule` of votes at the meeting plus electronic responses.

    A member with no recorded vote counts as absent. While the response window is open
    (as of `as_of`) and an absent member has yet to respond, the outcome is awaited.
    """
    if not votes and not electronic:
        return Tally(AS_RECORDED, 0, 0, 0, 0, len(members))
    cast: dict[str, str] = {m: votes.get(m, ABSENT) for m in members}
    if rule.allows_electronic_responses:
        for authority, vote in electronic.items():
            if cast.get(authority) == ABSENT:
                cast[authority] = vote
    votes_for = sum(1 for v in cast.values() if v == FOR)
    against = sum(1 for v in cast.values() if v == AGAINST)
    abstentions = sum(1 for v in cast.values() if v == ABSTAIN)
    taking_part = votes_for + against + abstentions
    deadline = rule.response_deadline(meeting_date)
    waiting = (
        deadline is not None
        and as_of is not None
        and as_of <= deadline
        and any(v == ABSENT for v in cast.values())
    )
    if waiting:
        outcome = AWAITING_RESPONSES
    elif taking_part < rule.quorum:
        outcome = INQUORATE
    elif rule.voting == MAJORITY_OF_MEMBERS:
        outcome = CARRIED if votes_for * 2 > len(members) else NOT_CARRIED
    elif rule.voting == UNANIMOUS:
        outcome = CARRIED if votes_for > 0 and against == 0 and abstentions == 0 else NOT_CARRIED
    else:
        outcome = CARRIED if votes_for > against else NOT_CARRIED
    return Tally(outcome, votes_for, against, abstentions, taking_part, len(members))
