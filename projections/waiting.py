"""How a follower waits for new events: PostgreSQL's NOTIFY where there is one, else a pause."""

import threading
from collections.abc import Callable
from typing import Any

from partnership.application import PartnershipApplication

Waiter = Callable[[threading.Event], Any]


def notification_waiter(app: PartnershipApplication, poll_interval: float) -> Waiter:
    channel = getattr(app.recorder, "channel_name", None)
    datastore = getattr(app.recorder, "datastore", None)
    if channel is None or datastore is None or not hasattr(datastore, "get_connection"):
        return lambda stop: stop.wait(poll_interval)
    return _PostgresWaiter(app, channel, poll_interval)


def close_waiter(waiter: Waiter | None) -> None:
    close = getattr(waiter, "close", None)
    if close is not None:
        close()


class _PostgresWaiter:
    def __init__(self, app: PartnershipApplication, channel: str, poll_interval: float) -> None:
        import psycopg
        from psycopg.sql import SQL, Identifier

        env = app.env
        self.poll_interval = poll_interval
        self.conn = psycopg.connect(
            dbname=env.get("POSTGRES_DBNAME"),
            host=env.get("POSTGRES_HOST"),
            port=env.get("POSTGRES_PORT"),
            user=env.get("POSTGRES_USER"),
            password=env.get("POSTGRES_PASSWORD") or None,
            autocommit=True,
        )
        self.conn.execute(SQL("LISTEN {0}").format(Identifier(channel)))

    def __call__(self, stop: threading.Event) -> None:
        # A timeout, not a blocking wait, so that `stop` is seen promptly.
        for _ in self.conn.notifies(timeout=self.poll_interval, stop_after=1):
            pass

    def close(self) -> None:
        self.conn.close()
