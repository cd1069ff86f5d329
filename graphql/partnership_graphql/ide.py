"""GraphiQL that works with no outside network.

strawberry's GraphiQL page loads React, GraphiQL, js-cookie and the explorer plugin from a
public CDN, so on a closed council network it stays blank. We serve byte-identical copies of
those files (vendored from the npm registry, see ``graphiql-vendor/README.md``) from our own
route and rewrite strawberry's page to point at them.

The page is taken from the installed strawberry at call time, so it keeps in step with
strawberry's own script; a strawberry upgrade that pins a new asset leaves a CDN URL behind,
and ``offline_graphiql_html`` then raises instead of serving a page that would go blank.
"""

from __future__ import annotations

import functools
import json
import re
from html.parser import HTMLParser
from pathlib import Path

from litestar.router import Router
from litestar.static_files import create_static_files_router
from strawberry.http.ides import get_graphql_ide_html

GRAPHIQL_ASSETS_PATH = "/graphiql-assets"

# Each URL strawberry's page loads -> the vendored file under graphiql-vendor/. Pinned by
# exact URL (version included) so a new version in strawberry is a miss, not a silent reuse
# of an older file. tests/unit/test_graphiql_assets.py checks each file against the
# sha384 integrity hash strawberry pins for its URL.
CDN_ASSETS: dict[str, str] = {
    "https://unpkg.com/react@18.2.0/umd/react.production.min.js": "react/react.production.min.js",
    "https://unpkg.com/react-dom@18.2.0/umd/react-dom.production.min.js": (
        "react-dom/react-dom.production.min.js"
    ),
    "https://unpkg.com/js-cookie@3.0.5/dist/js.cookie.min.js": "js-cookie/js.cookie.min.js",
    "https://unpkg.com/graphiql@3.8.3/graphiql.min.css": "graphiql/graphiql.min.css",
    "https://unpkg.com/graphiql@3.8.3/graphiql.min.js": "graphiql/graphiql.min.js",
    "https://unpkg.com/@graphiql/plugin-explorer@1.0.2/dist/style.css": (
        "graphiql-plugin-explorer/style.css"
    ),
    "https://unpkg.com/@graphiql/plugin-explorer@1.0.2/dist/index.umd.js": (
        "graphiql-plugin-explorer/index.umd.js"
    ),
}

# strawberry's page posts queries to its own URL; we point it at the GraphQL path instead
# so the page also works when served from elsewhere.
_FETCH_URL_JS = 'const fetchURL = window.location.href.split("?")[0];'

# `integrity` and `crossorigin` only matter for cross-origin CDN files; the unit test checks
# the vendored bytes against strawberry's hashes instead.
_CDN_ONLY_ATTRIBUTES = re.compile(r'\s+(?:integrity="[^"]*"|crossorigin(?:="[^"]*")?)(?=[\s/>])')
_SCRIPT_OR_LINK_TAG = re.compile(r"<(?:script|link)\b[^>]*>")
_REMOTE_URL = re.compile(r"^\s*(?:https?:)?//", re.IGNORECASE)


def graphiql_assets_dir() -> Path:
    """The directory holding the vendored GraphiQL files."""
    return Path(__file__).resolve().parent / "graphiql-vendor"


def graphiql_assets_router() -> Router:
    """A router serving the vendored GraphiQL files at GRAPHIQL_ASSETS_PATH."""
    return create_static_files_router(
        path=GRAPHIQL_ASSETS_PATH,
        directories=[graphiql_assets_dir()],
        name="graphiql-assets",
        include_in_schema=False,
    )


# strawberry's page sends Django's CSRF cookie; ours sends the session's CSRF token, which the
# page is given when a signed-in browser opens it, so GraphiQL works with a session.
_CSRF_JS = 'const csrfToken = Cookies.get("csrftoken");'
_CSRF_HEADER_JS = 'defaultHeaders["x-csrftoken"] = csrfToken;'


