"""The offline GraphiQL page loads nothing from outside, and the files it loads are vendored.

Fast checks without a browser; tests/e2e/test_graphiql_offline.py proves it in Chromium.
"""

import base64
import hashlib
from collections.abc import Iterator
from html.parser import HTMLParser

import pytest
from litestar.testing import create_test_client
from strawberry.http.ides import get_graphql_ide_html

from partnership_graphql import ide
from partnership_graphql.ide import (
    CDN_ASSETS,
    GRAPHIQL_ASSETS_PATH,
    _offline_page,
    graphiql_assets_dir,
    graphiql_assets_router,
    local_asset_urls,
    offline_graphiql_html,
    remote_urls,
)


class _IntegrityFinder(HTMLParser):
    """Collects (url, integrity) of every <script>/<link> that pins a hash."""

    def __init__(self) -> None:
        super().__init__()
        self.pinned: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        url = found.get("src") or found.get("href")
        integrity = found.get("integrity")
        if url and integrity:
            self.pinned[url] = integrity


def _strawberry_pinned_assets() -> dict[str, str]:
    finder = _IntegrityFinder()
    finder.feed(get_graphql_ide_html("graphiql"))
    return finder.pinned


@pytest.fixture(autouse=True)
def _fresh_html_cache() -> Iterator[None]:
    _offline_page.cache_clear()
    yield
    _offline_page.cache_clear()


def test_the_page_loads_nothing_from_another_host() -> None:
    html = offline_graphiql_html()

    assert remote_urls(html) == []
    assert "unpkg.com" not in html
    assert "integrity=" not in html
    assert "crossorigin" not in html


def test_strawberry_page_is_recognised_as_loading_from_a_cdn() -> None:
    # Guards the check itself: if it found nothing here it would prove nothing above.
    assert sorted(remote_urls(get_graphql_ide_html("graphiql"))) == sorted(CDN_ASSETS)


def test_every_local_asset_the_page_loads_exists_on_disk() -> None:
    urls = local_asset_urls(offline_graphiql_html())

    assert len(urls) == len(CDN_ASSETS)
    for url in urls:
        path = graphiql_assets_dir() / url.removeprefix(f"{GRAPHIQL_ASSETS_PATH}/")
        assert path.is_file(), f"{url} is referenced but {path} is missing"


def test_vendored_files_are_the_exact_files_strawberry_pins() -> None:
    pinned = _strawberry_pinned_assets()

    assert set(pinned) == set(CDN_ASSETS), "strawberry's assets changed: see graphiql-vendor"
    for cdn_url, local_file in CDN_ASSETS.items():
        algorithm, _, expected = pinned[cdn_url].partition("-")
        data = (graphiql_assets_dir() / local_file).read_bytes()
        actual = base64.b64encode(hashlib.new(algorithm, data).digest()).decode()
        assert actual == expected, f"{local_file} is not the file strawberry pins at {cdn_url}"


def test_each_vendored_package_keeps_its_licence_and_the_readme_names_it() -> None:
    readme = (graphiql_assets_dir() / "README.md").read_text(encoding="utf-8")
    for local_file in CDN_ASSETS.values():
        package_dir = (graphiql_assets_dir() / local_file).parent
        assert (package_dir / "LICENSE").is_file(), f"{package_dir} has no LICENSE"
        assert f"`{local_file}`" in readme


def test_the_page_posts_queries_to_the_given_graphql_path() -> None:
    assert 'new URL("/api/graphql", window.location.href)' in offline_graphiql_html("/api/graphql")


@pytest.mark.parametrize("bad_path", ["https://example.org/graphql", "//example.org/graphql"])
def test_the_graphql_path_must_stay_on_this_server(bad_path: str) -> None:
    with pytest.raises(ValueError, match="path on this server"):
        offline_graphiql_html(bad_path)


def test_an_asset_strawberry_adds_later_fails_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    upgraded = get_graphql_ide_html("graphiql").replace(
        "</head>", '<script src="https://unpkg.com/new-thing@1.0.0/x.js"></script></head>'
    )
    monkeypatch.setattr(ide, "get_graphql_ide_html", lambda _ide: upgraded)

    with pytest.raises(RuntimeError, match=r"https://unpkg\.com/new-thing@1\.0\.0/x\.js"):
        offline_graphiql_html()


def test_the_router_serves_the_vendored_files() -> None:
    with create_test_client(route_handlers=[graphiql_assets_router()]) as client:
        for local_file in CDN_ASSETS.values():
            response = client.get(f"{GRAPHIQL_ASSETS_PATH}/{local_file}")
            assert response.status_code == 200, local_file
            assert response.content == (graphiql_assets_dir() / local_file).read_bytes()


def test_the_page_sends_the_signed_in_sessions_csrf_token_and_escapes_it() -> None:
    html = offline_graphiql_html(csrf_token="abc</script>")
    assert 'const csrfToken = "abc\\u003c/script>";' in html
    assert 'defaultHeaders["x-csrf-token"] = csrfToken;' in html
    assert "const csrfToken = null;" in offline_graphiql_html()
