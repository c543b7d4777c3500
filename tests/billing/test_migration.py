"""Migration ``0005_billing_year`` on a database billed by the former version.

A database at ``0004_dated_facts`` holds a closed September run written in the
former shape: one invoice per child and payer in ``szo_invoice`` (numbers
``YYYY-NNNNN``), ``szo_invoice_counter``, and billed entries without document
numbers or fingerprints.  After the upgrade the invoices are documents that
keep their printed numbers, the counter goes on in the invoice series, and the
next run recomputes what September billed (it has no fingerprints) and corrects
it; the downgrade gives back the parents' invoices.
"""

from __future__ import annotations

import itertools
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import text
from tests.billing._world import ORG, SEPTEMBER, add_world, decision, organisation

from szo_core.adapters.sql import HEAD_REVISION, SqlStore, _rows, make_engine, migrate
from szo_core.adapters.sql.billing import SqlBillingStore
from szo_core.billing import DocumentKind, run_billing
from szo_core.calendar import Month
from szo_core.model import Child

SEP, OCT = Month(2026, 9), Month(2026, 10)
_LATER_CHILD_COLUMNS = frozenset({"contact_email"})  # added by migrations after 0005
_current_child_row = _rows.child_row


def _child_row_0004(child: Child) -> dict[str, object]:
    return {k: v for k, v in _current_child_row(child).items() if k not in _LATER_CHILD_COLUMNS}


_names = itertools.count()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def old_database(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> str:
    """A database at ``0004_dated_facts`` with a September billed the former way."""
    if request.param == "sqlite":
        url = str(tmp_path / "old.sqlite")
    else:
        server = request.getfixturevalue("postgres_server")
        url = server.create_database(f"old_billing{next(_names)}")
    migrate(url, "0004_dated_facts")
    store = SqlStore.open(url, migrate=False)
    with monkeypatch.context() as patch:  # the child table as 0004 has it: no later columns
        patch.setattr(_rows, "child_row", _child_row_0004)
        try:
            add_world(store, ORG)  # type: ignore[arg-type]
        finally:
            store.dispose()
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO szo_billing_run (organisation_id, id, month, status, issued_on, "
                "invoice_count, total, closed_on, version) VALUES (:o, '2026-09', '2026-09', "
                "'closed', '2026-09-30', 8, '1795.45', '2026-09-30', 1)"
            ),
            {"o": ORG},
        )
        for serial, (code, payer, payer_id, amount) in enumerate(SEPTEMBER, start=1):
            values = {
                "o": ORG,
                "serial": serial,
                "code": code,
                "payer": payer,
                "payer_id": payer_id,
                "amount": str(amount),
                "reference": f"SI12{serial:013d}",
            }
            conn.execute(
                text(
                    "INSERT INTO szo_invoice (organisation_id, year, serial, run_id, month, "
                    "child_code, payer_kind, payer_id, amount, reference, issued_on) VALUES "
                    "(:o, 2026, :serial, '2026-09', '2026-09', :code, :payer, :payer_id, "
                    ":amount, :reference, '2026-09-30')"
                ),
                values,
            )
            conn.execute(
                text(
                    "INSERT INTO szo_invoice_line (organisation_id, year, serial, position, kind, "
                    "description, amount, start_date, end_date, original_month, decision_ids) "
                    "VALUES (:o, 2026, :serial, 0, 'share', 'delež cene 09/2026', :amount, "
                    "'2026-09-01', '2026-09-30', NULL, '[]')"
                ),
                values,
            )
            conn.execute(
                text(
                    "INSERT INTO szo_billed (organisation_id, run_id, child_code, month, "
                    "payer_kind, payer_id, amount, billed_in) VALUES (:o, '2026-09', :code, "
                    "'2026-09', :payer, :payer_id, :amount, '2026-09')"
                ),
                values,
            )
        conn.execute(
            text(
                "INSERT INTO szo_invoice_counter (organisation_id, year, last_serial) "
                "VALUES (:o, 2026, 8)"
            ),
            {"o": ORG},
        )
    engine.dispose()
    return url


def test_the_upgrade_keeps_the_invoices_and_their_numbers(old_database: str) -> None:
    assert migrate(old_database) == HEAD_REVISION
    store = SqlBillingStore.open(old_database, migrate=False)
    try:
        with store.unit_of_work() as uow:
            documents = uow.billing.invoices(ORG, "2026-09")
            assert [d.number for d in documents] == [f"2026-{n:05d}" for n in range(1, 9)]
            assert [(d.child_code, str(d.payer), d.payer_id, d.amount) for d in documents] == list(
                SEPTEMBER
            )
            assert {d.kind for d in documents} == {DocumentKind.INVOICE}
            assert [line.amount for line in documents[0].lines] == [Decimal("265.00")]
            assert uow.billing.last_serial(ORG, 2026) == 8
            assert uow.billing.last_serial(ORG, 2026, DocumentKind.CREDIT_NOTE) == 0
            [run] = uow.billing.runs(ORG)
            assert (run.credit_note_count, str(run.files), run.files_digest) == (0, "none", None)
            assert uow.billing.fingerprints(ORG, SEP, OCT) == {}
            uow.decisions.add(decision(ORG, "d-1b", 1, "0.35", supersedes="d-1"))
            uow.commit()
        # September has no fingerprints: what it billed is recomputed, and only child 1's
        # decision changed: 265.00 -> 175.00.
        october = run_billing(organisation(), OCT, store, issued_on=OCT.last)
        assert [(c.child_code, str(c.payer), c.amount) for c in october.corrections] == [
            (1, "parents", Decimal("-90.00")),
            (1, "municipality", Decimal("90.00")),
        ]
        # The numbers go on after the former ones, in the new width.
        assert october.documents[0].number == "2026-000009"
        # The former run's billed entries carry no document number: unknown.
        assert [(str(c.month), c.number) for c in october.documents[0].corrects] == [
            ("2026-09", None)
        ]
    finally:
        store.dispose()
    # Downgrading keeps what fits the former tables: the parents' invoices.
    migrate(old_database, "0004_dated_facts")
    engine = make_engine(old_database)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text("SELECT serial, child_code, payer_kind FROM szo_invoice ORDER BY serial")
            ).all()
            counter = conn.execute(text("SELECT last_serial FROM szo_invoice_counter")).scalar()
    finally:
        engine.dispose()
    parents_october = [(9, 1), (10, 2), (11, 3), (12, 4)]
    assert [(s, c) for s, c, p in rows if p == "parents" and s > 8] == parents_october
    assert len([r for r in rows if r[0] <= 8]) == 8
    assert counter == 14  # two municipal invoices in October (13, 14), dropped
