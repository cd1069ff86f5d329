"""Every query field and every mutation, asked over HTTP by each role, by someone of another
authority and by no one: refused exactly where the policy table and the person's grants say,
and a refusal records nothing.

The operations are read from the schema itself, so a field added later is asked too. Each
mutation is sent with an input built from its input type and aimed at places of the example
whose scope is known: inside and outside each person's grants. An allowed call need not
succeed (the sample input may not fit the record, and a stale `expectedVersion` keeps most of
them from changing it); it must only not be refused.
"""

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from access.policy import POLICY, RULES, Effect, Rule, Target
from graphql import (
    GraphQLField,
    GraphQLInputType,
    get_named_type,
    is_enum_type,
    is_input_object_type,
    is_list_type,
    is_non_null_type,
    is_required_argument,
    is_required_input_field,
)
from partnership.access import ScopeKind
from partnership.contracts import contract_id
from partnership.global_ids import Kind, encode
from partnership_graphql.schema import build_schema
from service.example_contracts import BURNLEY_CRM, HEAD_CRM
from service.example_papers import BURNLEY, CHORLEY, LCC, LSSCC, PENNINE_IT, SCRUTINY_PANEL
from tests.api.access_world import (
    BURNLEY_REVIEW,
    CONTRACT_PARTIES,
    DEMO,
    OUTSIDER,
    PENDLE_LEISURE,
    SCRUTINY_SECRETARY,
    WEEKLY,
    GrantOn,
    Someone,
    World,
    beside_the_example,
    open_world,
    refusal_code,
)

pytestmark = pytest.mark.store_agnostic

SCHEMA = build_schema(introspection=True)._schema
QUERIES: dict[str, GraphQLField] = dict(SCHEMA.query_type.fields)  # type: ignore[union-attr]
MUTATIONS: dict[str, GraphQLField] = dict(SCHEMA.mutation_type.fields)  # type: ignore[union-attr]

IDENTITIES: dict[str, Someone | None] = {
    "anonymous": None,
    **DEMO,
    SCRUTINY_SECRETARY.key: SCRUTINY_SECRETARY,
    OUTSIDER.key: OUTSIDER,
}

JOINT_COMMITTEE = "Joint Committee"
PENNINE_GROUP = "Pennine Lancashire IT Managers Group"
TELEPHONY = "Telephony system installation"
PENNINE_PLAN = "IT Services Joint Working Action Plan"
INQUIRY = "Contact Centre Efficiencies and Partnership with Lancashire County Council"
# A version no record reaches: most allowed changes are then refused as stale, after the access
# check, and leave the record as the next sample expects it.
STALE = 999_999


@dataclass(frozen=True)
class Landing:
    """Where a sample change lands, as the test knows it from the example."""

    partnership: str | None = None
    body: str | None = None
    authorities: frozenset[str] = frozenset()
    whole_record: bool = False
    # Not on record: let through to the command (as not found) for anyone holding the role.
    missing: bool = False


@dataclass(frozen=True)
class Aim:
    label: str
    given: dict[str, Any]
    landing: Landing
    # An alert of the example, by the words its subject starts with.
    alert: str | None = None


def _supplier(meeting: tuple[Any, Any, str]) -> dict[str, Any]:
    supplier, day, title = meeting
    return {"supplier": supplier, "meetingDate": str(day), "title": title}


def _attending(authority: str) -> dict[str, Any]:
    return {"authorityAttendees": [{"person": "Ruth Hawes", "authority": authority}]}


