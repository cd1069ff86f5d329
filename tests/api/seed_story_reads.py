"""The read queries that should show the whole of the example's story, and what they answer.

Each list of records (authorities, partnerships, bodies, meetings, contracts, projects,
inquiries, supplier meetings) and the timeline are read page by page, each row asked for all it
shows and which type answers it, so that a value can be looked for by the type and field it
stands in, within the record it belongs to. What belongs to a record (a meeting's decisions, a
project's milestones, an inquiry's recommendations, a supplier meeting's actions) is read
inside it: the lists of those alone hold nothing more that was entered.
"""

import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from graphql import FieldNode, NameNode, SelectionSetNode, Visitor, parse, print_ast, visit
from tests.api.conftest import GraphQLClient

# Summary lines are prose made from the facts; a fact must stand in a field of its own.
PROSE = frozenset({"TimelineEntry.summary"})

MEMBERSHIP = """
    partnership authority role heldRoles roles { role effectiveDate until }
    joinedOn leftOn leavingReason
"""
MILESTONE = """
    partnership project key title authority originalDueDate currentDueDate
    due { edtf label earliest latest }
    dueDateHistory { dueDate due { edtf label earliest latest } reason changedOn }
    slippageDays status achievedOn overdue daysOverdue
"""
DECISION = """
    id partnership body meetingDate number item form wording withdrawn
    votes { authority vote } electronicResponses { authority vote receivedOn }
    votesFor votesAgainst abstentions outcome supersededHow
    supersedes { number body meetingDate }
    supersededBy { number body meetingDate }
    meeting { sequence }
"""
ACTION = """
    supplier meetingDate meetingTitle number text owner ownerSide dueDate
    due { edtf label earliest latest } status closedOn outcome overdue daysOverdue
"""
CONTRACT = """
    id reference title supplier suppliers supplierHistory { supplier from until } authority
    headContractReference counterparty startDate endDate noticePeriodDays
    noticePeriod { amount unit label iso } noticeDeadline extensionOptionsLeft autoRenews
    status terminationReason awardedOn version lastChangedOn value
    withheld { field reason code } headContract { reference }
    linkedContracts { reference }
"""

# Every list the record is read back by, each asked for everything it shows, page by page.
# `$after` is the cursor each next page is asked from; the connection is the root field; PAGE
# is the page's size, written into the query, as what a query may cost is judged from its text.
READS: dict[str, str] = {
    "authorities": f"""
        query($after: String) {{ authorities(first: PAGE, after: $after) {{
          edges {{ node {{ id name kind registeredOn withdrawn partnerships
            memberships {{ {MEMBERSHIP} }} }} }}
          pageInfo {{ hasNextPage endCursor }} }} }}""",
    "partnerships": f"""
        query($after: String) {{ partnerships(first: PAGE, after: $after) {{
          edges {{ node {{ id name purpose formedOn withdrawn
            visions {{ text effectiveDate }} vision {{ text effectiveDate }}
            members {{ {MEMBERSHIP} }} }} }}
          pageInfo {{ hasNextPage endCursor }} }} }}""",
    "bodies": """
        query($after: String) { bodies(first: PAGE, after: $after) {
          edges { node { id partnership authority name kind establishedOn withdrawn parentBody
            termsOfReference { version items effectiveDate }
            chairs { person authority effectiveDate }
            decisionRules { quorum voting electronicResponseDays effectiveDate }
            members { authority appointedOn removedOn removalReason }
            parent { name } } }
          pageInfo { hasNextPage endCursor } } }""",
    "meetings": f"""
        query($partnership: String!, $after: String) {{
          meetings(partnership: $partnership, first: PAGE, after: $after) {{
          edges {{ node {{ id partnership body meetingDate sequence status withdrawn
            attendeeCount apologyCount attendees {{ person authority role }}
            apologies {{ person authority }} agenda {{ number title }}
            declarations {{ person item interest }} members
            rule {{ quorum voting electronicResponseDays responsesDueBy }}
            decisions {{ {DECISION} }} }} }}
          pageInfo {{ hasNextPage endCursor }} }} }}""",
    "contracts": f"""
        query($after: String) {{ contracts(first: PAGE, after: $after) {{
          edges {{ node {{ {CONTRACT} }} }}
          pageInfo {{ hasNextPage endCursor }} }} }}""",
    "projects": f"""
        query($after: String) {{ projects(first: PAGE, after: $after) {{
          edges {{ node {{ id partnership authority name description authorities startedOn
            stages {{ authority stage since }}
            milestones {{ {MILESTONE} }}
            progressReports {{ authority stage note reportedOn }} }} }}
          pageInfo {{ hasNextPage endCursor }} }} }}""",
    "inquiries": """
        query($after: String) { inquiries(first: PAGE, after: $after) {
          edges { node { id body title termsOfReference openedOn closedOn
            recommendations { number text objective ownerAuthority status madeOn
              progressUpdates { text status reportedByAuthority reportedOn } } } }
          pageInfo { hasNextPage endCursor } } }""",
    "supplierMeetings": f"""
        query($after: String) {{ supplierMeetings(first: PAGE, after: $after) {{
          edges {{ node {{ id supplier meetingDate title
            authorityAttendees {{ person authority }} supplierAttendees topics
            actions {{ {ACTION} }}
            escalations {{ number text toBody effectiveDate }} }} }}
          pageInfo {{ hasNextPage endCursor }} }} }}""",
    "timeline": """
        query($after: String) {
          timeline(first: PAGE, after: $after, order: OLDEST_FIRST) {
          edges { node { position effectiveDate effectiveWhen effectiveLabel recordedAt kind
            summary subject subjectType partnership body project contractReference authorities
            recordedBy recordedByAuthority recordedById source recordId version
            withdrawnReason revisedAt } }
          pageInfo { hasNextPage endCursor } } }""",
}
# The lists that are asked partnership by partnership.
BY_PARTNERSHIP = frozenset({"meetings"})