def offline_graphiql_html(graphql_path: str = "/graphql", csrf_token: str | None = None) -> str:
    """strawberry's GraphiQL page, loading every asset from GRAPHIQL_ASSETS_PATH, sending
    `csrf_token` (the signed-in session's) with every request."""
    # "<" escaped so that no value can close the <script> element.
    token_js = json.dumps(csrf_token).replace("<", "\\u003c")
    html = _offline_page(graphql_path).replace(_CSRF_JS, f"const csrfToken = {token_js};")
    return html.replace(_CSRF_HEADER_JS, 'defaultHeaders["x-csrf-token"] = csrfToken;')


@functools.cache
def _offline_page(graphql_path: str) -> str:
    """The page for one GraphQL path, made once.

    Raises RuntimeError if the page still loads anything from another host (a strawberry
    upgrade that changed its assets: refresh graphiql-vendor/ as its README says).
    """
    if not graphql_path.startswith("/") or graphql_path.startswith("//"):
        raise ValueError(f"graphql_path must be a path on this server, got {graphql_path!r}")

    html = get_graphql_ide_html("graphiql")
    for cdn_url, local_file in CDN_ASSETS.items():
        html = html.replace(cdn_url, f"{GRAPHIQL_ASSETS_PATH}/{local_file}")
    html = _SCRIPT_OR_LINK_TAG.sub(lambda tag: _CDN_ONLY_ATTRIBUTES.sub("", tag[0]), html)

    if _FETCH_URL_JS not in html:
        raise RuntimeError(
            "strawberry's GraphiQL page no longer sets its fetch URL as "
            f"{_FETCH_URL_JS!r}; update partnership_graphql.ide for the new strawberry"
        )
    # "<" escaped so that no path can close the <script> element.
    path_js = json.dumps(graphql_path).replace("<", "\\u003c")
    html = html.replace(
        _FETCH_URL_JS, f"const fetchURL = new URL({path_js}, window.location.href).href;"
    )

    if _CSRF_JS not in html or _CSRF_HEADER_JS not in html:
        raise RuntimeError(
            "strawberry's GraphiQL page no longer sends a CSRF token as it did; update "
            "partnership_graphql.ide for the new strawberry"
        )

    remote = remote_urls(html)
    if remote:
        raise RuntimeError(
            "strawberry's GraphiQL page still loads assets from outside this server: "
            + ", ".join(remote)
            + ". Vendor them into partnership_graphql/graphiql-vendor/ and add them to "
            "partnership_graphql.ide.CDN_ASSETS (see graphiql-vendor/README.md)."
        )
    return html


def remote_urls(html: str) -> list[str]:
    """Every URL on another host that the page's elements or inline styles would load."""
    finder = _RemoteUrlFinder()
    finder.feed(html)
    finder.close()
    return finder.remote


def local_asset_urls(html: str) -> list[str]:
    """Every URL under GRAPHIQL_ASSETS_PATH that the page's elements load."""
    finder = _RemoteUrlFinder()
    finder.feed(html)
    finder.close()
    return [url for url in finder.urls if url.startswith(f"{GRAPHIQL_ASSETS_PATH}/")]


class _RemoteUrlFinder(HTMLParser):
    # Only attributes that make the browser fetch something: an <svg xmlns="http://..."> in
    # the favicon's data: URL is a name, not a request.
    _FETCHING_ATTRIBUTES = frozenset({"src", "href", "srcset", "poster", "data", "action"})
    _CSS_URL = re.compile(r"""(?:url\(\s*['"]?|@import\s+['"])((?:https?:)?//[^'")\s]+)""")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []
        self.remote: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in_style = tag == "style"
        for name, value in attrs:
            if value is None:
                continue
            if name in self._FETCHING_ATTRIBUTES:
                self.urls.append(value)
                if _REMOTE_URL.match(value):
                    self.remote.append(value)
            elif name == "style":
                self.remote.extend(self._CSS_URL.findall(value))

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.remote.extend(self._CSS_URL.findall(data))