AIMS: dict[Target, tuple[Aim, ...]] = {
    Target.WHOLE_RECORD: (
        Aim(
            "record",
            {"partnership": LSSCC, "authority": CHORLEY},
            Landing(whole_record=True),
        ),
    ),
    Target.PARTNERSHIP: (
        Aim("lsscc", {"partnership": LSSCC}, Landing(partnership=LSSCC)),
        Aim("pennine", {"partnership": PENNINE_IT}, Landing(partnership=PENNINE_IT)),
    ),
    Target.OWNER: (
        Aim("lsscc", {"partnership": LSSCC}, Landing(partnership=LSSCC)),
        Aim("pennine", {"partnership": PENNINE_IT}, Landing(partnership=PENNINE_IT)),
        Aim("of-chorley", {"authority": CHORLEY}, Landing(authorities=frozenset({CHORLEY}))),
    ),
    Target.NEW_PRACTICE: tuple(
        Aim(
            f"with-{name.split()[0].lower()}",
            {"authorities": [name]},
            Landing(authorities=frozenset({name})),
        )
        for name in (LCC, BURNLEY)
    ),
    Target.PRACTICE: (Aim("missing", {"name": "No such practice"}, Landing(missing=True)),),
    Target.BODY: (
        Aim(
            "joint-committee",
            {"partnership": LSSCC, "body": JOINT_COMMITTEE},
            Landing(LSSCC, JOINT_COMMITTEE),
        ),
        Aim(
            "pennine-group",
            {"partnership": PENNINE_IT, "body": PENNINE_GROUP},
            Landing(PENNINE_IT, PENNINE_GROUP),
        ),
    ),
    Target.PROJECT: (
        Aim("telephony", {"partnership": LSSCC, "project": TELEPHONY}, Landing(LSSCC)),
        Aim(
            "pennine-plan",
            {"partnership": PENNINE_IT, "project": PENNINE_PLAN},
            Landing(PENNINE_IT),
        ),
    ),
    Target.SCRUTINY_BODY: (
        Aim("panel", {"body": SCRUTINY_PANEL, "inquiry": INQUIRY}, Landing(body=SCRUTINY_PANEL)),
        Aim(
            "other-panel",
            {"body": "Pendle Scrutiny Committee", "inquiry": INQUIRY},
            Landing(body="Pendle Scrutiny Committee"),
        ),
    ),
    Target.CONTRACT: (
        *(
            Aim(reference, {"reference": reference}, Landing(authorities=parties))
            for reference, parties in CONTRACT_PARTIES.items()
        ),
        Aim("missing", {"reference": "NO-SUCH-CONTRACT"}, Landing(missing=True)),
    ),
    Target.NEW_CONTRACT: (
        Aim("by-county", {"authority": LCC}, Landing(authorities=frozenset({LCC}))),
        Aim("by-burnley", {"authority": BURNLEY}, Landing(authorities=frozenset({BURNLEY}))),
        Aim(
            "back-to-back",
            {"authority": BURNLEY, "headContractReference": HEAD_CRM},
            # Only the awarding council: the head contract's party awards nothing for it.
            Landing(authorities=frozenset({BURNLEY})),
        ),
    ),
    Target.NEW_SUPPLIER_MEETING: tuple(
        Aim(
            f"attended-by-{name.split()[0].lower()}",
            _attending(name),
            Landing(authorities=frozenset({name})),
        )
        for name in (LCC, BURNLEY)
    ),
    Target.SUPPLIER_MEETING: (
        Aim("weekly", _supplier(WEEKLY), Landing()),
        Aim("burnley-review", _supplier(BURNLEY_REVIEW), Landing(authorities=frozenset({BURNLEY}))),
    ),
    Target.SUPPLIER_ESCALATION: (
        Aim(
            "burnley-review-to-lsscc",
            {**_supplier(BURNLEY_REVIEW), "partnership": LSSCC, "toBody": JOINT_COMMITTEE},
            Landing(authorities=frozenset({BURNLEY})),
        ),
        Aim(
            "burnley-review-to-pendle",
            # Burnley is no member of Pendle's partnership: its issues do not go there.
            {**_supplier(BURNLEY_REVIEW), "partnership": PENDLE_LEISURE, "toBody": "Board"},
            Landing(),
        ),
    ),
    # A record by its id: allowed as that kind of record's own correction is (covered in
    # test_revisions_api); an id naming nothing is let through to the command, as not found.
    Target.RECORD: (
        Aim(
            "missing",
            {"record": encode(Kind.CONTRACT, contract_id("NO-SUCH-CONTRACT"))},
            Landing(missing=True),
        ),
    ),
    Target.ALERT: (
        Aim(
            "renewal",
            {},
            Landing(authorities=frozenset({LCC})),
            alert="Renewal of contract LSSCC-CRM-LCC",
        ),
        Aim(
            "milestone",
            {},
            Landing(LSSCC, authorities=frozenset({BURNLEY})),
            alert="Milestone 'Greenspace playgrounds",
        ),
        Aim(
            "recommendation",
            {},
            # A stale recommendation concerns the scrutiny body that made it, whose secretary
            # records its progress.
            Landing(body=SCRUTINY_PANEL, authorities=frozenset({LCC})),
            alert="Recommendation 4a ",
        ),
    ),
}


