"""SQL storage of message templates: :class:`szo_core.ports.TemplateRepository`.

The table is :data:`szo_core.adapters.sql.tables.message_template` (created by
the migration ``0008_templates``): ``szo_message_template``, one row per version,
primary key ``(organisation_id, key, language, version)``.  A version is only
ever inserted, never updated or deleted, so two saves of the same key that
race are refused by the primary key (``storage.duplicate``).  The declared
fields are one JSON array per row (``fields``), read back through
:class:`~szo_core.templates.model.TemplateField`'s validators.

>>> from szo_core.adapters.sql import SqlStore
>>> from szo_core.templates.model import Channel, MessageTemplate
>>> with SqlStore.open(":memory:").unit_of_work() as uow:
...     _ = uow.templates.add(MessageTemplate(organisation_id="o", key="hi.sms",
...                           channel=Channel.SMS, sms_text="Živjo!", version=1))
...     uow.templates.get("o", "hi.sms", "sl").sms_text
'Živjo!'
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, func, insert, select

from szo_core.adapters._common import check_template_version, duplicate, not_found
from szo_core.adapters.sql.tables import message_template
from szo_core.templates.model import Channel, FieldType, MessageTemplate, TemplateField

if TYPE_CHECKING:
    from szo_core.adapters.sql.uow import SqlUnitOfWork

__all__ = ["SqlTemplateRepository"]

_COLUMNS = (
    "organisation_id",
    "key",
    "language",
    "version",
    "channel",
    "subject",
    "html_body",
    "text_body",
    "sms_text",
    "fields",
    "description",
)


def _row(t: MessageTemplate) -> dict[str, object]:
    return {
        "organisation_id": t.organisation_id,
        "key": t.key,
        "language": t.language,
        "version": t.version,
        "channel": t.channel.value,
        "subject": t.subject,
        "html_body": t.html_body,
        "text_body": t.text_body,
        "sms_text": t.sms_text,
        "fields": json.dumps(
            [
                {
                    "name": f.name,
                    "type": f.type.value,
                    "example": f.example,
                    "required": f.required,
                    "description": f.description,
                }
                for f in t.fields
            ],
            ensure_ascii=False,
        ),
        "description": t.description,
    }


def _from(row: Sequence[Any]) -> MessageTemplate:
    values = dict(zip(_COLUMNS, row, strict=True))
    fields = tuple(
        TemplateField(
            name=f["name"],
            type=FieldType(f["type"]),
            example=f["example"],
            required=f["required"],
            description=f["description"],
        )
        for f in json.loads(values.pop("fields"))
    )
    return MessageTemplate(
        organisation_id=values["organisation_id"],
        key=values["key"],
        channel=Channel(values["channel"]),
        language=values["language"],
        subject=values["subject"],
        html_body=values["html_body"],
        text_body=values["text_body"],
        sms_text=values["sms_text"],
        fields=fields,
        version=values["version"],
        description=values["description"],
    )


class SqlTemplateRepository:
    """Template versions in ``szo_message_template`` (see the port)."""

    kind = "templates"

    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._uow = uow

    def _read(self, *where: ColumnElement[bool]) -> list[MessageTemplate]:
        t = message_template
        with self._uow.guard(self.kind):
            rows = self._uow.rows(
                select(*(t.c[name] for name in _COLUMNS))
                .where(*where)
                .order_by(t.c.key, t.c.language, t.c.version)
            )
        return [_from(row) for row in rows]

    def add(self, template: MessageTemplate) -> MessageTemplate:
        """Store a new version as given."""
        check_template_version(template)
        t = message_template
        exists = self._read(
            t.c.organisation_id == template.organisation_id,
            t.c.key == template.key,
            t.c.language == template.language,
            t.c.version == template.version,
        )
        if exists:
            self._uow.rollback()
            raise duplicate(
                self.kind,
                template.organisation_id,
                f"{template.key}/{template.language}/{template.version}",
            )
        with self._uow.guard(self.kind):
            self._uow.connection.execute(insert(t), [_row(template)])
        return template

    def _scope(self, organisation_id: str, key: str, language: str) -> list[ColumnElement[bool]]:
        t = message_template
        return [t.c.organisation_id == organisation_id, t.c.key == key, t.c.language == language]

    def versions(
        self, organisation_id: str, key: str, language: str
    ) -> tuple[MessageTemplate, ...]:
        """Every version, oldest first."""
        return tuple(self._read(*self._scope(organisation_id, key, language)))

    def latest(self, organisation_id: str, key: str, language: str) -> MessageTemplate | None:
        """The latest version, or None."""
        t = message_template
        scope = self._scope(organisation_id, key, language)
        newest = select(func.max(t.c.version)).where(*scope).scalar_subquery()
        found = self._read(*scope, t.c.version == newest)
        return found[0] if found else None

    def get(
        self, organisation_id: str, key: str, language: str, version: int | None = None
    ) -> MessageTemplate:
        """The given version, or the latest; NotFound if there is none."""
        if version is None:
            found = self.latest(organisation_id, key, language)
        else:
            rows = self._read(
                *self._scope(organisation_id, key, language),
                message_template.c.version == version,
            )
            found = rows[0] if rows else None
        if found is None:
            raise not_found(self.kind, organisation_id, f"{key}/{language}/{version or ''}")
        return found

    def for_organisation(self, organisation_id: str) -> tuple[MessageTemplate, ...]:
        """The latest version of each template, by key and language."""
        t = message_template
        newest = (
            select(t.c.key, t.c.language, func.max(t.c.version).label("version"))
            .where(t.c.organisation_id == organisation_id)
            .group_by(t.c.key, t.c.language)
            .subquery()
        )
        with self._uow.guard(self.kind):
            rows = self._uow.rows(
                select(*(t.c[name] for name in _COLUMNS))
                .join(
                    newest,
                    (t.c.key == newest.c.key)
                    & (t.c.language == newest.c.language)
                    & (t.c.version == newest.c.version),
                )
                .where(t.c.organisation_id == organisation_id)
                .order_by(t.c.key, t.c.language)
            )
        return tuple(_from(row) for row in rows)
