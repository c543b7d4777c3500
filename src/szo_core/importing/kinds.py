"""The kinds of file an import reads: one registry entry per kind, with its columns.

Every kind is a :class:`Kind` in :data:`KINDS`: its name (``children``), its
Slovenian name (``otroci``; both name the file or the Excel sheet), its
columns (:class:`Column`: the field it fills, the Slovenian and English
header, the value type, whether it holds personal numbers), and how rows become
records and records rows again.

There are two sorts of kind:

* **records** of their own, stored in a repository of the unit of work and
  identified by the organisation's key (a child's ``code``, a guardian's
  ``id`` ...): ``children``, ``guardians``, ``groups``, ``programs``,
  ``regresors``, ``decisions``, ``reservations``;
* **parts** of a record, in a file of their own because one record has several
  (or because a spreadsheet keeps them apart): a child's guardian links,
  payer and applicant, mandate, merged payment group, group history, moves and
  tax-status changes; a program's prices.  Each part row names its record
  (``child_code`` / ``program_code``).

This module is the one place that knows which column fills which field:
a renamed field of :class:`~szo_core.model.Address` or
:class:`~szo_core.model.Mandate` is one line here (:data:`ADDRESS_FIELDS`,
:data:`MANDATE_COLUMNS`).  A new kind is one more entry in :data:`KINDS`.

The organisation record itself is a kind (``organisation`` / ``organizacija``:
one row with its default account) with one part, its other accounts
(``other_accounts`` / ``drugi racuni``); their key is the import's organisation.

>>> kind = KINDS["children"]
>>> kind.sl, kind.column("emšo").field, kind.column("EMSO").pii
('otroci', 'emso', True)
>>> kind_for_name("Skupna plačila.csv").name
'payment_groups'
"""

from __future__ import annotations

import enum
import functools
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import attrs

from szo_core.delivery.sms import LetterPolicy
from szo_core.ids.emso import Sex
from szo_core.importing.values import (
    BOOL,
    DATE,
    DECIMAL,
    INT,
    TEXT,
    Cell,
    ValueType,
    choice,
)
from szo_core.model import (
    Address,
    BankAccount,
    Child,
    Decision,
    DeliveryKind,
    Group,
    GroupAssignment,
    Guardian,
    GuardianKind,
    GuardianLink,
    InvoiceDelivery,
    InvoiceSeries,
    Mandate,
    Organisation,
    OrganisationKind,
    Party,
    Payer,
    PayerKind,
    PaymentKind,
    PaymentMethod,
    Program,
    ProgramKind,
    ProgramPrice,
    ReferenceScheme,
    Regresor,
    Reservation,
    ReservationKind,
    ResidenceChange,
    TaxpayerChange,
)

__all__ = [
    "ADDRESS_FIELDS",
    "KINDS",
    "MANDATE_COLUMNS",
    "Column",
    "Kind",
    "Role",
    "kind_for_name",
    "normalize",
]

Fields = dict[str, Any]
"""A row's values by field path (``"permanent_address.street"``); empty cells left out."""


def normalize(text: str) -> str:
    """A header or file name as compared: case, accents, ``_``/``-`` and spacing ignored.

    >>> normalize("  Davčna_številka "), normalize("EMŠO")
    ('davcna stevilka', 'emso')
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.replace("_", " ").replace("-", " ").split())


@attrs.frozen
class Column:
    """One column of a kind of file.

    Attributes:
        field: The field it fills, a dotted path for nested records
            (``"permanent_address.street"``); also accepted as a header.
        sl: The Slovenian header (written by an export in Slovenian).
        en: The English header.
        type: How its cells are parsed and written.
        pii: It holds an EMŠO, a tax number or an IBAN: reports never show its value.
        required: A row without a value here is refused (keys and references).
        aliases: Other headers accepted for it.
    """

    field: str
    sl: str
    en: str
    type: ValueType[Any]
    pii: bool = False
    required: bool = False
    aliases: tuple[str, ...] = ()

    def header(self, language: str) -> str:
        """The header in ``language`` (``"sl"`` or ``"en"``)."""
        return self.sl if language == "sl" else self.en

    @property
    def headers(self) -> tuple[str, ...]:
        """Every header accepted for the column."""
        return (self.sl, self.en, self.field, *self.aliases)


class Role(enum.StrEnum):
    """What a row of the payers file says: who pays, or who applied for the decision."""

    PAYER = "payer"
    APPLICANT = "applicant"


Build = Callable[[str, Fields, Any], Any]
"""(organisation id, fields, the stored record or None) -> a record, or a part's value."""
Rows = Callable[[Any], Iterator[Fields]]
"""A record -> its rows (one for a record kind, one per part for a part kind)."""
Attach = Callable[[Sequence[Any]], Fields]
"""(the part values read for a record, in file order) -> the record's fields they set.

The import collects the fields of every part file and makes the record once,
so the record's validators run once per record, not once per part.
"""