# Values for the fields a sample leaves to the defaults, by field name.
TEXT = {
    "source": "Access matrix sample paper",
    "email": "nobody@sample.invalid",
    "grantId": "1",
    "supplier": "Northgate",
    "authority": LCC,
    "partnership": LSSCC,
    "toBody": JOINT_COMMITTEE,
    "decisionNumber": "1.1",
    "number": "1",
    "item": "1",
    "level": "overdue",
    "key": "sample-key",
}
INTS = {"expectedVersion": STALE, "correctsVersion": 1, "noticePeriodDays": 90, "quorum": 1}
DAYS = {"endDate": "2012-09-01"}


def sample_value(name: str, kind: GraphQLInputType, given: dict[str, Any]) -> Any:
    if name in given:
        return given[name]
    inner = kind.of_type if is_non_null_type(kind) else kind
    if is_list_type(inner):
        return []
    named = get_named_type(kind)
    if is_enum_type(named):
        return next(iter(named.values))
    if is_input_object_type(named):
        return sample_input(named, {})
    return {
        "String": TEXT.get(name, "Sample words"),
        "Int": INTS.get(name, 1),
        "Date": DAYS.get(name, "2011-09-01"),
        "Decimal": "1000.00",
        "Boolean": False,
    }[named.name]


def sample_input(input_type: Any, given: dict[str, Any]) -> dict[str, Any]:
    """The required fields, the aim's, and a stale expected version where there is one."""
    wanted = {
        name
        for name, each in input_type.fields.items()
        if is_required_input_field(each) or name in given or name == "expectedVersion"
    }
    return {name: sample_value(name, input_type.fields[name].type, given) for name in wanted}


def mutation_document(name: str) -> str:
    kind = get_named_type(MUTATIONS[name].args["input"].type).name
    answer = "__typename ... on Problem { code message field }"
    return f"mutation Sample($input: {kind}!) {{ {name}(input: $input) {{ {answer} }} }}"


QUERY_ARGUMENTS = {
    "reference": HEAD_CRM,
    "partnership": LSSCC,
    "email": DEMO["admin"].email,
    "name": JOINT_COMMITTEE,
    "body": SCRUTINY_PANEL,
    "title": INQUIRY,
}
# Where a query names its record otherwise than the rest.
QUERY_ARGUMENTS_OF = {
    "partnership": {"name": LSSCC},
    "project": {"name": TELEPHONY},
    "node": {"id": encode(Kind.CONTRACT, contract_id(HEAD_CRM))},
}
# A partnership named to someone who does not see it is answered as one not on record: each
# asks about one they see.
PARTNERSHIP_SEEN_BY = {"outsider": PENDLE_LEISURE}
# Who sees the whole record, so that every sample names something they see.
SEES_EVERYTHING = {"admin", "auditor"}


def query_document(name: str, identity: str | None = None) -> str:
    field_type = QUERIES[name]
    given = (
        QUERY_ARGUMENTS
        | {"partnership": PARTNERSHIP_SEEN_BY.get(identity or "", LSSCC)}
        | QUERY_ARGUMENTS_OF.get(name, {})
    )
    arguments = ", ".join(
        f"{argument}: {given[argument]!r}".replace("'", '"')
        for argument, each in field_type.args.items()
        if is_required_argument(each)
    )
    called = f"{name}({arguments})" if arguments else name
    return f"query Sample {{ {called} {{ __typename }} }}"


def reaches(grant: GrantOn, landing: Landing) -> bool:
    """Whether the grant reaches where the change lands, as the policy's table says."""

    def same(one: str | None, other: str | None) -> bool:
        return one is not None and other is not None and one.casefold() == other.casefold()

    if grant.scope_kind is ScopeKind.EVERYTHING:
        return True
    if landing.whole_record:
        return False
    if grant.scope_kind is ScopeKind.PARTNERSHIP:
        return same(grant.scope, landing.partnership)
    if grant.scope_kind is ScopeKind.BODY:
        in_same_partnership = (grant.partnership is None and landing.partnership is None) or same(
            grant.partnership, landing.partnership
        )
        return same(grant.scope, landing.body) and in_same_partnership
    return any(same(grant.scope, authority) for authority in landing.authorities)


def expected_refusal(who: Someone | None, rule: Rule, landing: Landing | None) -> str | None:
    """What the policy table and these grants say: the refusal's code, or None if allowed."""
    if who is None:
        return "sign_in_required"
    grants = [grant for grant in who.grants if grant.role in rule.roles]
    if not grants:
        return "not_allowed"
    if rule.effect is Effect.READ or landing is None or landing.missing:
        return None
    return None if any(reaches(grant, landing) for grant in grants) else "not_allowed"


