"""The contracts register: one contract, lists of them, and those due for a renewal decision.

Each question answers only the contracts the asker may see (`visibility`): those whose
contracting authority, or whose head contract's authority, they see.

Every row also carries `counterparty`: for a back-to-back contract, its head contract's
contracting authority (null for a head contract, or while its head is not on the register).
It is read from the head's row, not kept, so it can never disagree with the head contract.
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, Connection, Select, and_, select

from partnership.contracts import (
    ACTIVE,
    CALENDAR_STATUSES,
    EXPIRED,
    IN_NOTICE_PERIOD,
    contract_id,
)
from partnership.domain import InvalidInput
from partnership.limits import check_date, check_days, check_query_text
from projections.contracts import contracts_register
from projections.read import names
from projections.read.paging import (
    Ordering,
    Page,
    PageRequest,
    Row,
    check_request,
    keyset_page,
)
from projections.read.search import matching, search_text
from projections.read.visibility import EVERYTHING, Visibility, contract_seen, spellings


def contract_by_id(
    conn: Connection, contract_id: UUID | str, *, visible: Visibility = EVERYTHING
) -> Row | None:
    return contracts_by_id(conn, [str(contract_id)], visible=visible).get(str(contract_id))


def contracts_by_id(
    conn: Connection, contract_ids: Iterable[str], *, visible: Visibility = EVERYTHING
) -> dict[str, Row]:
    """Contracts by id, however many are asked about, in one statement."""
    table = contracts_register
    query = _seen(_register().where(table.c.contract_id.in_(set(contract_ids))), visible)
    return {row["contract_id"]: dict(row) for row in conn.execute(query).mappings()}


def _register() -> Select[Any]:
    """The register's rows, each with its counterparty."""
    head = contracts_register.alias("counterparty_head")
    counterparty = (
        select(head.c.authority)
        .where(head.c.contract_id == contracts_register.c.head_contract_id)
        .scalar_subquery()
        .label("counterparty")
    )
    return select(contracts_register, counterparty)


def calendar_status_is(status: str, as_of: date) -> ColumnElement[bool]:
    """The SQL of `partnership.contracts.calendar_status(...) == status`, as of `as_of`."""
    register = contracts_register
    if status not in CALENDAR_STATUSES:
        raise InvalidInput(
            f"{status!r} is not a contract status: use one of {', '.join(CALENDAR_STATUSES)}.",
            "calendarStatus",
        )
    if status == EXPIRED:
        return and_(register.c.status == ACTIVE, register.c.end_date < as_of)
    if status == IN_NOTICE_PERIOD:
        return and_(
            register.c.status == ACTIVE,
            register.c.notice_deadline < as_of,
            register.c.end_date >= as_of,
        )
    if status == ACTIVE:
        # The notice deadline is never after the end date, so neither has passed.
        return and_(register.c.status == ACTIVE, register.c.notice_deadline >= as_of)
    return register.c.status == status


def _seen(query: Select[Any], visible: Visibility) -> Select[Any]:
    if visible.everything:
        return query
    return query.where(contract_seen(contracts_register, spellings(visible)))


CONTRACTS_ORDER = Ordering(
    "contracts",
    (
        (contracts_register.c.notice_deadline, False),
        (contracts_register.c.reference, False),
        (contracts_register.c.contract_id, False),
    ),
)
RENEWALS_ORDER = Ordering("renewals", CONTRACTS_ORDER.columns)


def list_contracts(
    conn: Connection,
    authority: str | None = None,
    reference: str | None = None,
    status: str | None = None,
    *,
    calendar: tuple[str, date] | None = None,
    visible: Visibility = EVERYTHING,
) -> list[Row]:
    """Every contract asked about, soonest notice deadline first. `status` is the recorded
    status; `calendar` a calendar status and the day it is judged on."""
    query = _seen(_contracts(conn, authority, reference, status, calendar, visible), visible)
    query = query.order_by(*CONTRACTS_ORDER.order_by())
    return [dict(row) for row in conn.execute(query).mappings()]