@attrs.frozen
class Kind:
    """A kind of file: its names, columns, and how rows and records map.

    Attributes:
        name: The English name (``"children"``), also a file or sheet name.
        sl: The Slovenian name (``"otroci"``), also a file or sheet name.
        record: How reports name one of its records (``"child"``).
        columns: The columns, in the order an export writes them.
        key: The field that identifies a row: the record's key, or for a part
            the key of the record it belongs to.
        build: Fields to a record (record kinds) or to a part's value (parts).
        rows: A record to its rows.
        parent: For a part, the name of the record kind it belongs to.
        attach: For a part, puts the values read into the record.
        repository: For a record kind, the unit of work's repository.
        organisation_key: The key is the organisation itself (the organisation
            record and its other accounts): an empty cell, or no key column,
            means the import's organisation, and any other value is refused.
    """

    name: str
    sl: str
    record: str
    columns: tuple[Column, ...]
    key: str
    build: Build
    rows: Rows
    parent: str | None = None
    attach: Attach | None = None
    repository: str | None = None
    organisation_key: bool = False

    @property
    def is_part(self) -> bool:
        """True for a part of another record (links, payers, prices ...)."""
        return self.parent is not None

    def column(self, header: str) -> Column:
        """Return the column ``header`` names (any accepted header, see :func:`normalize`).

        Raises:
            KeyError: No column has that header.
        """
        wanted = normalize(header)
        for column in self.columns:
            if any(normalize(h) == wanted for h in column.headers):
                return column
        raise KeyError(header)

    def find_column(self, header: str) -> Column | None:
        """Return the column ``header`` names, or None."""
        try:
            return self.column(header)
        except KeyError:
            return None

    @property
    def key_column(self) -> Column:
        """The column of :attr:`key`."""
        return next(c for c in self.columns if c.field == self.key)


# -- value types with their spellings ---------------------------------------------------

_SEX = choice(
    Sex,
    {
        "ž": Sex.FEMALE,
        "z": Sex.FEMALE,
        "ženski": Sex.FEMALE,
        "female": Sex.FEMALE,
        "moški": Sex.MALE,
        "male": Sex.MALE,
    },
)
_LINK_KIND = choice(
    GuardianKind,
    {
        "mati": GuardianKind.MOTHER,
        "mama": GuardianKind.MOTHER,
        "oče": GuardianKind.FATHER,
        "oce": GuardianKind.FATHER,
        "skrbnik": GuardianKind.GUARDIAN,
        "skrbnica": GuardianKind.GUARDIAN,
        "drugo": GuardianKind.OTHER,
    },
)
_PAYER_KIND = choice(
    PayerKind,
    {
        "otrok": PayerKind.CHILD,
        "skrbnik": PayerKind.GUARDIAN,
        "drugo": PayerKind.OTHER,
        "druga oseba": PayerKind.OTHER,
    },
)
_ROLE = choice(Role, {"plačnik": Role.PAYER, "vlagatelj": Role.APPLICANT})
_PAYMENT = choice(
    PaymentKind,
    {
        "položnica": PaymentKind.UPN,
        "sdd": PaymentKind.DIRECT_DEBIT,
        "direktna obremenitev": PaymentKind.DIRECT_DEBIT,
        "trajnik": PaymentKind.DIRECT_DEBIT,
    },
)
_DELIVERY = choice(
    DeliveryKind,
    {
        "tisk": DeliveryKind.PRINT,
        "pošta": DeliveryKind.PRINT,
        "e-pošta": DeliveryKind.EMAIL_PDF,
        "email": DeliveryKind.EMAIL_PDF,
        "e-račun": DeliveryKind.E_INVOICE,
    },
)
_RESERVATION = choice(
    ReservationKind,
    {
        "poletna": ReservationKind.SUMMER,
        "počitniška": ReservationKind.SUMMER,
        "bolezen": ReservationKind.SICK,
        "začasni izpis": ReservationKind.TEMPORARY_EXIT,
    },
)
_ORGANISATION_KIND = choice(
    OrganisationKind,
    {
        "vrtec": OrganisationKind.KINDERGARTEN,
        "šola": OrganisationKind.SCHOOL,
        "osnovna šola": OrganisationKind.SCHOOL,
        "dom za starejše": OrganisationKind.CARE_HOME,
        "dijaški dom": OrganisationKind.DORMITORY,
    },
)
_REFERENCE_SCHEME = choice(ReferenceScheme, {})
_LETTER_POLICY = choice(
    LetterPolicy,
    {"ohrani": LetterPolicy.KEEP, "pretvori": LetterPolicy.TRANSLITERATE},
)
_PROGRAM_KIND = choice(
    ProgramKind,
    {
        "redni": ProgramKind.REGULAR,
        "razvojni oddelek": ProgramKind.DEVELOPMENTAL_UNIT,
        "zasebni": ProgramKind.PRIVATE,
    },
)


