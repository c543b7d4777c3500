"""A care home's payers as kinds of their own: ``resident``, ``relative``, ``care_fund``.

Until now :class:`~szo_core.fees.PayerKind` named a care home's resident and
liable relatives ``parents`` and the care part's recipient ``state`` (aliases).
They are kinds of their own now, so the rows a care home's billing runs stored
are rewritten: in ``szo_billing_document`` (the documents) and ``szo_billed``
(what each run billed, the base of later corrections), for the organisations
that are care homes (``szo_organisation.kind``) or keep care home records or
settings (a home billed without an organisation record):

* ``parents`` with ``payer_id`` ``relative:<id>`` becomes ``relative``;
* the other ``parents`` rows become ``resident``;
* ``state`` becomes ``care_fund`` (a care home has no other claim).

Kindergartens, schools and dormitories keep their rows.  The column comment of
``szo_billing_document.payer_kind`` names the new kinds (PostgreSQL only).  The
downgrade writes the old values back.

Revision ID: 0018_payer_kinds
Revises: 0016_receivables
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0018_payer_kinds"
down_revision: str | None = "0016_receivables"
branch_labels: str | None = None
depends_on: str | None = None

_TABLES = ("szo_billing_document", "szo_billed")
_CARE_HOMES = (
    "organisation_id IN ("
    "SELECT id FROM szo_organisation WHERE kind = 'care_home' "
    "UNION SELECT organisation_id FROM szo_care_home_settings "
    "UNION SELECT organisation_id FROM szo_care_record)"
)
_RELATIVE = "payer_id LIKE 'relative:%'"
_COMMENT_OLD = "The kind of payer: parents, state, municipality or other_municipality."
_COMMENT_NEW = (
    "The kind of payer: parents, state, municipality or other_municipality; "
    "a care home's resident, relative or care_fund."
)


def _comment(comment: str) -> None:
    if op.get_bind().dialect.supports_comments:
        op.alter_column(
            "szo_billing_document",
            "payer_kind",
            existing_type=sa.Text(),
            existing_nullable=False,
            comment=comment,
        )


def upgrade() -> None:
    for table in _TABLES:
        op.execute(
            f"UPDATE {table} SET payer_kind = 'relative' "
            f"WHERE payer_kind = 'parents' AND {_RELATIVE} AND {_CARE_HOMES}"
        )
        op.execute(
            f"UPDATE {table} SET payer_kind = 'resident' "
            f"WHERE payer_kind = 'parents' AND {_CARE_HOMES}"
        )
        op.execute(
            f"UPDATE {table} SET payer_kind = 'care_fund' "
            f"WHERE payer_kind = 'state' AND {_CARE_HOMES}"
        )
    _comment(_COMMENT_NEW)


def downgrade() -> None:
    for table in _TABLES:
        op.execute(
            f"UPDATE {table} SET payer_kind = 'parents' "
            "WHERE payer_kind IN ('resident', 'relative')"
        )
        op.execute(f"UPDATE {table} SET payer_kind = 'state' WHERE payer_kind = 'care_fund'")
    _comment(_COMMENT_OLD)
