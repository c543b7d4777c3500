"""The receivables ledger on SQLite and PostgreSQL (``uow.receivables`` of a SQL unit of work).

Five tables (:mod:`szo_core.adapters.sql.tables`, migration ``0016_receivables``):
items keyed by ``(organisation_id, document)``, postings by ``(organisation_id,
id)``, receipts by ``(organisation_id, entry_id)``, mandate flags by
``(organisation_id, entry_id)``, reminders by ``(organisation_id, document,
level)``.  Items and postings go in with one multi-row ``INSERT`` per call (a
taken key is ``storage.duplicate``); receipts, flags and reminders with
``INSERT ... ON CONFLICT DO NOTHING RETURNING``, so a second import inserts
nothing and says so.  Everything runs in the unit of work's transaction.

>>> from datetime import date
>>> from decimal import Decimal
>>> from szo_core.adapters.sql import SqlStore
>>> from szo_core.receivables import Receipt
>>> store = SqlStore.open(":memory:")
>>> receipt = Receipt(organisation_id="o", entry_id="E1", source="camt.053.001.02",
...     status="unmatched", amount=Decimal("5.00"), booked_on=date(2026, 10, 20))
>>> with store.unit_of_work() as uow:
...     uow.receivables.add_receipt(receipt), uow.receivables.add_receipt(receipt)
...     uow.commit()
(True, False)
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, Table, and_, insert, select, update

from szo_core.adapters._common import not_found
from szo_core.adapters.sql.tables import (
    bank_receipt,
    mandate_flag,
    receivable_item,
    receivable_posting,
)
from szo_core.adapters.sql.tables import (
    reminder as reminder_table,
)
from szo_core.model._trusted import trusted_factory
from szo_core.receivables.records import (
    ItemKind,
    LedgerItem,
    MandateFlag,
    Posting,
    PostingKind,
    Receipt,
    ReceiptStatus,
    Reminder,
)

if TYPE_CHECKING:
    from szo_core.adapters.sql.uow import SqlUnitOfWork
    from szo_core.receivables.matching import MatchBatch

__all__ = ["SqlReceivables"]


def _item_row(item: LedgerItem) -> dict[str, object]:
    return {
        "organisation_id": item.organisation_id,
        "document": item.document,
        "payer_id": item.payer_id,
        "kind": item.kind.value,
        "amount": item.amount,
        "issued_on": item.issued_on,
        "due_on": item.due_on,
        "reference": item.reference,
        "group_reference": item.group_reference,
        "end_to_end_id": item.end_to_end_id,
        "child_code": item.child_code,
        "mandate_id": item.mandate_id,
        "payer_iban": item.payer_iban,
    }


# Rows read back were written from records that passed their validators: they are
# rebuilt without running them again (szo_core.model._trusted), the enums converted.
_CENTS = Decimal("0.00")
_new_item = trusted_factory(LedgerItem)  # every field, in declaration order
_new_posting = trusted_factory(Posting)  # every field, in declaration order
_new_receipt = trusted_factory(Receipt)  # every field, in declaration order


def _item(v: dict[str, Any]) -> LedgerItem:
    return _new_item(
        v["organisation_id"],
        v["document"],
        v["payer_id"],
        ItemKind(v["kind"]),
        _CENTS + v["amount"],  # as LedgerItem's converter (a row stored before it had one)
        v["issued_on"],
        v["due_on"],
        v["reference"],
        v["group_reference"],
        v["end_to_end_id"],
        v["child_code"],
        v["mandate_id"],
        v["payer_iban"],
    )


def _posting_row(p: Posting) -> dict[str, object]:
    return {
        "organisation_id": p.organisation_id,
        "id": p.id,
        "payer_id": p.payer_id,
        "document": p.document,
        "kind": p.kind.value,
        "amount": p.amount,
        "booked_on": p.booked_on,
        "entry_id": p.entry_id,
        "end_to_end_id": p.end_to_end_id,
        "reason": p.reason,
    }


def _posting(v: dict[str, Any]) -> Posting:
    return _new_posting(
        v["organisation_id"],
        v["id"],
        v["payer_id"],
        v["document"],
        PostingKind(v["kind"]),
        v["amount"],
        v["booked_on"],
        v["entry_id"],
        v["end_to_end_id"],
        v["reason"],
    )


def _receipt_row(r: Receipt) -> dict[str, object]:
    return {
        "organisation_id": r.organisation_id,
        "entry_id": r.entry_id,
        "source": r.source,
        "status": r.status.value,
        "amount": r.amount,
        "booked_on": r.booked_on,
        "payer_name": r.payer_name,
        "payer_iban": r.payer_iban,
        "reference": r.reference,
        "end_to_end_id": r.end_to_end_id,
        "reason": r.reason,
        "payer_id": r.payer_id,
        "documents": " ".join(r.documents),
        "how": r.how,
    }


def _receipt(v: dict[str, Any]) -> Receipt:
    return _new_receipt(
        v["organisation_id"],
        v["entry_id"],
        v["source"],
        ReceiptStatus(v["status"]),
        v["amount"],
        v["booked_on"],
        v["payer_name"],
        v["payer_iban"],
        v["reference"],
        v["end_to_end_id"],
        v["reason"],
        v["payer_id"],
        tuple(v["documents"].split()),
        v["how"],
    )


def _receipt_rows(values: Iterable[tuple[Any, ...]]) -> list[dict[str, object]]:
    # The rows _receipt_row gives, from a batch's values (no records built).
    return [
        {
            "organisation_id": org,
            "entry_id": entry_id,
            "source": source,
            "status": status.value,
            "amount": amount,
            "booked_on": booked_on,
            "payer_name": payer_name,
            "payer_iban": payer_iban,
            "reference": reference,
            "end_to_end_id": end_to_end_id,
            "reason": reason,
            "payer_id": payer_id,
            "documents": " ".join(documents),
            "how": how,
        }
        for (
            org,
            entry_id,
            source,
            status,
            amount,
            booked_on,
            payer_name,
            payer_iban,
            reference,
            end_to_end_id,
            reason,
            payer_id,
            documents,
            how,
        ) in values
    ]


def _posting_rows(values: Iterable[tuple[Any, ...]]) -> list[dict[str, object]]:
    # The rows _posting_row gives, from a batch's values (no records built).
    return [
        {
            "organisation_id": org,
            "id": id_,
            "payer_id": payer_id,
            "document": document,
            "kind": kind.value,
            "amount": amount,
            "booked_on": booked_on,
            "entry_id": entry_id,
            "end_to_end_id": end_to_end_id,
            "reason": reason,
        }
        for (
            org,
            id_,
            payer_id,
            document,
            kind,
            amount,
            booked_on,
            entry_id,
            end_to_end_id,
            reason,
        ) in values
    ]


def _flag_row(f: MandateFlag) -> dict[str, object]:
    return {
        "organisation_id": f.organisation_id,
        "entry_id": f.entry_id,
        "payer_id": f.payer_id,
        "mandate_id": f.mandate_id,
        "reason": f.reason,
        "flagged_on": f.flagged_on,
    }


def _flag(v: dict[str, Any]) -> MandateFlag:
    return MandateFlag(**v)


def _reminder_row(r: Reminder) -> dict[str, object]:
    return {
        "organisation_id": r.organisation_id,
        "document": r.document,
        "level": r.level,
        "payer_id": r.payer_id,
        "sent_on": r.sent_on,
        "open_amount": r.open_amount,
        "interest": r.interest,
    }


def _reminder(v: dict[str, Any]) -> Reminder:
    return Reminder(**v)


@functools.cache
def _insert_ignore(table: Table, postgres: bool) -> Any:
    """``INSERT ... ON CONFLICT DO NOTHING RETURNING organisation_id``, built once."""
    if postgres:
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(table).on_conflict_do_nothing().returning(table.c.organisation_id)
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(table).on_conflict_do_nothing().returning(table.c.organisation_id)


@functools.cache
def _insert_many_ignore(table: Table, postgres: bool) -> Any:
    """``INSERT ... ON CONFLICT DO NOTHING`` for many rows, built once."""
    if postgres:
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(table).on_conflict_do_nothing()
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(table).on_conflict_do_nothing()


class SqlReceivables:
    """The receivables ledger of a :class:`~szo_core.adapters.sql.SqlUnitOfWork` (see the port)."""

    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._uow = uow

    @property
    def _postgres(self) -> bool:
        return self._uow._engine.dialect.name == "postgresql"

    def _select(
        self,
        table: Table,
        build: Callable[[dict[str, Any]], Any],
        where: Sequence[ColumnElement[bool]],
        order: Sequence[Any],
    ) -> tuple[Any, ...]:
        columns = tuple(table.c)
        names = [c.name for c in columns]
        statement = select(*columns).where(*where).order_by(*order)
        with self._uow.guard(table.name):
            rows = self._uow.rows(statement)
        return tuple(build(dict(zip(names, row, strict=True))) for row in rows)

    def _insert_many(self, table: Table, rows: list[dict[str, object]]) -> None:
        if not rows:
            return
        with self._uow.guard(table.name):
            self._uow.connection.execute(insert(table), rows)

    def _insert_ignore(self, table: Table, row: dict[str, object]) -> bool:
        with self._uow.guard(table.name):
            inserted = self._uow.connection.execute(
                _insert_ignore(table, self._postgres), row
            ).first()
        return inserted is not None

    # ------------------------------------------------------------------ items

    def add_items(self, items: Iterable[LedgerItem]) -> None:
        """Store new items (one multi-row INSERT)."""
        self._insert_many(receivable_item, [_item_row(i) for i in items])

    def items(self, organisation_id: str, *, payer_id: str | None = None) -> tuple[LedgerItem, ...]:
        """Items by due date then document."""
        t = receivable_item.c
        where = [t.organisation_id == organisation_id]
        if payer_id is not None:
            where.append(t.payer_id == payer_id)
        found: tuple[LedgerItem, ...] = self._select(
            receivable_item, _item, where, (t.due_on, t.document)
        )
        return found

    def find_item(self, organisation_id: str, document: str) -> LedgerItem | None:
        """The item of ``document``, or None."""
        t = receivable_item.c
        found = self._select(
            receivable_item,
            _item,
            [t.organisation_id == organisation_id, t.document == document],
            (),
        )
        return found[0] if found else None

    # ------------------------------------------------------------------ postings

    def add_postings(self, postings: Iterable[Posting]) -> None:
        """Store new postings (one multi-row INSERT)."""
        self._insert_many(receivable_posting, [_posting_row(p) for p in postings])

    def postings(self, organisation_id: str, *, payer_id: str | None = None) -> tuple[Posting, ...]:
        """Postings by booking date then id."""
        t = receivable_posting.c
        where = [t.organisation_id == organisation_id]
        if payer_id is not None:
            where.append(t.payer_id == payer_id)
        found: tuple[Posting, ...] = self._select(
            receivable_posting, _posting, where, (t.booked_on, t.id)
        )
        return found

    # ------------------------------------------------------------------ receipts

    def add_receipt(self, receipt: Receipt) -> bool:
        """Store a receipt unless its entry id is known."""
        return self._insert_ignore(bank_receipt, _receipt_row(receipt))

    def add_receipts(self, receipts: Iterable[Receipt]) -> None:
        """Store many receipts with one ``executemany`` (known entry ids skipped)."""
        self._add_receipt_rows([_receipt_row(r) for r in receipts])

    def add_match_batch(self, batch: MatchBatch) -> None:
        """Store a batch's receipts, then its postings, from its values (no records built)."""
        self._add_receipt_rows(_receipt_rows(batch.receipt_values()))
        self._insert_many(receivable_posting, _posting_rows(batch.posting_values()))

    def _add_receipt_rows(self, rows: list[dict[str, object]]) -> None:
        if not rows:
            return
        with self._uow.guard(bank_receipt.name):
            self._uow.connection.execute(_insert_many_ignore(bank_receipt, self._postgres), rows)

    def find_receipt(self, organisation_id: str, entry_id: str) -> Receipt | None:
        """The receipt of ``entry_id``, or None."""
        t = bank_receipt.c
        found = self._select(
            bank_receipt,
            _receipt,
            [t.organisation_id == organisation_id, t.entry_id == entry_id],
            (),
        )
        return found[0] if found else None

    def receipts(
        self, organisation_id: str, *, status: ReceiptStatus | None = None
    ) -> tuple[Receipt, ...]:
        """Receipts by booking date then entry id."""
        t = bank_receipt.c
        where = [t.organisation_id == organisation_id]
        if status is not None:
            where.append(t.status == status.value)
        found: tuple[Receipt, ...] = self._select(
            bank_receipt, _receipt, where, (t.booked_on, t.entry_id)
        )
        return found

    def update_receipt(self, receipt: Receipt) -> None:
        """Replace a stored receipt (NotFound if there is none)."""
        t = bank_receipt.c
        key = and_(t.organisation_id == receipt.organisation_id, t.entry_id == receipt.entry_id)
        row = _receipt_row(receipt)
        del row["organisation_id"], row["entry_id"]
        with self._uow.guard(bank_receipt.name):
            result = self._uow.connection.execute(update(bank_receipt).where(key).values(**row))
        if result.rowcount == 0:
            raise not_found("bank_receipts", receipt.organisation_id, receipt.entry_id)

    # ------------------------------------------------------------------ flags, reminders

    def add_mandate_flag(self, flag: MandateFlag) -> bool:
        """Store a flag unless one for its entry id is there."""
        return self._insert_ignore(mandate_flag, _flag_row(flag))

    def mandate_flags(self, organisation_id: str) -> tuple[MandateFlag, ...]:
        """Flags by date then entry id."""
        t = mandate_flag.c
        found: tuple[MandateFlag, ...] = self._select(
            mandate_flag, _flag, [t.organisation_id == organisation_id], (t.flagged_on, t.entry_id)
        )
        return found

    def add_reminder(self, reminder: Reminder) -> bool:
        """Store a reminder unless the document has one of that level."""
        return self._insert_ignore(reminder_table, _reminder_row(reminder))

    def reminders(self, organisation_id: str) -> tuple[Reminder, ...]:
        """Reminders by date, document and level."""
        t = reminder_table.c
        found: tuple[Reminder, ...] = self._select(
            reminder_table,
            _reminder,
            [t.organisation_id == organisation_id],
            (t.sent_on, t.document, t.level),
        )
        return found