# -- column sets shared by several kinds (the one place for field names) -----------------

ADDRESS_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("street", "ulica", "street"),
    ("post_code", "poštna številka", "post_code"),
    ("city", "kraj", "city"),
    ("country", "država", "country"),
)
"""The fields of :class:`~szo_core.model.Address`: (field, Slovenian header, English header)."""


def _address(prefix: str, sl: str = "", en: str = "") -> tuple[Column, ...]:
    return tuple(
        Column(f"{prefix}.{field}", f"{sl}{sl_header}", f"{en}{en_header}", TEXT)
        for field, sl_header, en_header in ADDRESS_FIELDS
    )


def _child_code(required: bool = True) -> Column:
    return Column(
        "child_code",
        "koda otroka",
        "child_code",
        INT,
        required=required,
        aliases=("šifra otroka", "otrok"),
    )


def _valid_from() -> Column:
    return Column("valid_from", "velja od", "valid_from", DATE, required=True)


MANDATE_COLUMNS: tuple[Column, ...] = (
    _child_code(),
    Column("bank", "banka", "bank", TEXT),
    Column("iban", "iban", "iban", TEXT, pii=True, aliases=("račun", "številka računa")),
    Column("debit_day", "dan obremenitve", "debit_day", INT),
    Column("reference", "referenca", "reference", TEXT, aliases=("referenca soglasja",)),
    Column("signed_on", "podpisano", "signed_on", DATE, aliases=("datum podpisa",)),
    Column("creditor_id", "identifikator prejemnika", "creditor_id", TEXT),
)
"""The mandates file: the child, then the fields of :class:`~szo_core.model.Mandate`."""

_CHILD_COLUMNS: tuple[Column, ...] = (
    Column("code", "koda", "code", INT, required=True, aliases=("šifra", "šifra otroka")),
    Column("first_name", "ime", "first_name", TEXT),
    Column("last_name", "priimek", "last_name", TEXT),
    Column("sex", "spol", "sex", _SEX),
    Column("birth_date", "datum rojstva", "birth_date", DATE),
    Column("birth_place", "kraj rojstva", "birth_place", TEXT),
    Column("emso", "emšo", "emso", TEXT, pii=True),
    Column("tax_number", "davčna", "tax_number", TEXT, pii=True, aliases=("davčna številka",)),
    Column("citizenship", "državljanstvo", "citizenship", TEXT),
    *_address("permanent_address"),
    *_address("temporary_address", "začasni naslov ", "temporary_"),
    Column("municipality_code", "občina", "municipality_code", INT, aliases=("šifra občine",)),
    Column("regresor_id", "regresor", "regresor_id", TEXT),
    Column("adapted_program", "prilagojen program", "adapted_program", BOOL),
    Column("special_needs", "posebne potrebe", "special_needs", BOOL),
    Column("companion", "spremljevalec", "companion", BOOL),
    Column("card_number", "številka kartice", "card_number", TEXT),
    Column("employee_id", "zaposleni", "employee_id", TEXT),
    Column("contract_number", "številka pogodbe", "contract_number", TEXT),
    Column("contract_signed_on", "pogodba podpisana", "contract_signed_on", DATE),
    Column("contract_ends_on", "pogodba do", "contract_ends_on", DATE),
    Column("enrollment_date", "datum vpisa", "enrollment_date", DATE),
    Column("exit_date", "datum izpisa", "exit_date", DATE),
    Column("exit_notice_on", "izpis napovedan", "exit_notice_on", DATE),
    Column("parents_taxpayers", "starši davčni zavezanci", "parents_taxpayers", BOOL),
    Column("family_order", "vrstni red v družini", "family_order", INT),
    Column("newcomer", "novinec", "newcomer", BOOL),
    Column("went_to_other_kindergarten", "v drug vrtec", "went_to_other_kindergarten", BOOL),
    Column("inactive", "neaktiven", "inactive", BOOL),
    Column("notes", "opombe", "notes", TEXT),
    Column("printable_notes", "opombe za izpis", "printable_notes", TEXT),
    Column("payment.kind", "način plačila", "payment", _PAYMENT),
    Column("delivery.kind", "dostava računa", "delivery", _DELIVERY),
    Column("delivery.email", "e-pošta za račun", "delivery_email", TEXT),
    Column("delivery.iban", "iban za e-račun", "delivery_iban", TEXT, pii=True),
    Column("contact_email", "e-pošta kontakta", "contact_email", TEXT),
)


