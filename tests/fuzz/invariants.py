"""What every answer must be, whatever was sent, and a record of each distinct way it was not.

Whoever sends it: never a 5xx, never "Unexpected error.", always a GraphQL response. Then, by
the credential it carried:

- a malformed Authorization header or a forged token: 401 with its code, and no data;
- no credentials: no data from any field, and `sign_in_required` for every field run;
- a real token: never 401 or `sign_in_required`; `not_allowed` and no data for a field the
  person's role may not use, as the access policy's table says; never `not_allowed` for a
  read their role may make.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from access.policy import RULES, Effect, Refusal
from tests.fuzz.credentials import REFUSED_WITH
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


def judge(request: Request, response: requests.Response, found: Findings) -> bool:
    """Adds to `found` each rule the answer breaks; returns whether the request was refused
    (its credentials, its body, or the policy), so that nothing may be recorded for it."""
    answer = f"HTTP {response.status_code} {response.text[:SHOWN_ANSWER]}"
    status = response.status_code
    if status >= 500:
        found.add(request, f"HTTP {status}", answer)
        return False
    if MASKED in response.text:
        found.add(request, repr(MASKED), answer)
        return False
    try:
        body: Any = response.json()
    except ValueError:
        found.add(request, "an answer that is not JSON", answer)
        return False
    if not (isinstance(body, dict) and ("data" in body or "errors" in body)):
        found.add(request, "an answer that is not a GraphQL response", answer)
        return False
    answered = Answered(status, body, response.headers.get("www-authenticate"))
    credential = request.credential
    if credential.kind in REFUSED_WITH:
        broken = _bad_credentials(answered, REFUSED_WITH[credential.kind])
    elif request.malformed:
        broken = [] if status == 400 else [f"HTTP {status} for a malformed body"]
    elif credential.signed_in:
        broken = _signed_in(request, answered)
    else:
        broken = _anonymous(answered)
    for kind in broken:
        found.add(request, kind, answer)
    return status in (400, 401, 403) or bool(answered.codes & REFUSALS)


REFUSALS = {Refusal.SIGN_IN_REQUIRED.value, Refusal.NOT_ALLOWED.value}


@dataclass(frozen=True)
class Answered:
    status: int
    body: dict[str, Any]
    authenticate: str | None

    @property
    def errors(self) -> list[Any]:
        errors = self.body.get("errors")
        return errors if isinstance(errors, list) else []

    @property
    def codes(self) -> set[str]:
        return {_code(error) for error in self.errors}

    @property
    def field_codes(self) -> set[str]:
        """The codes of errors raised while running a field (they have a path)."""
        return {_code(error) for error in self.errors if _has_path(error)}

    @property
    def ran(self) -> bool:
        """Whether the document was run: every error came from a field (none from parsing,
        validating or coercing variables, which stop a document before it runs)."""
        return all(_has_path(error) for error in self.errors)

    @property
    def has_data(self) -> bool:
        data = self.body.get("data")
        return isinstance(data, dict) and any(value is not None for value in data.values())


def _code(error: Any) -> str:
    extensions = error.get("extensions") if isinstance(error, dict) else None
    code = extensions.get("code") if isinstance(extensions, dict) else None
    return str(code)


def _has_path(error: Any) -> bool:
    return isinstance(error, dict) and bool(error.get("path"))


def _bad_credentials(answered: Answered, code: str) -> list[str]:
    broken = []
    if answered.status != 401:
        broken.append(f"HTTP {answered.status} for credentials that do not hold")
    if answered.codes != {code}:
        broken.append(
            f"codes {sorted(answered.codes)} for credentials that do not hold, not {code}"
        )
    if "data" in answered.body:
        broken.append("data for credentials that do not hold")
    if answered.status == 401 and not answered.authenticate:
        broken.append("a 401 without WWW-Authenticate")
    return broken


def _anonymous(answered: Answered) -> list[str]:
    broken = []
    if answered.has_data:
        broken.append("data for a request with no credentials")
    if answered.field_codes - {Refusal.SIGN_IN_REQUIRED.value}:
        broken.append(
            f"a field run with no credentials answered {sorted(answered.field_codes)}, "
            "not only sign_in_required"
        )
    if answered.ran and Refusal.SIGN_IN_REQUIRED.value not in answered.codes:
        broken.append("a document run with no credentials, and no sign_in_required")
    return broken


def _signed_in(request: Request, answered: Answered) -> list[str]:
    role = request.credential.role
    rule = RULES[request.root_field]
    broken = []
    if answered.status == 401:
        broken.append("HTTP 401 for a real token")
    if Refusal.SIGN_IN_REQUIRED.value in answered.codes:
        broken.append("sign_in_required for a real token")
    if role not in rule.roles:
        if answered.has_data:
            broken.append(f"data for {role}, whose role may not use {rule.operation}")
        if answered.ran and answered.field_codes != {Refusal.NOT_ALLOWED.value}:
            broken.append(
                f"{sorted(answered.field_codes)} for {role}, whose role may not use "
                f"{rule.operation}: not only not_allowed"
            )
    elif rule.effect is Effect.READ and Refusal.NOT_ALLOWED.value in answered.codes:
        broken.append(f"not_allowed for a read the role {role} may make")
    return broken


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
