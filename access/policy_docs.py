"""`docs/access.md`, written from the policy table so the two can never differ."""

from pathlib import Path

from access.policy import POLICY, Effect, Rule, Target
from partnership.access import ROLE_SCOPES, Role, ScopeKind

ACCESS_DOC_PATH = Path(__file__).resolve().parent.parent / "docs" / "access.md"

_WHERE = {
    Target.VISIBLE: "what they may see",
    Target.WHOLE_RECORD: "the whole record",
    Target.PARTNERSHIP: "the partnership",
    Target.OWNER: "the partnership, or the authority it belongs to",
    Target.BODY: "the body, or the authority whose own body it is",
    Target.PROJECT: "the project's partnership, or the authority whose own project it is",
    Target.CONTRACT: "the contract's parties",
    Target.NEW_CONTRACT: "the awarding authority",
    Target.SCRUTINY_BODY: "the scrutiny body",
    Target.SUPPLIER_MEETING: "the authorities that attended",
    Target.SUPPLIER_ESCALATION: "the authorities that attended and are members of the partnership",
    Target.NEW_SUPPLIER_MEETING: "the authorities attending",
    Target.PRACTICE: "the authorities taking part",
    Target.NEW_PRACTICE: "the authorities taking part",
    Target.ALERT: "the alert's partnership or authorities",
    Target.RECORD: "wherever that kind of record's own correction lands",
}

_INTRO = """\
# Access: who may see and change what

Generated from the policy table in `access/policy.py` by `partnership export-access-docs`; a
test fails when this page and the table differ. Edit the table, then run the command.

## People, roles and grants

A person is part of the record: a name, an e-mail address and the authority they work for.
What they may do comes from their grants. Each grant gives one role on one scope, from the day
it was granted until it is revoked. Granting and revoking are events in the log, so who could
do what on any date can be read back (`people` and `person` in the API).

| role | may be granted on | in short |
| --- | --- | --- |
{roles}

## Signing in

- **API tokens** for scripts: `partnership tokens issue EMAIL --label ...` prints a token once;
  only its hash is kept. Send it as `Authorization: Bearer <token>`. Tokens expire (90 days
  unless `--days` says otherwise), record when they were last used, and can be revoked.
- **Browser sessions**: sign in at `/sign-in` with a password (`partnership people
  set-password`) or, where configured, with the council's own identity provider (OpenID
  Connect). The session is a signed, `HttpOnly`, `SameSite=Lax` cookie. Every request a
  session sends by POST (every change, and a query sent as GraphiQL sends it) must carry the
  session's CSRF token in the `X-CSRF-Token` header (code `csrf_token_missing` or
  `csrf_token_invalid`, 403); a query sent by GET needs none.
- Credentials that do not hold (malformed, forged, expired, revoked, ended) are refused whole
  with 401 and a code: `credentials_malformed`, `token_invalid`, `token_expired`,
  `token_revoked`, `session_invalid`, `session_expired`, `session_ended`, `person_unknown`.
- A sign-in that held is remembered for a second, so that a page does not check its
  credentials again on every request: a token or grant revoked, or a session signed out
  elsewhere, stops working within a second of it (a session signed out here, at once); a
  token or session is never honoured past its expiry.
- Limits: each token (or session) may send `PARTNERSHIP_REQUESTS_PER_MINUTE` requests a
  minute, however its header is spelt; requests without credentials share their address's
  allowance; and an address that sends that many credentials that do not hold in a minute is
  refused (429, `rate_limited`) for the rest of it.

## What each operation needs

A refused operation answers a GraphQL error with `extensions.code` `sign_in_required` (no
credentials were sent) or `not_allowed`; nothing is read or recorded. Every event names the
signed-in person who recorded it (their id, name and authority), never a value from the input.

### Reads

Anyone holding one of the roles named may ask; the answer holds only what the person may see.
Auditors, admins and anyone granted a role on everything see the whole record. Everyone else
sees the shared record of the partnerships they are part of (those of their grants, and those
their authority is a member of), and what concerns their own authority or the member
authorities of those partnerships (an authority's own bodies, projects and practices among
it); of any other partnership they see nothing, not even in counts. A contract's value is
shown only to the people of its parties (and auditors and admins); to anyone else it is null,
and `withheld` says why.

| operation | {role_heads} | what |
| --- | {role_rule} | --- |
{reads}

### Changes

A change is allowed when one of the person's grants, of a role named, reaches where the change
lands: the whole record needs a grant on everything; a body is reached by a grant on it, on its
partnership or on everything (an authority's own body or project, by a grant on that
authority); a contract by a grant on one of its parties or on everything.

| operation | {role_heads} | lands on | what |
| --- | {role_rule} | --- | --- |
{writes}
"""


def _role_line(role: Role) -> str:
    scopes = ", ".join(
        kind.value for kind in ScopeKind if kind in ROLE_SCOPES[role]
    )  # in a fixed order
    meaning = {
        Role.BOARD_MEMBER: "reads the shared record of the partnerships they sit on",
        Role.SECRETARY: "records meetings, decisions, milestones and recommendations for the "
        "bodies and projects they serve",
        Role.PROCUREMENT_OFFICER: "records contract events for contracts their authority is "
        "party to; manages reminders",
        Role.AUDITOR: "reads everything; changes nothing",
        Role.ADMIN: "authorities, partnerships and people",
    }[role]
    return f"| `{role.value}` | {scopes} | {meaning} |"


def _cells(rule: Rule) -> str:
    return " | ".join("yes" if role in rule.roles else "" for role in Role)


def access_markdown() -> str:
    reads = [rule for rule in POLICY if rule.effect is Effect.READ]
    writes = [rule for rule in POLICY if rule.effect is Effect.WRITE]
    return _INTRO.format(
        roles="\n".join(_role_line(role) for role in Role),
        role_heads=" | ".join(f"`{role.value}`" for role in Role),
        role_rule=" | ".join("---" for _ in Role),
        reads="\n".join(f"| `{r.operation}` | {_cells(r)} | {r.summary} |" for r in reads),
        writes="\n".join(
            f"| `{r.operation}` | {_cells(r)} | {_WHERE[r.target]} | {r.summary} |" for r in writes
        ),
    )


def write_access_doc(path: Path = ACCESS_DOC_PATH) -> Path:
    path.write_text(access_markdown(), encoding="utf-8")
    return path