# -- building records from fields and rows from records ----------------------------------


def _nest(fields: Fields) -> Fields:
    """``{"a.b.c": 1}`` -> ``{"a": {"b": {"c": 1}}}``.

    >>> _nest({"code": 1, "party.address.city": "Kranj"})
    {'code': 1, 'party': {'address': {'city': 'Kranj'}}}
    """
    nested: Fields = {}
    for path, value in fields.items():
        if "." not in path:
            nested[path] = value
            continue
        *heads, last = _split(path)
        target = nested
        for head in heads:
            target = target.setdefault(head, {})
        target[last] = value
    return nested


@functools.cache
def _split(path: str) -> tuple[str, ...]:
    return tuple(path.split("."))


def _flatten(record: object, columns: Sequence[Column], **extra: object) -> Fields:
    """The values of ``columns`` read from ``record`` (None where a nested record is None)."""
    row: Fields = dict(extra)
    for column in columns:
        if column.field in row:
            continue
        value: object = record
        for name in column.field.split("."):
            value = None if value is None else getattr(value, name)
        row[column.field] = value
    return row


_CHILD_PARTS = (
    "guardians",
    "payer",
    "applicant",
    "payment_group_lead",
    "groups",
    "residence_changes",
    "taxpayer_changes",
)
"""The child's fields that come from part files (kept from the stored child otherwise)."""


def _build_child(org: str, fields: Fields, base: Child | None) -> Child:
    nested = _nest(fields)
    temporary = nested.pop("temporary_address", None)
    payment = nested.pop("payment", {})
    if "mandate" in payment:
        mandate = payment["mandate"]
    else:
        mandate = None if base is None else base.payment.mandate
    if base is not None:
        # What no file gave comes from the stored child.
        for name in _CHILD_PARTS:
            nested.setdefault(name, getattr(base, name))
    return Child(
        organisation_id=org,
        permanent_address=Address(**nested.pop("permanent_address", {})),
        temporary_address=None if temporary is None else Address(**temporary),
        delivery=InvoiceDelivery(**nested.pop("delivery", {})),
        payment=PaymentMethod(kind=payment.get("kind", PaymentKind.UPN), mandate=mandate),
        **nested,
    )


def _one(columns: Sequence[Column]) -> Rows:
    def rows(record: object) -> Iterator[Fields]:
        yield _flatten(record, columns)

    return rows


def _plain(record_type: type, columns: Sequence[Column]) -> Build:
    """Build a record whose only nested field is an ``address``.

    An empty cell leaves a field to its default; a text field without one
    (a regresor's ``name``, a decision's ``number``) is then empty text.
    """
    empty = _empty_values(record_type, columns)

    def build(org: str, fields: Fields, _base: object) -> Any:
        nested = _nest(fields)
        if "address" in nested:
            nested["address"] = Address(**nested["address"])
        return record_type(organisation_id=org, **{**empty, **nested})

    return build


def _empty_values(record_type: type, columns: Sequence[Column]) -> Fields:
    """What an empty cell means for a field without a default: empty text, or None."""
    texts = {c.field for c in columns if c.type is TEXT}
    fields = {c.field for c in columns}
    return {
        f.name: "" if f.name in texts else None
        for f in attrs.fields(record_type)
        if f.default is attrs.NOTHING and f.name in fields
    }


