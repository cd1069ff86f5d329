"""A deadline for a request's headers, which uvicorn does not set.

uvicorn reads headers for as long as a client takes: a connection that sends nothing, or half
a request line and then waits, stays open for good (its keep-alive timeout only runs between
requests). Hundreds of such connections cost the client nothing. This protocol closes a
connection whose request headers are not complete within HEADER_READ_TIMEOUT seconds of its
opening, or of the request's first byte; the body then has its own deadline (bodies.py).

Use it with `uvicorn.run(app, http=HeaderTimeoutProtocol, ...)`.
"""

import asyncio

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

HEADER_READ_TIMEOUT = 10.0


class HeaderTimeoutProtocol(HttpToolsProtocol):
    _header_deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._arm()

    def on_headers_complete(self) -> None:
        self._disarm()
        super().on_headers_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        self._disarm()
        self._header_deadline = self.loop.call_later(HEADER_READ_TIMEOUT, self._headers_too_slow)

    def _disarm(self) -> None:
        if self._header_deadline is not None:
            self._header_deadline.cancel()
            self._header_deadline = None

    def _headers_too_slow(self) -> None:
        self._header_deadline = None
        # Between requests, an idle keep-alive connection is uvicorn's own to time out.
        if self.cycle is not None and not self.cycle.response_complete:
            return
        if not self.transport.is_closing():
            self.transport.close()