def contracts_page(
    conn: Connection,
    request: PageRequest,
    authority: str | None = None,
    status: str | None = None,
    *,
    calendar: tuple[str, date] | None = None,
    visible: Visibility = EVERYTHING,
    search: str | None = None,
) -> Page[Row]:
    """A page of the contracts register, soonest notice deadline first (filters as
    `list_contracts`); only those whose reference, title or current supplier holds `search`
    (in any case), if given."""
    check_request(request, CONTRACTS_ORDER)
    query = _seen(_contracts(conn, authority, None, status, calendar, visible), visible)
    wanted = search_text(search)
    if wanted is not None:
        table = contracts_register
        query = query.where(matching(wanted, table.c.reference, table.c.title, table.c.supplier))
    return keyset_page(conn, query, CONTRACTS_ORDER, request)


def _contracts(
    conn: Connection,
    authority: str | None,
    reference: str | None,
    status: str | None,
    calendar: tuple[str, date] | None,
    visible: Visibility,
) -> Select[Any]:
    query = _register()
    if authority:
        registered = names.authority_named(conn, authority, visible)
        query = query.where(contracts_register.c.authority == registered)
    if reference:
        check_query_text(reference, "reference", "The reference asked about")
        query = query.where(contracts_register.c.reference == reference)
    if status:
        query = query.where(contracts_register.c.status == status)
    if calendar is not None:
        calendar_status, as_of = calendar
        check_date(as_of, "asOf", "The day asked about")
        query = query.where(calendar_status_is(calendar_status, as_of))
    return query


def contracts_due_for_renewal(
    conn: Connection, today: date, horizon_days: int, *, visible: Visibility = EVERYTHING
) -> list[Row]:
    """Live contracts whose notice deadline falls on or before today + horizon, soonest first.

    A deadline already passed is included while the contract runs: that is the most urgent case.
    """
    query = _seen(_due_for_renewal(today, horizon_days), visible)
    query = query.order_by(*RENEWALS_ORDER.order_by())
    return [dict(row) for row in conn.execute(query).mappings()]


def renewals_page(
    conn: Connection,
    today: date,
    horizon_days: int,
    request: PageRequest,
    *,
    visible: Visibility = EVERYTHING,
) -> Page[Row]:
    """A page of the contracts due for renewal (see `contracts_due_for_renewal`)."""
    query = _seen(_due_for_renewal(today, horizon_days), visible)
    return keyset_page(conn, query, RENEWALS_ORDER, request)


def _due_for_renewal(today: date, horizon_days: int) -> Select[Any]:
    check_date(today, "asOf", "The day asked about")
    check_days(horizon_days, "withinDays", "The horizon")
    register = contracts_register
    return _register().where(
        and_(
            register.c.status == ACTIVE,
            register.c.notice_deadline <= today + timedelta(days=horizon_days),
            register.c.end_date >= today,
        )
    )


def back_to_back_contracts(
    conn: Connection, references: Iterable[str], *, visible: Visibility = EVERYTHING
) -> dict[str, list[Row]]:
    """The contracts whose head contract is each of `references`, by reference.

    A head contract is named as the clerk typed it: matching on the id its reference maps to
    makes the same reference in other letter case the same contract, and uses the index.
    """
    table = contracts_register
    wanted: dict[str, list[str]] = defaultdict(list)
    for reference in references:
        wanted[str(contract_id(reference))].append(reference)
    if not wanted:
        return {}
    query = _seen(_register().where(table.c.head_contract_id.in_(list(wanted))), visible)
    query = query.order_by(table.c.reference)
    found: dict[str, list[Row]] = defaultdict(list)
    for row in conn.execute(query).mappings():
        for head in wanted[row["head_contract_id"]]:
            found[head].append(dict(row))
    return found