def _build_program(org: str, fields: Fields, base: Program | None) -> Program:
    return Program(organisation_id=org, **{"prices": () if base is None else base.prices, **fields})


def _part(make: type, key: str, columns: Sequence[Column]) -> Build:
    """Build a part's value from its fields (without the key of its record)."""
    empty = _empty_values(make, [c for c in columns if c.field != key])

    def build(_org: str, fields: Fields, _base: object) -> Any:
        values = {name: value for name, value in fields.items() if name != key}
        return make(**{**empty, **values})

    return build


def _child_rows(columns: Sequence[Column], items: Callable[[Child], Iterator[object]]) -> Rows:
    def rows(child: Child) -> Iterator[Fields]:
        for item in items(child):
            yield _flatten(item, columns, child_code=child.code)

    return rows


_LINK_COLUMNS = (
    _child_code(),
    Column("guardian_id", "skrbnik", "guardian_id", TEXT, required=True),
    Column("kind", "vrsta", "kind", _LINK_KIND, required=True, aliases=("sorodstvo",)),
)


def _attach_links(links: Sequence[GuardianLink]) -> Fields:
    return {"guardians": tuple(links)}


_PAYER_COLUMNS = (
    _child_code(),
    Column("role", "vloga", "role", _ROLE),
    Column("kind", "vrsta", "kind", _PAYER_KIND, required=True),
    Column("guardian_id", "skrbnik", "guardian_id", TEXT),
    Column("party.name", "naziv", "name", TEXT, aliases=("ime in priimek",)),
    *_address("party.address"),
    Column("party.tax_number", "davčna", "tax_number", TEXT, pii=True),
    Column("party.email", "e-pošta", "email", TEXT),
)


@attrs.frozen
class _PayerRow:
    role: Role
    kind: PayerKind
    guardian_id: str | None
    party: Party | None


def _build_payer(_org: str, fields: Fields, _base: object) -> tuple[Role, Payer]:
    nested = _nest(fields)
    party = nested.get("party")
    kind: PayerKind = nested["kind"]
    if party is not None or kind is PayerKind.OTHER:
        party = dict(party or {})
        if "address" in party:
            party["address"] = Address(**party["address"])
        party = Party(**{"name": "", **party})
    payer = Payer(kind=kind, guardian_id=nested.get("guardian_id"), party=party)
    return nested.get("role", Role.PAYER), payer


def _payer_items(child: Child) -> Iterator[_PayerRow]:
    for role, payer in ((Role.PAYER, child.payer), (Role.APPLICANT, child.applicant)):
        if payer is not None:
            yield _PayerRow(role, payer.kind, payer.guardian_id, payer.party)


def _attach_payers(values: Sequence[tuple[Role, Payer]]) -> Fields:
    found = dict(values)
    return {"payer": found.get(Role.PAYER), "applicant": found.get(Role.APPLICANT)}


def _mandate_items(child: Child) -> Iterator[Mandate]:
    if child.payment.mandate is not None:
        yield child.payment.mandate


def _attach_mandate(mandates: Sequence[Mandate]) -> Fields:
    return {"payment.mandate": mandates[0] if mandates else None}


_GROUP_COLUMNS = (
    _child_code(),
    Column("lead_code", "koda nosilca", "lead_code", INT, required=True, aliases=("nosilec",)),
)


@attrs.frozen
class _Lead:
    lead_code: int


def _lead_items(child: Child) -> Iterator[_Lead]:
    if child.payment_group_lead is not None:
        yield _Lead(child.payment_group_lead)


def _attach_lead(leads: Sequence[_Lead]) -> Fields:
    return {"payment_group_lead": leads[0].lead_code if leads else None}


_ASSIGNMENT_COLUMNS = (
    _child_code(),
    _valid_from(),
    Column("group_code", "skupina", "group_code", TEXT, required=True, aliases=("oddelek",)),
    Column("program_code", "program", "program_code", TEXT, required=True),
)

_RESIDENCE_COLUMNS = (
    _child_code(),
    _valid_from(),
    Column("municipality_code", "občina", "municipality_code", INT),
    Column("regresor_id", "regresor", "regresor_id", TEXT),
)

_TAXPAYER_COLUMNS = (
    _child_code(),
    _valid_from(),
    Column("taxpayers", "davčni zavezanci", "taxpayers", BOOL, required=True),
)


