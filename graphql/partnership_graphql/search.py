"""The `search` argument the lists of named records share (see `projections.read.search`)."""

from typing import Annotated

import strawberry
from strawberry.types.arguments import StrawberryArgumentAnnotation

from projections.read import SEARCH_MAX


def _searching(what: str) -> StrawberryArgumentAnnotation:
    return strawberry.argument(
        description=f"Only those whose {what} holds this text, whatever its case and spacing "
        f'(for accented letters, on PostgreSQL only), e.g. "crm" (1 to {SEARCH_MAX} '
        "characters)."
    )


NameSearch = Annotated[str | None, _searching("name")]
TitleSearch = Annotated[str | None, _searching("title")]
ContractSearch = Annotated[str | None, _searching("reference, title or current supplier")]
