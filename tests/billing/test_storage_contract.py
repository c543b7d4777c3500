"""The billing port's contract, the same on memory, SQLite and PostgreSQL.

Documents of every kind round-trip with their lines, lists and corrections; a
number is unique in its series and year; each series has its own counter; the
current fingerprint of a child's month is the latest run's, and removing that
run brings the previous one back; removing a run removes everything it wrote.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import attrs
import pytest
from tests.billing.conftest import Opened

from szo_core.billing import (
    BilledEntry,
    BillingRun,
    CorrectedDocument,
    DocumentKind,
    FilesState,
    Fingerprint,
    Invoice,
    InvoiceLine,
    ListEntry,
)
from szo_core.calendar import Month
from szo_core.errors import StorageError
from szo_core.fees import PayerKind

ORG = "o"
SEP, OCT, NOV = Month(2026, 9), Month(2026, 10), Month(2026, 11)


def run(month: Month, **changes: object) -> BillingRun:
    return BillingRun(
        organisation_id=ORG, id=str(month), month=month, issued_on=month.last, **changes
    )  # type: ignore[arg-type]


def document(month: Month, position: int, **changes: object) -> Invoice:
    fields: dict[str, object] = {
        "organisation_id": ORG,
        "run_id": str(month),
        "month": month,
        "position": position,
        "kind": DocumentKind.INVOICE,
        "year": month.year,
        "serial": position,
        "number": f"{month.year}-{position:06d}",
        "child_code": position,
        "payer": PayerKind.PARENTS,
        "payer_id": str(position),
        "amount": Decimal("10.00"),
        "reference": "SI120000160000017",
        "issued_on": month.last,
        "lines": (InvoiceLine(kind="share", description="x", amount=Decimal("10.00")),),
        **changes,
    }
    return Invoice(**fields)  # type: ignore[arg-type]


def fingerprint(run_month: Month, code: int, month: Month, digest: str) -> Fingerprint:
    return Fingerprint(
        organisation_id=ORG, run_id=str(run_month), child_code=code, month=month, digest=digest
    )


def test_documents_of_every_kind_round_trip(opened: Opened) -> None:
    entry = ListEntry(
        child_code=7,
        child_name="Ana Novak",
        applicant="Mojca Novak",
        month=SEP,
        days=13,
        days_in_month=22,
        price=Decimal("500.00"),
        coefficient=Decimal("0.53"),
        amount=Decimal("-90.00"),
        correction=True,
        billed=Decimal("235.00"),
        due=Decimal("145.00"),
    )
    documents = (
        document(OCT, 1),
        document(
            OCT,
            2,
            kind=DocumentKind.CREDIT_NOTE,
            serial=1,
            number="D2026-000001",
            reference=None,
            amount=Decimal("-90.00"),
            lines=(
                InvoiceLine(
                    kind="correction",
                    description="poračun 09/2026",
                    amount=Decimal("-90.00"),
                    original_month=SEP,
                    decision_ids=("d-1", "d-2"),
                ),
            ),
            corrects=(
                CorrectedDocument(month=SEP, number="2026-000001"),
                CorrectedDocument(month=SEP, number=None),
            ),
        ),
        document(
            OCT,
            3,
            serial=None,
            number=None,
            reference=None,
            amount=Decimal("0.00"),
            lines=(
                InvoiceLine(
                    kind="share",
                    description="delež",
                    amount=Decimal("0.00"),
                    start=OCT.first,
                    end=OCT.last,
                ),
            ),
        ),
        document(
            OCT,
            4,
            kind=DocumentKind.CLAIM,
            serial=None,
            number=None,
            child_code=None,
            payer=PayerKind.STATE,
            payer_id="state",
            reference=None,
            amount=Decimal("-90.00"),
            entries=(entry, attrs.evolve(entry, price=None, coefficient=None, child_code=8)),
        ),
    )
    with opened.store.unit_of_work() as uow:
        uow.billing.add_run(run(OCT, files=FilesState.STAGED, files_digest="ab" * 32))
        uow.billing.add_invoices(documents)
        uow.commit()
    with opened.store.unit_of_work() as uow:
        assert uow.billing.invoices(ORG, "2026-10") == documents
        assert uow.billing.invoices_of_year(ORG, 2026) == (documents[0],)
        assert uow.billing.invoices_of_year(ORG, 2026, DocumentKind.CREDIT_NOTE) == (documents[1],)
        stored = uow.billing.find_run(ORG, OCT)
        assert stored is not None
        assert (stored.files, stored.files_digest) == (FilesState.STAGED, "ab" * 32)


def test_a_number_is_unique_in_its_series_and_year(opened: Opened) -> None:
    with opened.store.unit_of_work() as uow:
        uow.billing.add_run(run(SEP))
        uow.billing.add_run(run(OCT))
        uow.billing.add_invoices([document(SEP, 1)])
        # The same serial in the credit-note series, and unnumbered documents, are fine.
        uow.billing.add_invoices(
            [
                document(OCT, 1, kind=DocumentKind.CREDIT_NOTE, number="D2026-000001"),
                document(OCT, 2, serial=None, number=None),
                document(OCT, 3, serial=None, number=None),
            ]
        )
        uow.commit()
    with opened.store.unit_of_work() as uow, pytest.raises(StorageError) as caught:
        uow.billing.add_invoices([document(OCT, 4, serial=1, number="2026-000001")])
    assert caught.value.code == "storage.duplicate"


def test_each_series_has_its_own_counter(opened: Opened) -> None:
    with opened.store.unit_of_work() as uow:
        uow.billing.set_last_serial(ORG, 2026, 12)
        uow.billing.set_last_serial(ORG, 2026, 3, DocumentKind.CREDIT_NOTE)
        uow.billing.set_last_serial(ORG, 2026, 13)
        uow.commit()
    with opened.store.unit_of_work() as uow:
        assert uow.billing.last_serial(ORG, 2026) == 13
        assert uow.billing.last_serial(ORG, 2026, DocumentKind.INVOICE) == 13
        assert uow.billing.last_serial(ORG, 2026, DocumentKind.CREDIT_NOTE) == 3
        assert uow.billing.last_serial(ORG, 2027, DocumentKind.CREDIT_NOTE) == 0


def test_the_latest_run_holds_the_fingerprint_and_removing_it_restores_the_previous(
    opened: Opened,
) -> None:
    with opened.store.unit_of_work() as uow:
        uow.billing.add_run(run(SEP))
        uow.billing.add_run(run(OCT))
        uow.billing.add_fingerprints(
            [fingerprint(SEP, 1, SEP, "a" * 32), fingerprint(SEP, 2, SEP, "inactive")]
        )
        uow.billing.add_fingerprints(
            [fingerprint(OCT, 1, SEP, "b" * 32), fingerprint(OCT, 1, OCT, "c" * 32)]
        )
        uow.commit()
    with opened.store.unit_of_work() as uow:
        assert uow.billing.fingerprints(ORG, SEP, NOV) == {
            (1, SEP): "b" * 32,
            (2, SEP): "inactive",
            (1, OCT): "c" * 32,
        }
        assert uow.billing.fingerprints(ORG, SEP, OCT) == {(1, SEP): "b" * 32, (2, SEP): "inactive"}
        october = uow.billing.find_run(ORG, OCT)
        assert october is not None
        uow.billing.remove_run(october)
        uow.commit()
    with opened.store.unit_of_work() as uow:
        assert uow.billing.fingerprints(ORG, SEP, NOV) == {(1, SEP): "a" * 32, (2, SEP): "inactive"}


def test_a_run_writes_one_fingerprint_per_child_and_month(opened: Opened) -> None:
    with opened.store.unit_of_work() as uow:
        uow.billing.add_run(run(SEP))
        uow.billing.add_fingerprints([fingerprint(SEP, 1, SEP, "a" * 32)])
        with pytest.raises(StorageError):
            uow.billing.add_fingerprints([fingerprint(SEP, 1, SEP, "b" * 32)])


def test_billed_entries_by_child_with_their_document(opened: Opened) -> None:
    def entry(code: int, month: Month, amount: str, document: str | None) -> BilledEntry:
        return BilledEntry(
            organisation_id=ORG,
            run_id="2026-10",
            child_code=code,
            month=month,
            payer=PayerKind.PARENTS,
            payer_id=str(code),
            amount=Decimal(amount),
            billed_in=OCT,
            document=document,
        )

    entries = [entry(code, OCT, "1.00", f"2026-{code:06d}") for code in range(1, 1201)]
    entries.append(entry(7, SEP, "-2.00", None))
    with opened.store.unit_of_work() as uow:
        uow.billing.add_run(run(OCT))
        uow.billing.add_billed(entries)
        uow.commit()
    with opened.store.unit_of_work() as uow:
        assert len(uow.billing.billed(ORG, SEP, NOV)) == 1201
        assert uow.billing.billed(ORG, SEP, NOV, children=[7]) == (entries[-1], entries[6])
        # More codes than one IN list holds on the SQL adapter.
        many = uow.billing.billed(ORG, OCT, NOV, children=range(600, 1300))
        assert [e.child_code for e in many] == list(range(600, 1201))
        assert uow.billing.billed(ORG, SEP, NOV, children=[]) == ()


def test_removing_a_run_removes_everything_it_wrote(opened: Opened) -> None:
    with opened.store.unit_of_work() as uow:
        uow.billing.add_run(run(OCT))
        uow.billing.add_invoices([document(OCT, 1)])
        uow.billing.add_billed(
            [
                BilledEntry(
                    organisation_id=ORG,
                    run_id="2026-10",
                    child_code=1,
                    month=OCT,
                    payer=PayerKind.PARENTS,
                    payer_id="1",
                    amount=Decimal("10.00"),
                    billed_in=OCT,
                )
            ]
        )
        uow.billing.add_fingerprints([fingerprint(OCT, 1, OCT, "a" * 32)])
        uow.billing.add_run_decisions(ORG, "2026-10", ["d-1"])
        uow.commit()
    with opened.store.unit_of_work() as uow:
        october = uow.billing.find_run(ORG, OCT)
        assert october is not None
        uow.billing.remove_run(october)
        uow.commit()
    with opened.store.unit_of_work() as uow:
        assert uow.billing.invoices(ORG, "2026-10") == ()
        assert uow.billing.billed(ORG, SEP, NOV) == ()
        assert uow.billing.fingerprints(ORG, SEP, NOV) == {}
        assert uow.billing.run_decisions(ORG, "2026-10") == ()
        # The number is free again.
        uow.billing.add_run(run(OCT))
        uow.billing.add_invoices([document(OCT, 1)])
        uow.commit()


def test_a_run_round_trips_with_its_counts_and_files(opened: Opened) -> None:
    stored = run(
        SEP,
        invoice_count=3,
        credit_note_count=2,
        total=Decimal("-12.34"),
        files=FilesState.WRITTEN,
        files_digest="cd" * 32,
        closed_on=date(2026, 10, 2),
    )
    with opened.store.unit_of_work() as uow:
        uow.billing.add_run(stored)
        uow.commit()
    with opened.store.unit_of_work() as uow:
        assert uow.billing.runs(ORG) == (stored,)