def _dated(attribute: str) -> Attach:
    def attach(values: Sequence[Any]) -> Fields:
        return {attribute: tuple(sorted(values, key=_valid_from_of))}

    return attach


def _valid_from_of(value: Any) -> Any:
    return value.valid_from


def _history(attribute: str) -> Callable[[Child], Iterator[object]]:
    def items(child: Child) -> Iterator[object]:
        yield from getattr(child, attribute)

    return items


_PRICE_COLUMNS = (
    Column("program_code", "program", "program_code", TEXT, required=True),
    _valid_from(),
    Column("monthly", "mesečna cena", "monthly", DECIMAL, required=True, aliases=("cena",)),
    Column("food_per_day", "hrana na dan", "food_per_day", DECIMAL, required=True),
)


def _price_rows(program: Program) -> Iterator[Fields]:
    for price in program.prices:
        yield _flatten(price, _PRICE_COLUMNS, program_code=program.code)


_GUARDIAN_COLUMNS = (
    Column("id", "id", "id", TEXT, required=True, aliases=("šifra", "šifra skrbnika")),
    Column("first_name", "ime", "first_name", TEXT),
    Column("last_name", "priimek", "last_name", TEXT),
    *_address("address"),
    Column("emso", "emšo", "emso", TEXT, pii=True),
    Column("tax_number", "davčna", "tax_number", TEXT, pii=True, aliases=("davčna številka",)),
    Column("iban", "iban", "iban", TEXT, pii=True, aliases=("številka računa",)),
    Column("email", "e-pošta", "email", TEXT),
    Column("phone", "telefon", "phone", TEXT),
)

_DECISION_COLUMNS = (
    Column("id", "id", "id", TEXT, required=True, aliases=("šifra",)),
    _child_code(),
    Column("number", "številka", "number", TEXT, aliases=("številka odločbe",)),
    Column(
        "coefficient",
        "delež staršev",
        "coefficient",
        DECIMAL,
        required=True,
        aliases=("koeficient", "delež"),
    ),
    _valid_from(),
    Column("valid_to", "velja do", "valid_to", DATE),
    Column("regresor_id", "regresor", "regresor_id", TEXT),
    Column("sibling_order", "vrstni red med sorojenci", "sibling_order", INT),
    Column("state_financed", "plača država", "state_financed", BOOL),
    Column("payment_class", "dohodkovni razred", "payment_class", INT, aliases=("razred",)),
    Column("issued_on", "izdana", "issued_on", DATE, aliases=("datum izdaje",)),
    Column("supersedes", "nadomešča", "supersedes", TEXT),
)

_RESERVATION_COLUMNS = (
    Column("id", "id", "id", TEXT, required=True, aliases=("šifra",)),
    _child_code(),
    Column("kind", "vrsta", "kind", _RESERVATION, required=True),
    Column("start", "od", "start", DATE, required=True),
    Column("end", "do", "end", DATE, required=True),
    Column("announced_on", "napovedano", "announced_on", DATE),
    Column("doctor_note", "zdravniško potrdilo", "doctor_note", BOOL),
)

_GROUP_RECORD_COLUMNS = (
    Column("code", "koda", "code", TEXT, required=True, aliases=("šifra",)),
    Column("name", "naziv", "name", TEXT, aliases=("ime",)),
    Column("program_code", "program", "program_code", TEXT),
)

_PROGRAM_COLUMNS = (
    Column("code", "koda", "code", TEXT, required=True, aliases=("šifra",)),
    Column("name", "naziv", "name", TEXT, aliases=("ime",)),
    Column("kind", "vrsta", "kind", _PROGRAM_KIND),
    Column("reference_program", "referenčni program", "reference_program", TEXT),
)

_REGRESOR_COLUMNS = (
    Column("id", "id", "id", TEXT, required=True, aliases=("šifra",)),
    Column("name", "naziv", "name", TEXT),
    Column("municipality_code", "občina", "municipality_code", INT),
    *_address("address"),
    Column("tax_number", "davčna", "tax_number", TEXT, pii=True),
    Column("email", "e-pošta", "email", TEXT),
)


def _prefix(cell: Cell) -> str:
    text = cell.strip() if isinstance(cell, str) else str(cell)
    return "" if text == "-" else text


_PREFIX: ValueType[str] = ValueType(
    "text, - for none", _prefix, lambda v, _c: v or "-", lambda v: v or "-"
)
"""A number prefix whose default is not empty: ``-`` is "no prefix", an empty cell the default."""

