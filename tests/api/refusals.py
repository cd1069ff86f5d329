"""Reading the coded errors of a GraphQL answer, by the field that was refused."""

from typing import Any


def refused_fields(body: dict[str, Any]) -> dict[str, tuple[str, str | None]]:
    """Each top-level field refused: its error's code and the argument at fault."""
    found: dict[str, tuple[str, str | None]] = {}
    for error in body.get("errors") or ():
        extensions = error.get("extensions") or {}
        found[str(error["path"][0])] = (str(extensions.get("code")), extensions.get("field"))
    return found