@dataclass
class MatrixWorld:
    world: World
    alerts: dict[str, tuple[str, str]] = field(default_factory=dict)

    def alert(self, starts: str) -> tuple[str, str]:
        [found] = [alert for subject, alert in self.alerts.items() if subject.startswith(starts)]
        return found


@pytest.fixture(scope="module")
def matrix(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MatrixWorld]:
    people = (SCRUTINY_SECRETARY, OUTSIDER)
    directory: Path = tmp_path_factory.mktemp("access-matrix")
    with open_world(directory, people=people, setup=beside_the_example) as world:
        alerts = world.client("auditor").data(
            "{ alerts(first: 100) { edges { node { key level subject } } } }"
        )["alerts"]["edges"]
        found = {
            edge["node"]["subject"]: (edge["node"]["key"], edge["node"]["level"]) for edge in alerts
        }
        yield MatrixWorld(world, found)


def test_every_field_of_the_schema_has_its_row_and_no_row_is_left_over() -> None:
    rows = {rule.operation: rule.effect for rule in POLICY}
    assert dict.fromkeys(QUERIES, Effect.READ) | dict.fromkeys(MUTATIONS, Effect.WRITE) == rows


def test_every_write_target_has_somewhere_to_aim() -> None:
    targets = {rule.target for rule in POLICY if rule.effect is Effect.WRITE}
    assert targets <= set(AIMS)


def test_the_samples_hold_writes_outside_each_writing_role_s_scope() -> None:
    """The matrix is not vacuous: each person who may write somewhere is refused elsewhere."""
    for key in ("secretary", "procurement_officer", "scrutiny_secretary"):
        who = IDENTITIES[key]
        assert who is not None
        holding = [
            (rule.operation, aim.label)
            for rule in POLICY
            if rule.effect is Effect.WRITE and who.grants[0].role in rule.roles
            for aim in AIMS[rule.target]
        ]
        outside = [
            sample
            for sample in holding
            if expected_refusal(who, RULES[sample[0]], _landing(*sample)) == "not_allowed"
        ]
        assert holding, key
        assert outside, key
        assert len(outside) < len(holding), key


def _landing(operation: str, label: str) -> Landing:
    [aim] = [aim for aim in AIMS[RULES[operation].target] if aim.label == label]
    return aim.landing


@pytest.mark.parametrize("operation", list(QUERIES))
@pytest.mark.parametrize("identity", list(IDENTITIES))
def test_each_query_field_is_answered_or_refused_as_the_policy_says(
    matrix: MatrixWorld, identity: str, operation: str
) -> None:
    world = matrix.world
    expected = expected_refusal(IDENTITIES[identity], RULES[operation], None)
    before = world.head()
    body = world.client(identity).post(query_document(operation, identity))
    if expected is None:
        # Allowed: answered. A single record the person does not see is answered as not on
        # record, with its code, exactly as one that is not there.
        errors = body.get("errors") or []
        if identity in SEES_EVERYTHING:
            assert not errors, body
        assert all(e["extensions"]["code"].endswith("_not_found") for e in errors), body
        assert errors or operation in body["data"]
    else:
        assert refusal_code(body) == expected, body
        # A nullable field is refused as null; any other takes the whole answer with it.
        assert (body["data"] or {}).get(operation) is None
        [error] = body["errors"]
        assert error["path"] == [operation]
    assert world.head() == before


def _mutation_cases() -> Iterator[Any]:
    for identity in IDENTITIES:
        for operation, rule in RULES.items():
            if rule.effect is not Effect.WRITE:
                continue
            for aim in AIMS[rule.target]:
                yield pytest.param(
                    identity, operation, aim, id=f"{identity}-{operation}-{aim.label}"
                )


@pytest.mark.parametrize(("identity", "operation", "aim"), list(_mutation_cases()))
def test_each_mutation_is_let_through_or_refused_as_the_policy_says(
    matrix: MatrixWorld, identity: str, operation: str, aim: Aim
) -> None:
    world = matrix.world
    given = dict(aim.given)
    if aim.alert is not None:
        given["key"], given["level"] = matrix.alert(aim.alert)
    kind = get_named_type(MUTATIONS[operation].args["input"].type)
    sent = sample_input(kind, given)
    expected = expected_refusal(IDENTITIES[identity], RULES[operation], aim.landing)
    before = world.head()
    body = world.client(identity).post(mutation_document(operation), {"input": sent})
    if expected is None:
        assert not body.get("errors"), (sent, body)
        assert body["data"][operation]["__typename"], body
    else:
        assert refusal_code(body) == expected, (sent, body)
        assert body["data"] is None, body
        assert world.head() == before, "a refused change recorded something"