_ORGANISATION_COLUMNS = (
    Column("id", "id", "id", TEXT, aliases=("organizacija", "organisation", "šifra")),
    Column("kind", "vrsta", "kind", _ORGANISATION_KIND),
    Column("name", "naziv", "name", TEXT, required=True, aliases=("ime",)),
    *_address("address"),
    Column(
        "tax_number",
        "davčna",
        "tax_number",
        TEXT,
        pii=True,
        required=True,
        aliases=("davčna številka",),
    ),
    Column(
        "registration_number",
        "matična številka",
        "registration_number",
        TEXT,
        required=True,
        aliases=("matična",),
    ),
    Column(
        "account.iban",
        "iban",
        "iban",
        TEXT,
        pii=True,
        required=True,
        aliases=("trr", "račun", "številka računa"),
    ),
    Column("account.bic", "bic", "bic", TEXT),
    Column("account.bank", "banka", "bank", TEXT),
    Column(
        "creditor_id",
        "identifikator prejemnika",
        "creditor_id",
        TEXT,
        pii=True,
        aliases=("identifikator upnika", "sepa id"),
    ),
    Column("budget_user", "proračunski uporabnik", "budget_user", BOOL),
    Column("reference_scheme", "model sklica", "reference_scheme", _REFERENCE_SCHEME),
    Column("invoice_series.invoice_prefix", "predpona računov", "invoice_prefix", TEXT),
    Column(
        "invoice_series.credit_note_prefix",
        "predpona dobropisov",
        "credit_note_prefix",
        _PREFIX,
    ),
    Column("debit_day", "dan obremenitve", "debit_day", INT),
    Column("purpose_code", "koda namena", "purpose_code", TEXT),
    Column("email", "e-pošta", "email", TEXT),
    Column(
        "host_municipality",
        "občina ustanoviteljica",
        "host_municipality",
        INT,
        aliases=("občina",),
    ),
    Column(
        "sms_letters",
        "šumniki v sms",
        "sms_letters",
        _LETTER_POLICY,
        aliases=("sms črke",),
    ),
)
"""The organisation file: one row, the organisation and its default account."""

_OTHER_ACCOUNT_COLUMNS = (
    Column("organisation_id", "organizacija", "organisation_id", TEXT),
    Column(
        "iban", "iban", "iban", TEXT, pii=True, required=True, aliases=("trr", "številka računa")
    ),
    Column("bic", "bic", "bic", TEXT),
    Column("bank", "banka", "bank", TEXT),
)
"""The organisation's other accounts, one row each, in order (after the default one)."""


def _build_organisation(org: str, fields: Fields, base: Organisation | None) -> Organisation:
    nested = _nest(fields)
    account = nested.pop("account", {})
    others = nested.pop("other_accounts", None)
    if others is None:
        others = () if base is None else base.accounts[1:]
    nested["id"] = org
    return Organisation(
        address=Address(**nested.pop("address", {})),
        invoice_series=InvoiceSeries(**nested.pop("invoice_series", {})),
        accounts=(BankAccount(**account), *others),
        **nested,
    )


def _other_account_rows(organisation: Organisation) -> Iterator[Fields]:
    for account in organisation.accounts[1:]:
        yield _flatten(account, _OTHER_ACCOUNT_COLUMNS, organisation_id=organisation.id)


def _attach_accounts(accounts: Sequence[BankAccount]) -> Fields:
    return {"other_accounts": tuple(accounts)}


def _record(
    name: str,
    sl: str,
    record: str,
    columns: tuple[Column, ...],
    key: str,
    build: Build,
    repository: str,
) -> Kind:
    return Kind(name, sl, record, columns, key, build, _one(columns), repository=repository)


def _child_part(
    name: str,
    sl: str,
    columns: tuple[Column, ...],
    make: Build,
    items: Callable[[Child], Iterator[object]],
    attach: Attach,
) -> Kind:
    return Kind(
        name,
        sl,
        "child",
        columns,
        "child_code",
        make,
        _child_rows(columns, items),
        parent="children",
        attach=attach,
    )


