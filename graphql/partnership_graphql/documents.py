"""Query documents: limited in size before parsing, and parsed and validated off the event loop
when large.

Parsing and validation are pure Python and hold the event loop while they run: a document of
repeated fields once kept every request, `/health` included, waiting for seconds. So a
document's text is capped in bytes and tokens before the parser does anything else, small
documents are parsed and validated in line (what every known operation is, so the common case
pays no thread hop), and larger ones are parsed on a worker thread and validated in a separate
process, so that whatever a caller sends, the loop keeps answering. Either way the outcome is
cached by the text, so a document sent again skips both steps.
"""

import asyncio
import gc
import multiprocessing
import os
import threading
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from multiprocessing.process import BaseProcess
from typing import Any

from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document

from graphql import (
    ASTValidationRule,
    DocumentNode,
    GraphQLError,
    GraphQLSchema,
    GraphQLSyntaxError,
    Source,
    parse,
)

# The longest document accepted, in bytes of UTF-8. The longest operation we publish (the
# introspection query with descriptions) is 1.5 KB.
MAX_DOCUMENT_BYTES = 100_000
# The most tokens (names, numbers, strings, punctuation, comments) a document may hold. The
# largest known document has 163; at this cap a hostile document costs well under a second
# of a worker's time to parse and validate.
MAX_DOCUMENT_TOKENS = 2_000
# Documents up to this many characters are parsed and validated in line: a thread hop costs
# more than they do, and the worst such document holds the loop for a few milliseconds.
INLINE_DOCUMENT_LENGTH = 500
# Worker threads for larger documents. Python runs one thread at a time, so more workers
# would only take turns with the loop; others wait their turn without holding it.
DOCUMENT_WORKERS = 1
# Outcomes kept: small documents are cheap to keep, large ones (ASTs of up to a few MB) few.
CACHED_DOCUMENTS = 512
CACHED_LARGE_DOCUMENTS = 16

# Stable codes in `extensions.code`.
PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
DOCUMENT_TOO_LARGE = "document_too_large"
TOO_MANY_TOKENS = "too_many_tokens"
QUERY_NESTED_TOO_DEEPLY = "query_too_deep"


@dataclass(frozen=True, slots=True)
class Prepared:
    """A document and its validation errors, or (no document) why it could not be parsed."""

    document: DocumentNode | None
    errors: tuple[GraphQLError, ...]


def _coded(error: GraphQLError, code: str) -> GraphQLError:
    if not (error.extensions or {}).get("code"):
        error.extensions = {**(error.extensions or {}), "code": code}
    return error


def _refused(message: str, code: str) -> Prepared:
    return Prepared(None, (GraphQLError(message, extensions={"code": code}),))


def _parse_failure(error: GraphQLSyntaxError) -> Prepared:
    message = error.message
    # graphql-core says which of its limits it hit only in words.
    if "tokens" in message and "Parsing aborted" in message:
        return _refused(
            f"This query is too long: it has more than {MAX_DOCUMENT_TOKENS:,} tokens "
            "(names, numbers and punctuation). Send it as several smaller queries.",
            TOO_MANY_TOKENS,
        )
    if "nested too deeply" in message:
        return _refused(
            "This query is nested too deeply to read. Ask for less at once.",
            QUERY_NESTED_TOO_DEEPLY,
        )
    return Prepared(None, (_coded(error, PARSE_FAILED),))


class Documents:
    """Parses and validates documents against one schema, with a cache of outcomes."""

    def __init__(self, rules: Sequence[type[ASTValidationRule]]) -> None:
        self.rules = tuple(rules)
        self.schema: GraphQLSchema | None = None
        self._small: OrderedDict[str, Prepared] = OrderedDict()
        self._large: OrderedDict[str, Prepared] = OrderedDict()
        self._workers: ThreadPoolExecutor | None = None

    def bind(self, schema: GraphQLSchema) -> None:
        self.schema = schema

    def prepare(self, query: str) -> Prepared:
        """Parse and validate, without the cache. Safe to call from any thread."""
        parsed = parse_within_limits(query)
        if isinstance(parsed, Prepared):
            return parsed
        return Prepared(parsed, self.validate(parsed))

    def validate(self, document: DocumentNode) -> tuple[GraphQLError, ...]:
        assert self.schema is not None, "bind the schema first"
        errors = validate_document(self.schema, document, self.rules)
        return tuple(_coded(error, VALIDATION_FAILED) for error in errors)

    def cached(self, query: str) -> Prepared | None:
        cache = self._small if len(query) <= INLINE_DOCUMENT_LENGTH else self._large
        prepared = cache.get(query)
        if prepared is not None:
            cache.move_to_end(query)
        return prepared

    def remember(self, query: str, prepared: Prepared) -> None:
        small = len(query) <= INLINE_DOCUMENT_LENGTH
        cache, size = (
            (self._small, CACHED_DOCUMENTS) if small else (self._large, CACHED_LARGE_DOCUMENTS)
        )
        cache[query] = prepared
        cache.move_to_end(query)
        while len(cache) > size:
            cache.popitem(last=False)

    def get(self, query: str) -> Prepared:
        """The outcome for a document, computed here (on this thread) if not known."""
        prepared = self.cached(query)
        if prepared is None:
            prepared = self.prepare(query)
            self.remember(query, prepared)
        return prepared

    async def ready(self, query: str) -> None:
        """Make sure `get` will not hold the event loop: work out a large document's outcome
        away from it."""
        if len(query) <= INLINE_DOCUMENT_LENGTH or self.cached(query) is not None:
            return
        if self._workers is None:
            self._workers = ThreadPoolExecutor(DOCUMENT_WORKERS, "graphql-documents")
        loop = asyncio.get_running_loop()
        parsed = await loop.run_in_executor(self._workers, _parse_without_collecting, query)
        if isinstance(parsed, Prepared):
            prepared = parsed
        else:
            prepared = Prepared(parsed, await self._validate_elsewhere(query, parsed))
        self.remember(query, prepared)

    async def _validate_elsewhere(
        self, query: str, document: DocumentNode
    ) -> tuple[GraphQLError, ...]:
        loop = asyncio.get_running_loop()
        try:
            found = await loop.run_in_executor(checker(), check_in_checker, query)
        except BrokenProcessPool:
            # The checker died (killed, out of memory): start a new one next time, and
            # validate this document here meanwhile.
            _reset_checker()
            assert self._workers is not None
            return await loop.run_in_executor(self._workers, self.validate, document)
        source = Source(query)
        return tuple(
            GraphQLError(message, source=source, positions=positions, extensions=extensions)
            for message, positions, extensions in found
        )


