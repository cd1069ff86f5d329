"""The floor for the GraphQL endpoint: a bare Litestar JSON endpoint returning the same page.

`GET /timeline?authority=…&from=YYYY-MM-DD&to=YYYY-MM-DD&first=50` calls the same
`timeline_page` the GraphQL resolver calls, on a worker thread as the resolver does, and
returns the same rows in the same shape (edges of cursor + node, with the authorities, and
the page info), serialised by Litestar's own JSON encoder. No schema, validation of a query
document, or per-field resolution: what GraphQL costs beyond this is its own.
"""

from datetime import date
from typing import Annotated, Any

from litestar import Litestar, MediaType, get
from litestar.params import Parameter

from projections.database import ReadModelStore
from projections.read import TimelineFilter, timeline_page

PATH = "/timeline"


def page_json(store: ReadModelStore, filters: TimelineFilter, first: int) -> dict[str, Any]:
    with store.reader.connect() as conn:
        page = timeline_page(conn, filters, first=first)
    return {
        "edges": [
            {"cursor": cursor, "node": {**row, "authorities": page.authorities[row["position"]]}}
            for row, cursor in zip(page.rows, page.cursors, strict=True)
        ],
        "pageInfo": {
            "hasNextPage": page.has_next_page,
            "hasPreviousPage": page.has_previous_page,
            "startCursor": page.cursors[0] if page.cursors else None,
            "endCursor": page.cursors[-1] if page.cursors else None,
        },
    }


def create_bare_app(store: ReadModelStore) -> Litestar:
    @get(PATH, media_type=MediaType.JSON, sync_to_thread=True)
    def timeline(
        authority: str,
        effective_from: Annotated[date, Parameter(query="from")],
        effective_to: Annotated[date, Parameter(query="to")],
        first: int = 50,
    ) -> dict[str, Any]:
        filters = TimelineFilter(
            authority=authority, effective_from=effective_from, effective_to=effective_to
        )
        return page_json(store, filters, first)

    @get("/health", media_type=MediaType.JSON, sync_to_thread=False)
    def health() -> dict[str, Any]:
        return {"status": "ok"}

    return Litestar(route_handlers=[timeline, health])
