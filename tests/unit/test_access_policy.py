"""The access policy table: complete, coherent, and what docs/access.md says."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from access.policy import POLICY, RULES, Effect, Refusal, Target, Where, refusal
from access.policy_docs import ACCESS_DOC_PATH, access_markdown
from partnership.access import ROLE_SCOPES, Grant, Principal, Role, ScopeKind
from partnership_graphql.schema import build_schema

pytestmark = pytest.mark.store_agnostic


def test_docs_access_md_is_generated_from_the_table() -> None:
    assert ACCESS_DOC_PATH.read_text(encoding="utf-8") == access_markdown(), (
        "docs/access.md differs from the policy table: run `partnership export-access-docs`"
    )


def test_every_root_field_has_exactly_one_row_and_every_row_a_field() -> None:
    schema = build_schema(introspection=True)
    reads, writes = _graphql_names(schema, "Query"), _graphql_names(schema, "Mutation")
    assert reads | writes == set(RULES)
    assert {r.operation for r in POLICY if r.effect is Effect.READ} == reads


def _graphql_names(schema: object, type_name: str) -> set[str]:
    graphql_type = schema._schema.type_map[type_name]  # type: ignore[attr-defined]
    return set(graphql_type.fields)


def test_auditors_change_nothing() -> None:
    assert not [r.operation for r in POLICY if r.effect is Effect.WRITE and Role.AUDITOR in r.roles]


def _person(*grants: Grant, authority: str = "Burnley Borough Council") -> Principal:
    return Principal("p", "A Person", "a@example.org", authority, grants)


def _grant(role: Role, kind: ScopeKind, scope: str | None, partnership: str | None = None) -> Grant:
    return Grant("1", role, kind, scope, date(2020, 1, 1), partnership)


def test_anonymous_is_told_to_sign_in_for_everything() -> None:
    for rule in POLICY:
        assert refusal(rule, None, Where()) is Refusal.SIGN_IN_REQUIRED


def test_a_procurement_officer_changes_only_their_authority_contracts() -> None:
    officer = _person(
        _grant(Role.PROCUREMENT_OFFICER, ScopeKind.AUTHORITY, "Burnley Borough Council")
    )
    extend = RULES["extendContract"]
    ours = Where(authorities=frozenset({"burnley borough council"}))
    theirs = Where(authorities=frozenset({"Pendle Borough Council"}))
    assert refusal(extend, officer, ours) is None
    assert refusal(extend, officer, theirs) is Refusal.NOT_ALLOWED
    assert refusal(RULES["recordDecision"], officer, Where("P", "B")) is Refusal.NOT_ALLOWED


def test_a_body_secretary_is_bound_to_the_body_of_that_partnership() -> None:
    secretary = _person(
        _grant(Role.SECRETARY, ScopeKind.BODY, "Joint Committee", "Shared Services")
    )
    record = RULES["recordDecision"]
    assert refusal(record, secretary, Where("Shared Services", "JOINT  committee")) is None
    assert (
        refusal(record, secretary, Where("Other Partnership", "Joint Committee"))
        is Refusal.NOT_ALLOWED
    )
    assert (
        refusal(RULES["startProject"], secretary, Where("Shared Services")) is Refusal.NOT_ALLOWED
    )


names = st.sampled_from(["Alpha", "Beta", "Gamma"])


@given(
    role=st.sampled_from(list(Role)),
    kind=st.sampled_from(list(ScopeKind)),
    scope=names,
    partnership=names,
    body=names,
    authority=names,
    operation=st.sampled_from([r.operation for r in POLICY]),
)
def test_a_grant_never_reaches_beyond_its_role_or_scope(
    role: Role,
    kind: ScopeKind,
    scope: str,
    partnership: str,
    body: str,
    authority: str,
    operation: str,
) -> None:
    if kind not in ROLE_SCOPES[role]:
        return
    grant = _grant(role, kind, None if kind is ScopeKind.EVERYTHING else scope, partnership)
    rule = RULES[operation]
    where = Where(partnership, body, frozenset({authority}))
    allowed = refusal(rule, _person(grant), where) is None
    if role not in rule.roles:
        assert not allowed
    elif rule.effect is Effect.READ or kind is ScopeKind.EVERYTHING:
        assert allowed
    elif rule.target is Target.WHOLE_RECORD:
        assert not allowed
    elif allowed:
        # Whatever it reached, it reached through its own scope.
        assert scope in (partnership, body, authority)