PAPER = {"effectiveDate": "2011-09-01", "source": "Officer's note of the change"}
# For each role that records, a change in its own area, made with an input that fits.
REALLY_RECORDED: list[tuple[str, str, dict[str, Any], str]] = [
    (
        "admin",
        "registerAuthority",
        {"name": "Hyndburn Borough Council", "kind": "DISTRICT"},
        "Recorded",
    ),
    (
        "secretary",
        "planMeeting",
        {"partnership": LSSCC, "body": JOINT_COMMITTEE, "meetingDate": "2011-10-10"},
        "Recorded",
    ),
    (
        "scrutiny_secretary",
        "recordRecommendationProgress",
        {"body": SCRUTINY_PANEL, "inquiry": INQUIRY, "number": "4a", "text": "Reviewed again."},
        "Recorded",
    ),
    (
        "procurement_officer",
        "varyContract",
        {"reference": BURNLEY_CRM, "description": "More seats"},
        "Recorded",
    ),
    (
        "procurement_officer",
        "recordSupplierMeeting",
        {
            "supplier": "Northgate",
            "meetingDate": "2011-09-01",
            "title": "Burnley telephony",
            **_attending(BURNLEY),
        },
        "Recorded",
    ),
    ("secretary", "acknowledgeAlert", {"alert": "Milestone 'Start training'"}, "Recorded"),
]


@pytest.mark.parametrize(
    ("identity", "operation", "given", "success"),
    REALLY_RECORDED,
    ids=[f"{identity}-{operation}" for identity, operation, _, _ in REALLY_RECORDED],
)
def test_an_allowed_change_with_an_input_that_fits_is_recorded(
    matrix: MatrixWorld, identity: str, operation: str, given: dict[str, Any], success: str
) -> None:
    world = matrix.world
    if "alert" in given:
        key, level = matrix.alert(given["alert"])
        sent: dict[str, Any] = {"key": key, "level": level}
    else:
        sent = {**PAPER, **given}
    before = world.head()
    answer = world.client(identity).data(
        f"mutation ($input: {get_named_type(MUTATIONS[operation].args['input'].type).name}!) "
        f"{{ {operation}(input: $input) {{ __typename ... on Problem {{ code message }} }} }}",
        {"input": sent},
    )[operation]
    assert answer["__typename"] == success, answer
    assert world.head() > before


READS = {
    "board_member": (
        f'{{ meetings(partnership: "{LSSCC}", first: 100) {{ edges {{ node {{ body }} }} }} }}'
    ),
    "auditor": "{ people(first: 100) { edges { node { email } } } }",
    "outsider": (
        f'{{ timeline(filter: {{partnership: "{OUTSIDER.grants[0].scope}"}}, first: 5) '
        "{ edges { node { summary } } } }"
    ),
}


@pytest.mark.parametrize("identity", list(READS))
def test_a_reader_is_answered_with_what_they_may_see(matrix: MatrixWorld, identity: str) -> None:
    [listed] = matrix.world.client(identity).data(READS[identity]).values()
    assert listed["edges"], identity


def test_a_document_with_a_refused_change_records_none_of_its_changes(
    matrix: MatrixWorld, caplog: pytest.LogCaptureFixture
) -> None:
    world = matrix.world
    vary = (
        '{alias}: varyContract(input: {{reference: "{reference}", description: "More seats", '
        'effectiveDate: "2011-09-01", source: "Variation letter"}}) {{ __typename }}'
    )
    allowed = vary.format(alias="allowed", reference=BURNLEY_CRM)
    refused = vary.format(alias="refused", reference=HEAD_CRM)
    before = world.head()
    officer = world.client("procurement_officer")
    body = officer.post(f"mutation {{ {allowed} {refused} }}")
    assert refusal_code(body) == "not_allowed"
    # The whole document is refused before any change in it is recorded.
    assert world.head() == before, body
    assert body["errors"][0]["path"] == ["refused"]
    # However the refused change is hidden in the document.
    hidden = officer.post(
        f"mutation {{ {allowed} ...Refused }} fragment Refused on Mutation {{ {refused} }}"
    )
    assert refusal_code(hidden) == "not_allowed"
    assert world.head() == before, hidden
    assert officer.post(f"mutation {{ {allowed} }}")["data"]["allowed"]
    assert world.head() > before
    # A refusal is the caller's answer, not a fault: no error is logged for it.
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]
