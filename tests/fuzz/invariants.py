"""What every answer must be, whatever was sent, and a record of each distinct way it was not."""

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from tests.fuzz.generation import Request

# strawberry's MaskErrors message: an error nobody expected, so nobody coded or explained it.
MASKED = "Unexpected error."
SHOWN_ANSWER = 2000
ROOT = f"{Path(__file__).resolve().parents[2]}/"


@dataclass
class Findings:
    """Distinct failures, each with the first request that showed it and how often it recurred."""

    operations: int = 0
    sent: int = 0
    by_operation: dict[str, int] = field(default_factory=dict)
    first: dict[tuple[str, str], str] = field(default_factory=dict)
    count: dict[tuple[str, str], int] = field(default_factory=dict)
    order: dict[tuple[str, str], int] = field(default_factory=dict)

    def counted(self, request: Request) -> None:
        self.sent += 1
        self.by_operation[request.operation] = self.by_operation.get(request.operation, 0) + 1

    def add(self, request: Request, kind: str, answer: str) -> None:
        key = (request.what, kind)
        self.count[key] = self.count.get(key, 0) + 1
        self.first.setdefault(key, f"  request #{self.sent}: {request.shown()}\n  answer: {answer}")
        self.order.setdefault(key, self.sent)

    def report(self) -> str:
        """In the order first seen: one failure often causes the next (a stalled read model
        fails every later change), so the first of a run is the one to read first."""
        return "\n\n".join(
            f"[{what}] {kind} (seen {self.count[(what, kind)]} times)\n{self.first[(what, kind)]}"
            for what, kind in sorted(self.first, key=self.order.__getitem__)
        )


def judge(request: Request, response: requests.Response, found: Findings) -> None:
    """No 5xx, nothing masked, and always a GraphQL response (a refused body too)."""
    answer = f"HTTP {response.status_code} {response.text[:SHOWN_ANSWER]}"
    if response.status_code >= 500:
        found.add(request, f"HTTP {response.status_code}", answer)
        return
    if MASKED in response.text:
        found.add(request, repr(MASKED), answer)
        return
    try:
        body: Any = response.json()
    except ValueError:
        found.add(request, "an answer that is not JSON", answer)
        return
    if not (isinstance(body, dict) and ("data" in body or "errors" in body)):
        found.add(request, "an answer that is not a GraphQL response", answer)
    elif request.malformed and response.status_code != 400:
        found.add(request, f"HTTP {response.status_code} for a malformed body", answer)


TRACEBACK = re.compile(r"^Traceback \(most recent call last\):\n(?:[ \t].*\n)+(\S.*)$", re.M)
FRAME = re.compile(r'^  File "(?P<file>[^"]+)", line (?P<line>\d+), in (?P<function>.+)$', re.M)


def failures_in_log(log: str, limit: int = 20) -> str:
    """Each distinct exception the server logged, with the frames of our code it came through."""
    seen: dict[str, str] = {}
    for match in TRACEBACK.finditer(log):
        error = match.group(1)
        ours = [
            f"{frame['file'].removeprefix(ROOT)}:{frame['line']} {frame['function']}"
            for frame in FRAME.finditer(match.group(0))
            if "site-packages" not in frame["file"]
        ]
        key = re.sub(r"\d+", "N", error)[:200]
        seen.setdefault(key, f"{error}\n    via " + " > ".join(ours[-4:]))
    return "\n".join(list(seen.values())[:limit])
