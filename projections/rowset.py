"""The rows of one read-model table that a batch of events touches.

A read model names the rows its batch will change (`want`, `want_all_of`); `load` reads, in one
query, those not remembered from earlier batches; handlers change them in place or `add` new
ones; `write` inserts the new rows and updates only the columns that changed, one statement per
set of columns. Rewriting every column (and its JSON) for each change dominated rebuilds, and
so did reading back rows just written: written rows are remembered for the next batch, up to a
bound, past which they are all forgotten so that memory stays bounded on a long log.

Changes are found by comparing each row with the row as loaded, so a handler assigns a column
a new value (a new list, say) rather than changing the old value in place.
"""

from collections import defaultdict
from collections.abc import Hashable, Iterator
from typing import Any

from sqlalchemy import Connection, Insert, Table, and_, bindparam, insert, select, tuple_, update
from sqlalchemy.dialects import postgresql, sqlite

Key = tuple[Any, ...]
Row = dict[str, Any]

# Remembered rows spare a rebuild from reading back what it has just written; past this many
# a row set forgets them all.
REMEMBER_AT_MOST = 100_000


class RowSet:
    def __init__(
        self,
        table: Table,
        key_columns: tuple[str, ...],
        *,
        remember_at_most: int = REMEMBER_AT_MOST,
        insert_if_absent: bool = False,
    ) -> None:
        """`remember_at_most=0` for rows no later event changes (one per event, say);
        `insert_if_absent` for a table that other read models write the very same rows into."""
        self.table = table
        self.key_columns = key_columns
        self.remember_at_most = remember_at_most
        self.insert_if_absent = insert_if_absent
        self._remembered: dict[Key, Row] = {}
        self._rows: dict[Key, Row] = {}
        self._as_read: dict[Key, Row] = {}
        self._wanted: set[Key] = set()
        self._wanted_all_of: set[Hashable] = set()
        self._inserts: dict[str, Insert] = {}

    def key_of(self, row: Row) -> Key:
        return tuple(row[name] for name in self.key_columns)

    def want(self, key: Key) -> None:
        """The batch changes this row, already written by an earlier one."""
        self._wanted.add(key)

    def want_all_of(self, first: Hashable) -> None:
        """The batch concerns every row whose first key column is `first`."""
        self._wanted_all_of.add(first)

    def load(self, conn: Connection) -> None:
        """Bring in the rows wanted: remembered ones from memory, the rest in one query (and one
        more for `want_all_of`). May be called again in a batch for rows found wanted later."""
        unknown = []
        for key in self._wanted:
            if key in self._rows:
                continue
            remembered = self._remembered.get(key)
            if remembered is None:
                unknown.append(key)
            else:
                # The remembered row itself: were the batch not to commit, the read model
                # forgets everything (see Projection.forget).
                self._rows[key] = remembered
                self._as_read[key] = dict(remembered)
        self._wanted = set()
        columns = [self.table.c[name] for name in self.key_columns]
        if unknown:
            matching = (
                columns[0].in_([key[0] for key in unknown])
                if len(columns) == 1
                else tuple_(*columns).in_(unknown)
            )
            self._read(conn, select(self.table).where(matching))
        if self._wanted_all_of:
            self._read(conn, select(self.table).where(columns[0].in_(self._wanted_all_of)))
            self._wanted_all_of = set()

    def _read(self, conn: Connection, query: Any) -> None:
        for found in conn.execute(query).mappings():
            row = dict(found)
            key = self.key_of(row)
            if key not in self._rows:
                self._rows[key] = row
                self._as_read[key] = dict(found)

    def __getitem__(self, key: Key) -> Row:
        return self._rows[key]

    def __contains__(self, key: Key) -> bool:
        return key in self._rows

    def get(self, key: Key) -> Row | None:
        return self._rows.get(key)

    def add(self, row: Row) -> Row:
        """A row the batch makes; one loaded under its key is replaced (column by column)."""
        self._rows[self.key_of(row)] = row
        return row

    def add_written(self, row: Row) -> Row:
        """A row the table already holds (written by another writer in this transaction):
        nothing to write, but remembered as any other."""
        key = self.key_of(row)
        self._rows[key] = row
        self._as_read[key] = row
        return row

    def all_of(self, first: Hashable) -> list[Row]:
        """The batch's rows whose first key column is `first` (see `want_all_of`)."""
        return [row for key, row in self._rows.items() if key[0] == first]

    def __iter__(self) -> Iterator[Row]:
        return iter(self._rows.values())

    def write(self, conn: Connection) -> None:
        """Insert the new rows, update what changed in the others, and remember them all."""
        new_rows = [row for key, row in self._rows.items() if key not in self._as_read]
        if new_rows:
            conn.execute(self._insert(conn), new_rows)
        by_columns: dict[tuple[str, ...], list[Row]] = defaultdict(list)
        for key, before in self._as_read.items():
            after = self._rows[key]
            changed = tuple(sorted(name for name in after if after[name] != before[name]))
            if changed:
                keys = {f"k_{i}": part for i, part in enumerate(key)}
                by_columns[changed].append({**keys, **{name: after[name] for name in changed}})
        if by_columns:
            match = and_(
                *(
                    self.table.c[name] == bindparam(f"k_{i}")
                    for i, name in enumerate(self.key_columns)
                )
            )
            for columns, changes in by_columns.items():
                values: dict[str, Any] = {name: bindparam(name) for name in columns}
                conn.execute(update(self.table).where(match).values(values), changes)
        # Remembered once written; the runner has the read model forget if the batch does not
        # commit.
        if self.remember_at_most:
            if len(self._remembered) + len(self._rows) > self.remember_at_most:
                self._remembered = {}
            self._remembered.update(self._rows)
        self._rows = {}
        self._as_read = {}

    def _insert(self, conn: Connection) -> Insert:
        if not self.insert_if_absent:
            return insert(self.table)
        found = self._inserts.get(conn.dialect.name)
        if found is None:
            dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
            found = self._inserts[conn.dialect.name] = dialect.insert(
                self.table
            ).on_conflict_do_nothing()
        return found

    def forget(self) -> None:
        """Drop the remembered rows and the batch's: another writer may have changed them."""
        self._remembered = {}
        self._rows = {}
        self._as_read = {}
        self._wanted = set()
        self._wanted_all_of = set()