def parse_within_limits(query: str) -> DocumentNode | Prepared:
    """The document, or (as a Prepared with no document) why it was refused."""
    # `isascii` is answered from the string's header; only other text is encoded.
    size = len(query) if query.isascii() else len(query.encode("utf-8", "surrogatepass"))
    if size > MAX_DOCUMENT_BYTES:
        return _refused(
            f"This query is {size:,} bytes long; at most {MAX_DOCUMENT_BYTES:,} are "
            "accepted. Send it as several smaller queries.",
            DOCUMENT_TOO_LARGE,
        )
    try:
        return parse(query, max_tokens=MAX_DOCUMENT_TOKENS)
    except GraphQLSyntaxError as error:
        return _parse_failure(error)


def _parse_without_collecting(query: str) -> DocumentNode | Prepared:
    # Python's cycle collector stops every thread while it runs, and a full collection walks
    # the whole heap: started by the parser's many allocations, it held the loop for up to
    # 100 ms. The parser makes no cycles worth collecting, so the collector waits meanwhile.
    # Only this one worker thread switches it.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return parse_within_limits(query)
    finally:
        if enabled:
            gc.enable()


# Validation is kept off even the worker threads: the overlapping-fields rule is quadratic,
# and its millions of short-lived objects set off collections that stop every thread. So a
# large document is validated in a separate process (started on first need, and kept), against
# the application's own schema; only its errors come back.
ErrorData = tuple[str, list[int] | None, dict[str, Any] | None]
_checker: ProcessPoolExecutor | None = None
_checker_documents: Documents | None = None


def checker() -> ProcessPoolExecutor:
    global _checker
    if _checker is None:
        # Spawned, not forked: the server has threads, and a fork copies their locks.
        _checker = ProcessPoolExecutor(
            max_workers=1,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_checker,
        )
    return _checker


def _reset_checker() -> None:
    global _checker
    if _checker is not None:
        _checker.shutdown(wait=False, cancel_futures=True)
    _checker = None


def _start_checker() -> None:
    global _checker_documents
    from partnership_graphql.schema import build_schema

    # The pool's queues keep the checker waiting even after the server is killed: it goes
    # when its parent does.
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_exit_after, args=(parent,), daemon=True).start()
    _checker_documents = build_schema().documents


def _exit_after(parent: BaseProcess) -> None:
    parent.join()
    os._exit(0)


def check_in_checker(query: str) -> list[ErrorData]:
    """In the checker process: the validation errors of a document that parses."""
    assert _checker_documents is not None
    prepared = _checker_documents.prepare(query)
    return [
        (error.message, list(error.positions or ()) or None, error.extensions)
        for error in prepared.errors
    ]


def _copy(error: GraphQLError) -> GraphQLError:
    # A fresh error for each request: raising the cached one would pin each request's frames
    # to it through its traceback.
    return GraphQLError(
        error.message,
        error.nodes,
        error.source,
        error.positions,
        error.path,
        extensions=error.extensions,
    )


class PreparedDocuments(SchemaExtension):
    """Takes the parsed document and its validation errors from `Documents`."""

    def __init__(self, documents: Documents) -> None:
        self.documents = documents
        self.prepared: Prepared | None = None

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        if context.query:
            prepared = self.prepared = self.documents.get(context.query)
            if prepared.document is None:
                raise _copy(prepared.errors[0])
            context.graphql_document = prepared.document
        yield

    def on_validate(self) -> Iterator[None]:
        if self.prepared is not None:
            self.execution_context.pre_execution_errors = list(self.prepared.errors)
        yield
