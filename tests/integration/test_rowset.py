"""A read model's row set reads a batch's rows in one query, remembers what it wrote, and
writes back only the columns that changed, on both stores."""

import re
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import JSON, Column, Integer, MetaData, String, Table, event, select

from projections.database import ReadModelStore
from projections.rowset import RowSet
from service.settings import Settings

rows_metadata = MetaData()
items = Table(
    "rowset_items",
    rows_metadata,
    Column("aggregate_id", String(36), primary_key=True),
    Column("item", String(20), primary_key=True),
    Column("title", String(100), nullable=False),
    Column("tags", JSON, nullable=False),
    Column("count", Integer, nullable=False),
)


class Statements:
    """Every SELECT, INSERT and UPDATE of the table the writer sends, with how many rows of
    parameters."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, int]] = []

    def __call__(
        self, conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool
    ) -> None:
        verb = statement.lstrip().split(" ", 1)[0].upper()
        if verb in ("SELECT", "INSERT", "UPDATE") and items.name in statement:
            self.sent.append((" ".join(statement.split()), len(parameters) if many else 1))

    def of(self, verb: str) -> list[str]:
        return [statement for statement, _ in self.sent if statement.startswith(verb)]

    def clear(self) -> None:
        self.sent = []


@pytest.fixture
def store(settings: Settings) -> Iterator[ReadModelStore]:
    opened = ReadModelStore(
        settings.read_model_url(), None if settings.embedded else settings.read_model_schema
    )
    rows_metadata.create_all(opened.writer)
    try:
        yield opened
    finally:
        opened.dispose()


@pytest.fixture
def statements(store: ReadModelStore) -> Iterator[Statements]:
    seen = Statements()
    event.listen(store.writer, "before_cursor_execute", seen)
    try:
        yield seen
    finally:
        event.remove(store.writer, "before_cursor_execute", seen)


def row(aggregate: str, item: str, title: str = "t", count: int = 0) -> dict[str, Any]:
    return {"aggregate_id": aggregate, "item": item, "title": title, "tags": [], "count": count}


def written(store: ReadModelStore) -> list[dict[str, Any]]:
    with store.reader.connect() as conn:
        query = select(items).order_by(items.c.aggregate_id, items.c.item)
        return [dict(found) for found in conn.execute(query).mappings()]


def set_columns(update: str) -> set[str]:
    """The columns an UPDATE sets, as SQLAlchemy spells it on either store."""
    assignments = re.search(r" SET (.*) WHERE ", update)
    assert assignments is not None, update
    return {part.split("=")[0].strip().strip('"') for part in assignments.group(1).split(",")}


def batch(store: ReadModelStore, rows: RowSet, *keys: tuple[str, str]) -> Any:
    """Load `keys` in a transaction of the writer's, returning it to go on with."""
    conn = store.writer.connect()
    conn.begin()
    for key in keys:
        rows.want(key)
    rows.load(conn)
    return conn


def commit(conn: Any, rows: RowSet) -> None:
    rows.write(conn)
    conn.commit()
    conn.close()


def test_a_batch_reads_its_rows_in_one_query_and_writes_only_what_changed(
    store: ReadModelStore, statements: Statements
) -> None:
    rows = RowSet(items, ("aggregate_id", "item"))
    conn = batch(store, rows)
    for item in ("1", "2", "3"):
        rows.add(row("a", item))
    commit(conn, rows)
    assert len(statements.of("INSERT")) == 1
    assert statements.of("SELECT") == []  # nothing was wanted

    rows.forget()
    statements.clear()
    conn = batch(store, rows, ("a", "1"), ("a", "2"), ("a", "3"), ("a", "none such"))
    assert len(statements.of("SELECT")) == 1
    rows.load(conn)  # again, with nothing new wanted
    assert len(statements.of("SELECT")) == 1
    assert ("a", "none such") not in rows
    rows[("a", "1")]["title"] = "retitled"
    rows[("a", "2")]["count"] = 2
    rows[("a", "3")]["count"] = 3
    rows.add(row("b", "1"))
    commit(conn, rows)

    updates = statements.of("UPDATE")
    assert sorted(sorted(set_columns(update)) for update in updates) == [["count"], ["title"]]
    assert dict(statements.sent)[next(u for u in updates if "count" in set_columns(u))] == 2
    assert len(statements.of("INSERT")) == 1
    assert [(r["aggregate_id"], r["item"], r["title"], r["count"]) for r in written(store)] == [
        ("a", "1", "retitled", 0),
        ("a", "2", "t", 2),
        ("a", "3", "t", 3),
        ("b", "1", "t", 0),
    ]