def with_typenames(query: str) -> str:
    """The query asking, in every selection, which type answers it: the checker finds each
    value by the type and field it was read from."""
    document = parse(query)

    class AddTypename(Visitor):
        def leave_selection_set(self, node: SelectionSetNode, *_: Any) -> SelectionSetNode:
            typename = FieldNode(name=NameNode(value="__typename"))
            return SelectionSetNode(selections=(*node.selections, typename))

    return print_ast(visit(document, AddTypename()))


def typed_leaves(answer: Any, typename: str = "") -> Iterator[tuple[str, Any]]:
    """Each scalar of an answer as ("Type.field", value), by the type it was read from."""
    if isinstance(answer, list):
        for each in answer:
            yield from typed_leaves(each, typename)
    elif isinstance(answer, dict):
        own = answer.get("__typename", typename)
        for key, value in answer.items():
            if key == "__typename":
                continue
            if isinstance(value, dict | list) and not _scalars(value):
                yield from typed_leaves(value, own)
            else:
                for each in value if isinstance(value, list) else [value]:
                    yield f"{own}.{key}", each


def _scalars(value: Any) -> bool:
    return isinstance(value, list) and all(not isinstance(v, dict | list) for v in value)


# Pages small enough that each stays within what the API lets one query cost, counting each
# nested list at its assumed size; the lists not named here are read 100 at a time.
PAGE_SIZES = {
    "authorities": 10,
    "partnerships": 10,
    "bodies": 50,
    "meetings": 5,
    "contracts": 50,
    "projects": 4,
    "inquiries": 10,
    "supplierMeetings": 25,
}


def read_query(name: str) -> str:
    """The read query of this list, with its page size, asking each answer's type."""
    return with_typenames(READS[name].replace("first: PAGE", f"first: {PAGE_SIZES.get(name, 100)}"))


def normal(value: Any) -> str:
    """One form for a value wherever it was read: text with its spacing collapsed, true and
    false in lower case, numbers and dates as the text they are sent as."""
    if isinstance(value, bool):
        return str(value).lower()
    return re.sub(r"\s+", " ", str(value)).strip()


@dataclass
class ReadBack:
    """What the read queries answered: for each record (by its id), each value of it and of
    all nested in it, by the "Type.field" it stood in; and each timeline entry's fields, by
    its position."""

    by_record: dict[str, dict[str, set[str]]] = field(default_factory=dict)
    entries: dict[int, dict[str, set[str]]] = field(default_factory=dict)

    def take(self, node: dict[str, Any]) -> None:
        if "id" not in node:
            return
        own = self.by_record.setdefault(node["id"], defaultdict(set))
        for place, value in typed_leaves(node):
            if place not in PROSE and value is not None:
                own[place].add(normal(value))

    def take_entry(self, entry: dict[str, Any]) -> None:
        fields: dict[str, set[str]] = defaultdict(set)
        self.entries[entry["position"]] = fields
        for place, value in typed_leaves(entry):
            if place not in PROSE and value is not None:
                fields[place].add(normal(value))

    def records_of(self, positions: range) -> list[dict[str, set[str]]]:
        """What was read of the records a mutation changed, found by its timeline entries,
        and those entries themselves."""
        entries = [self.entries[p] for p in positions if p in self.entries]
        ids = {i for entry in entries for i in entry.get("TimelineEntry.recordId", ())}
        return [self.by_record[i] for i in sorted(ids) if i in self.by_record] + entries


def read_everything(client: GraphQLClient, partnerships: set[str]) -> ReadBack:
    read = ReadBack()
    for name in READS:
        asked = read_query(name)
        for partnership in sorted(partnerships) if name in BY_PARTNERSHIP else [None]:
            given = {} if partnership is None else {"partnership": partnership}
            for node in every_node(client, name, asked, given):
                read.take(node)
                if name == "timeline":
                    read.take_entry(node)
    return read


def every_node(
    client: GraphQLClient, name: str, query: str, given: dict[str, Any]
) -> list[dict[str, Any]]:
    nodes: list[dict[str, Any]] = []
    after: str | None = None
    while True:
        page = client.data(query, {**given, "after": after})[name]
        nodes += [edge["node"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return nodes
        after = page["pageInfo"]["endCursor"]


INPUT_TYPES = """
query InputTypes { __schema { types { name inputFields { name type { ...Named } } } } }
fragment Named on __Type { name ofType { name ofType { name ofType { name } } } }
"""


def input_fields(types: list[dict[str, Any]]) -> dict[str, dict[str, str | None]]:
    known = {t["name"] for t in types if t["inputFields"] is not None}

    def named(kind: dict[str, Any]) -> str | None:
        while kind["name"] is None:
            kind = kind["ofType"]
        return kind["name"] if kind["name"] in known else None

    return {
        t["name"]: {f["name"]: named(f["type"]) for f in t["inputFields"]}
        for t in types
        if t["inputFields"] is not None
    }


def input_paths(types: dict[str, dict[str, str | None]], name: str, prefix: str = "") -> set[str]:
    paths: set[str] = set()
    for field_name, nested in types[name].items():
        path = f"{prefix}{field_name}"
        paths |= {path} if nested is None else input_paths(types, nested, f"{path}.")
    return paths
