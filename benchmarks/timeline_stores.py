"""Which stores a timeline benchmark can run on, their versions, and their datasets ready."""

import sys
from concurrent.futures import ProcessPoolExecutor

from benchmarks.stores import postgres_problem
from benchmarks.timeline_datasets import Dataset, dataset, is_cached


def prepare(stores: list[str], sizes: list[int], admin_url: str) -> dict[tuple[str, int], Dataset]:
    """Every dataset the run needs; missing ones are built two at a time (one per core)."""
    wanted = [(store, events) for store in stores for events in sizes]
    missing = [key for key in wanted if not is_cached(*key, admin_url)]
    if len(missing) > 1:
        with ProcessPoolExecutor(max_workers=2) as pool:
            futures = {key: pool.submit(dataset, *key, admin_url) for key in missing}
            built = {key: future.result() for key, future in futures.items()}
    else:
        built = {key: dataset(*key, admin_url) for key in missing}
    return {key: built.get(key) or dataset(*key, admin_url) for key in wanted}


def store_version(store: str, admin_url: str) -> str:
    if store == "sqlite":
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version}"
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as admin:
        row = admin.execute("SHOW server_version").fetchone()
        autovacuum = admin.execute("SHOW autovacuum").fetchone()
    return (
        f"PostgreSQL {row[0] if row else '?'} (autovacuum {autovacuum[0] if autovacuum else '?'})"
    )


def usable_stores(stores: list[str], admin_url: str) -> list[str]:
    found = []
    for store in stores:
        if store not in ("sqlite", "postgres"):
            raise SystemExit(f"unknown store {store!r}: choose from sqlite, postgres")
        if store == "postgres" and (problem := postgres_problem(admin_url)) is not None:
            if stores == ["postgres"]:
                raise SystemExit(f"PostgreSQL is unreachable at {admin_url}: {problem}")
            print(f"PostgreSQL is unreachable ({problem}); skipping it.", file=sys.stderr)
            continue
        found.append(store)
    return found