KINDS: Mapping[str, Kind] = {
    kind.name: kind
    for kind in (
        Kind(
            "organisation",
            "organizacija",
            "organisation",
            _ORGANISATION_COLUMNS,
            "id",
            _build_organisation,
            _one(_ORGANISATION_COLUMNS),
            repository="organisations",
            organisation_key=True,
        ),
        Kind(
            "other_accounts",
            "drugi racuni",
            "organisation",
            _OTHER_ACCOUNT_COLUMNS,
            "organisation_id",
            _part(BankAccount, "organisation_id", _OTHER_ACCOUNT_COLUMNS),
            _other_account_rows,
            parent="organisation",
            attach=_attach_accounts,
            organisation_key=True,
        ),
        _record(
            "regresors",
            "regresorji",
            "regresor",
            _REGRESOR_COLUMNS,
            "id",
            _plain(Regresor, _REGRESOR_COLUMNS),
            "regresors",
        ),
        _record(
            "programs", "programi", "program", _PROGRAM_COLUMNS, "code", _build_program, "programs"
        ),
        Kind(
            "program_prices",
            "cene",
            "program",
            _PRICE_COLUMNS,
            "program_code",
            _part(ProgramPrice, "program_code", _PRICE_COLUMNS),
            _price_rows,
            parent="programs",
            attach=_dated("prices"),
        ),
        _record(
            "groups",
            "skupine",
            "group",
            _GROUP_RECORD_COLUMNS,
            "code",
            _plain(Group, _GROUP_RECORD_COLUMNS),
            "groups",
        ),
        _record(
            "guardians",
            "skrbniki",
            "guardian",
            _GUARDIAN_COLUMNS,
            "id",
            _plain(Guardian, _GUARDIAN_COLUMNS),
            "guardians",
        ),
        _record("children", "otroci", "child", _CHILD_COLUMNS, "code", _build_child, "children"),
        _child_part(
            "guardian_links",
            "povezave",
            _LINK_COLUMNS,
            _part(GuardianLink, "child_code", _LINK_COLUMNS),
            _history("guardians"),
            _attach_links,
        ),
        _child_part(
            "payers", "placniki", _PAYER_COLUMNS, _build_payer, _payer_items, _attach_payers
        ),
        _child_part(
            "mandates",
            "soglasja",
            MANDATE_COLUMNS,
            _part(Mandate, "child_code", MANDATE_COLUMNS),
            _mandate_items,
            _attach_mandate,
        ),
        _child_part(
            "payment_groups",
            "skupna placila",
            _GROUP_COLUMNS,
            _part(_Lead, "child_code", _GROUP_COLUMNS),
            _lead_items,
            _attach_lead,
        ),
        _child_part(
            "group_assignments",
            "razporeditve",
            _ASSIGNMENT_COLUMNS,
            _part(GroupAssignment, "child_code", _ASSIGNMENT_COLUMNS),
            _history("groups"),
            _dated("groups"),
        ),
        _child_part(
            "residence_changes",
            "selitve",
            _RESIDENCE_COLUMNS,
            _part(ResidenceChange, "child_code", _RESIDENCE_COLUMNS),
            _history("residence_changes"),
            _dated("residence_changes"),
        ),
        _child_part(
            "taxpayer_changes",
            "davcni status",
            _TAXPAYER_COLUMNS,
            _part(TaxpayerChange, "child_code", _TAXPAYER_COLUMNS),
            _history("taxpayer_changes"),
            _dated("taxpayer_changes"),
        ),
        _record(
            "decisions",
            "odlocbe",
            "decision",
            _DECISION_COLUMNS,
            "id",
            _plain(Decision, _DECISION_COLUMNS),
            "decisions",
        ),
        _record(
            "reservations",
            "rezervacije",
            "reservation",
            _RESERVATION_COLUMNS,
            "id",
            _plain(Reservation, _RESERVATION_COLUMNS),
            "reservations",
        ),
    )
}
"""Every kind, in the order an import stores them (records before what refers to them)."""


def kind_for_name(name: str) -> Kind | None:
    """The kind a file or sheet name stands for (its English or Slovenian name), or None.

    The extension and a leading path are ignored, as are case and accents.

    >>> kind_for_name("data/ODLOČBE.xlsx").name
    'decisions'
    >>> kind_for_name("Guardian links.csv").name
    'guardian_links'
    >>> kind_for_name("other.csv") is None
    True
    """
    stem = name.replace("\\", "/").rsplit("/", 1)[-1]
    if "." in stem:
        stem = stem.rsplit(".", 1)[0]
    wanted = normalize(stem)
    for kind in KINDS.values():
        if wanted in (normalize(kind.name), normalize(kind.sl)):
            return kind
    return None