def test_rows_written_are_remembered_and_an_unchanged_row_is_not_written(
    store: ReadModelStore, statements: Statements
) -> None:
    rows = RowSet(items, ("aggregate_id", "item"))
    conn = batch(store, rows)
    rows.add(row("a", "1"))
    commit(conn, rows)
    statements.clear()

    conn = batch(store, rows, ("a", "1"))
    assert statements.of("SELECT") == []
    rows[("a", "1")]["tags"] = ["new"]
    commit(conn, rows)
    assert [set_columns(update) for update in statements.of("UPDATE")] == [{"tags"}]
    statements.clear()

    conn = batch(store, rows, ("a", "1"))
    assert rows[("a", "1")]["tags"] == ["new"]
    rows[("a", "1")]["tags"] = ["new"]  # the same value again: nothing to write
    commit(conn, rows)
    assert statements.sent == []
    assert written(store)[0]["tags"] == ["new"]


def test_past_its_bound_a_row_set_forgets_what_it_wrote_before(
    store: ReadModelStore, statements: Statements
) -> None:
    rows = RowSet(items, ("aggregate_id", "item"), remember_at_most=3)
    conn = batch(store, rows)
    rows.add(row("a", "1"))
    rows.add(row("a", "2"))
    commit(conn, rows)
    conn = batch(store, rows)
    rows.add(row("b", "1"))
    rows.add(row("b", "2"))
    commit(conn, rows)  # four remembered would be past three: the first two are forgotten
    statements.clear()

    conn = batch(store, rows, ("b", "1"), ("b", "2"))
    assert statements.of("SELECT") == []
    rows.want(("a", "1"))
    rows.load(conn)
    assert len(statements.of("SELECT")) == 1
    assert rows[("a", "1")]["item"] == "1"
    conn.rollback()
    conn.close()

    rows.forget()  # as the runner has a read model do when a batch does not commit
    statements.clear()
    conn = batch(store, rows, ("b", "1"))
    assert len(statements.of("SELECT")) == 1
    conn.rollback()
    conn.close()


def test_every_row_of_an_aggregate_is_read_in_one_query(
    store: ReadModelStore, statements: Statements
) -> None:
    rows = RowSet(items, ("aggregate_id", "item"))
    conn = batch(store, rows)
    for aggregate, item in (("a", "1"), ("a", "2"), ("b", "1")):
        rows.add(row(aggregate, item))
    commit(conn, rows)
    rows.forget()
    statements.clear()

    rows.want_all_of("a")
    conn = batch(store, rows, ("b", "1"))
    assert len(statements.of("SELECT")) == 2  # the rows wanted, and every row of "a"
    assert sorted(r["item"] for r in rows.all_of("a")) == ["1", "2"]
    conn.rollback()
    conn.close()


def test_rows_many_writers_insert_alike_are_inserted_once(store: ReadModelStore) -> None:
    first = RowSet(items, ("aggregate_id", "item"), insert_if_absent=True)
    second = RowSet(items, ("aggregate_id", "item"), insert_if_absent=True)
    for rows in (first, second, first):
        rows.forget()
        conn = batch(store, rows)
        rows.add(row("a", "1", title="same"))
        commit(conn, rows)
    assert [(r["aggregate_id"], r["title"]) for r in written(store)] == [("a", "same")]
