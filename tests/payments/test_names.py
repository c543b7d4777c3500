"""One name for one thing: the old payment names still work and warn, and write the same bytes.

Also: the mandate-reference rule of the record, the registry and the SEPA writer is one rule.
"""

from __future__ import annotations

import io
import warnings
from datetime import date, datetime
from decimal import Decimal

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from szo_core.calendar import Month
from szo_core.errors import InvalidType, SzoError, ValidationError
from szo_core.ids import mandate as ids_mandate
from szo_core.model import Address, Child, Mandate, PaymentKind, PaymentMethod
from szo_core.model._trusted import build_trusted
from szo_core.payments import instructions, sepa, upn
from szo_core.payments.instructions import (
    DebitMandate,
    MandateAmendment,
    PayableInvoice,
    PaymentInstruction,
    SequenceType,
    build_instructions,
)
from szo_core.registry import validate_child

IBAN = "SI56020170014356205"
CREDITOR = sepa.Creditor(
    name="Vrtec Čebelica Žalec",
    iban="SI56 0110 0600 0000 023",
    bic="BSLJSI2X",
    creditor_id="SI72ZZZ12345679",
    address=Address(street="Savinjska cesta 3", post_code="3310", city="Žalec"),
)
HOME = Address(street="Čopova ulica 7", post_code="1000", city="Ljubljana")


def _deprecated(match: str) -> pytest.WarningsChecker:
    return pytest.warns(DeprecationWarning, match=match)


# --------------------------------------------------------------------------- old names


def test_old_mandate_class_name_warns_and_is_debit_mandate() -> None:
    with _deprecated(r"payments\.instructions\.Mandate is deprecated; use .*DebitMandate"):
        old = instructions.Mandate  # type: ignore[attr-defined]
    assert old is DebitMandate
    with _deprecated(r"payments\.sepa\.Mandate is deprecated"):
        assert sepa.Mandate is DebitMandate  # type: ignore[attr-defined]
    with pytest.raises(AttributeError):
        _ = instructions.NoSuchName  # type: ignore[attr-defined]


def test_old_mandate_keywords_and_attributes_warn() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        old = DebitMandate(  # type: ignore[call-arg]
            mandate_id="VRT-1",
            signature_date=date(2025, 8, 20),
            debtor_name="Ana Novak",
            debtor_iban=IBAN,
            debtor_bic="LJBASI2X",
        )
    messages = [str(w.message) for w in caught]
    assert all(w.category is DeprecationWarning for w in caught)
    assert messages == [
        "szo_core: DebitMandate(mandate_id=...) is deprecated; use reference",
        "szo_core: DebitMandate(signature_date=...) is deprecated; use signed_on",
        "szo_core: DebitMandate(debtor_iban=...) is deprecated; use iban",
        "szo_core: DebitMandate(debtor_bic=...) is deprecated; use bic",
    ]
    assert all(IBAN not in m for m in messages)  # a warning names fields, never values
    new = DebitMandate(
        reference="VRT-1",
        signed_on=date(2025, 8, 20),
        debtor_name="Ana Novak",
        iban=IBAN,
        bic="LJBASI2X",
    )
    assert old == new
    for name, value in (
        ("mandate_id", "VRT-1"),
        ("signature_date", date(2025, 8, 20)),
        ("debtor_iban", IBAN),
        ("debtor_bic", "LJBASI2X"),
    ):
        with _deprecated(rf"DebitMandate\.{name} is deprecated"):
            assert getattr(new, name) == value


def test_old_and_new_keyword_together_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="both reference and its deprecated name mandate_id"):
        DebitMandate(  # type: ignore[call-arg]
            reference="A", mandate_id="B", signed_on=date(2025, 1, 1), debtor_name="A", iban=IBAN
        )


def test_old_amendment_keywords_warn() -> None:
    with _deprecated("original_mandate_id"), _deprecated("original_debtor_iban"):
        old = MandateAmendment(  # type: ignore[call-arg]
            original_mandate_id="OLD-1", original_debtor_iban=IBAN
        )
    assert old == MandateAmendment(original_reference="OLD-1", original_iban=IBAN)
    with _deprecated(r"MandateAmendment\.original_mandate_id"):
        assert old.original_mandate_id == "OLD-1"  # type: ignore[attr-defined]


def test_old_address_town_warns_and_is_model_address() -> None:
    assert instructions.Address is Address  # one address type, no warning
    with _deprecated(r"Address\(town=\.\.\.\) is deprecated; use city"):
        old = Address(street="Čopova ulica 7", post_code="1000", town="Ljubljana")  # type: ignore[call-arg]
    assert old == HOME
    with _deprecated(r"Address\.town is deprecated"):
        assert old.town == "Ljubljana"  # type: ignore[attr-defined]
    assert HOME.city_line == "1000 Ljubljana"


def test_old_payment_method_enum_is_payment_kind() -> None:
    with _deprecated(r"payments\.instructions\.PaymentMethod is deprecated; use .*PaymentKind"):
        old = instructions.PaymentMethod  # type: ignore[attr-defined]
    assert old.SLIP is PaymentKind.UPN
    assert old.DIRECT_DEBIT is PaymentKind.DIRECT_DEBIT
    assert old("slip") is PaymentKind.UPN
    assert old("direct_debit") is PaymentKind.DIRECT_DEBIT
    assert old(PaymentKind.UPN) is PaymentKind.UPN
    assert isinstance(PaymentKind.UPN, old)
    assert not isinstance("slip", old)
    assert list(old) == list(PaymentKind)
    with pytest.raises(ValueError, match="cash"):
        old("cash")


def test_payment_kind_is_the_record_enum() -> None:
    assert instructions.PaymentKind is PaymentKind
    assert PaymentMethod.upn().kind is PaymentKind.UPN  # the record's own enum


def _invoice(**changes: object) -> PayableInvoice:
    fields: dict[str, object] = {
        "number": "2026-0001",
        "period": (2026, 9),
        "child_code": 101,
        "payer_id": "P-1",
        "payer_name": "Ana Novak",
        "payer_address": HOME,
        "amount": Decimal("97.40"),
        "reference": "SI12 1234567890120",
        "method": PaymentKind.UPN,
    }
    return PayableInvoice(**(fields | changes))  # type: ignore[arg-type]


def test_child_code_is_an_int_and_a_digit_string_warns() -> None:
    assert _invoice().child_code == 101
    with _deprecated("child code given as str"):
        assert _invoice(child_code="101") == _invoice()
    for bad in ("OT-17", "", "١٢", 1.0, True, None):
        with pytest.raises(InvalidType) as err:
            _invoice(child_code=bad)
        assert err.value.code == "instructions.child_code.type"
    (instruction,) = build_instructions([_invoice()], period=(2026, 9)).instructions
    assert instruction.child_codes == (101,)
    with _deprecated("child code given as str"):
        assert attrs.evolve(instruction, child_codes=["101"]).child_codes == (101,)


def test_debit_mandate_from_record() -> None:
    record = Mandate(reference="00555-00028", iban=IBAN, signed_on=date(2025, 8, 20), bank="NLB")
    made = DebitMandate.from_record(
        record, debtor_name="Ana Novak", bic="LJBASI2X", sequence=SequenceType.FIRST
    )
    assert made == DebitMandate(
        reference="00555-00028",
        signed_on=date(2025, 8, 20),
        debtor_name="Ana Novak",
        iban=IBAN,
        bic="LJBASI2X",
        sequence=SequenceType.FIRST,
    )
    with pytest.raises(SzoError) as err:
        DebitMandate.from_record(attrs.evolve(record, signed_on=None), debtor_name="Ana")
    assert err.value.code == "instructions.mandate_unsigned"
    assert err.value.where == "mandate.signed_on"


# --------------------------------------------------------------------------- same bytes


def _files_old_names() -> tuple[bytes, bytes]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        old_mandate = instructions.Mandate  # type: ignore[attr-defined]
        old_method = instructions.PaymentMethod  # type: ignore[attr-defined]
        home = Address(street="Čopova ulica 7", post_code="1000", town="Ljubljana")  # type: ignore[call-arg]
        mandate = old_mandate(
            mandate_id="00555-00028",
            signature_date=date(2025, 8, 20),
            debtor_name="Špela Žagar",
            debtor_iban=IBAN,
            amendment=MandateAmendment(  # type: ignore[call-arg]
                original_mandate_id="VRT-2019-7", original_debtor_iban="SI56192001234567892"
            ),
        )
        invoices = [
            PayableInvoice(
                number=n,
                period=(2026, 9),
                child_code=c,
                payer_id="P-1",
                payer_name="Špela Žagar",
                payer_address=home,
                amount=Decimal(a),
                reference="SI12 " + n,
                method=m,
                mandate=mandate if m is old_method.DIRECT_DEBIT else None,
                group_id=g,
            )
            for n, c, a, m, g in (
                ("1000000000013", "101", "120.50", old_method.DIRECT_DEBIT, "F7"),
                ("1000000000021", "102", "80.25", old_method.DIRECT_DEBIT, "F7"),
                ("1000000000033", "103", "55.10", old_method.SLIP, None),
            )
        ]
        return _write(invoices)


def _files_new_names() -> tuple[bytes, bytes]:
    mandate = DebitMandate(
        reference="00555-00028",
        signed_on=date(2025, 8, 20),
        debtor_name="Špela Žagar",
        iban=IBAN,
        amendment=MandateAmendment(
            original_reference="VRT-2019-7", original_iban="SI56192001234567892"
        ),
    )
    invoices = [
        PayableInvoice(
            number=n,
            period=(2026, 9),
            child_code=c,
            payer_id="P-1",
            payer_name="Špela Žagar",
            payer_address=HOME,
            amount=Decimal(a),
            reference="SI12 " + n,
            method=m,
            mandate=mandate if m is PaymentKind.DIRECT_DEBIT else None,
            group_id=g,
        )
        for n, c, a, m, g in (
            ("1000000000013", 101, "120.50", PaymentKind.DIRECT_DEBIT, "F7"),
            ("1000000000021", 102, "80.25", PaymentKind.DIRECT_DEBIT, "F7"),
            ("1000000000033", 103, "55.10", PaymentKind.UPN, None),
        )
    ]
    return _write(invoices)


def _write(invoices: list[PayableInvoice]) -> tuple[bytes, bytes]:
    result = build_instructions(invoices, period=(2026, 9))
    assert result.ok
    debits = [i for i in result.instructions if i.method is PaymentKind.DIRECT_DEBIT]
    (slip,) = [i for i in result.instructions if i.method is PaymentKind.UPN]
    batch = sepa.DirectDebitBatch(
        message_id="VRTEC-2026-10",
        creditor=CREDITOR,
        created_at=datetime(2026, 10, 10, 8, 0),
        transactions=[
            sepa.debit_from_instruction(i, collection_date=date(2026, 10, 19)) for i in debits
        ],
    )
    out = io.BytesIO()
    sepa.write_pain008(batch, out)
    order = upn.order_from_instruction(
        slip,
        recipient_iban=CREDITOR.iban,
        recipient_name=CREDITOR.name,
        recipient_street="Savinjska cesta 3",
        recipient_city="3310 Žalec",
    )
    return out.getvalue(), upn.payload(order)


def test_old_and_new_names_write_the_same_bytes() -> None:
    old_sepa, old_upn = _files_old_names()
    new_sepa, new_upn = _files_new_names()
    assert new_sepa == old_sepa
    assert new_upn == old_upn
    assert b"<MndtId>00555-00028</MndtId>" in new_sepa
    assert b"<OrgnlMndtId>VRT-2019-7</OrgnlMndtId>" in new_sepa
    assert sepa.validate(new_sepa).transactions == 1  # the group is one debit
    assert b"Copova ulica 7" in new_sepa  # the debtor's address from model.Address.city
    assert b"<TwnNm>Ljubljana</TwnNm>" in new_sepa


# --------------------------------------------------------------------------- one rule


def _writer_accepts(reference: str) -> bool:
    debit = sepa.DirectDebit(
        end_to_end_id="E2E-1",
        amount=Decimal("10.00"),
        collection_date=date(2026, 10, 19),
        reference="SI12 1234567890120",
        mandate=DebitMandate(
            reference=reference, signed_on=date(2025, 1, 1), debtor_name="Ana Novak", iban=IBAN
        ),
    )
    batch = sepa.DirectDebitBatch(
        message_id="M-1",
        creditor=CREDITOR,
        created_at=datetime(2026, 10, 10, 8, 0),
        transactions=[debit],
    )
    refused: ValidationError | None = None
    try:
        sepa.write_pain008(batch, io.BytesIO())
    except ValidationError as err:
        refused = err
    if refused is None:
        return True
    assert refused.code.startswith("mandate.")
    assert refused.where is not None
    assert refused.where.endswith("mandate.reference")
    return False


def _record_accepts(reference: str) -> bool:
    refused: ValidationError | None = None
    try:
        Mandate(reference=reference, bank="NLB", iban=IBAN)
    except ValidationError as err:
        refused = err
    if refused is None:
        return True
    assert refused.where == "Mandate.reference"
    return False


def _registry_accepts(reference: str) -> bool:
    # A record loaded from storage skips the constructor; the registry checks it.
    stored = build_trusted(
        Mandate,
        {"reference": reference, "bank": "NLB", "iban": IBAN, "signed_on": date(2025, 1, 1)},
    )
    child = Child(organisation_id="o", code=1, payment=PaymentMethod.direct_debit(stored))
    fields = {i.where.field for i in validate_child(child).errors}
    return "payment.mandate.reference" not in fields


REFERENCE_CHARS = st.sampled_from("aZ09/-?:().,'+ ") | st.characters()


@settings(max_examples=300)
@given(
    st.one_of(
        st.text(REFERENCE_CHARS, max_size=40),
        st.text(st.sampled_from("A1/- "), max_size=37),
        st.text(),
    )
)
def test_record_registry_and_writer_agree_on_any_reference(reference: str) -> None:
    accepted = ids_mandate.is_valid(reference)
    assert _record_accepts(reference) is accepted
    assert _writer_accepts(reference) is accepted
    assert _registry_accepts(reference) is accepted


@pytest.mark.parametrize(
    ("reference", "accepted"),
    [
        ("SI00 101", False),  # the space the old docs/records.md example had
        ("SI00-101", True),
        (" SI00-101 ", True),  # surrounding white space is dropped by all three
        ("", False),
        ("   ", False),
        ("/A", False),
        ("A//B", False),
        ("A" * 35, True),
        ("A" * 36, False),
        ("Ž-1", False),
    ],
)
def test_hand_examples_agree(reference: str, accepted: bool) -> None:
    assert _record_accepts(reference) is accepted
    assert _writer_accepts(reference) is accepted
    assert _registry_accepts(reference) is accepted


def test_payment_instruction_takes_the_new_names() -> None:
    mandate = DebitMandate(
        reference="M-1", signed_on=date(2025, 1, 1), debtor_name="Ana Novak", iban=IBAN
    )
    pi = PaymentInstruction(
        instruction_id="1",
        payer_id="P-1",
        payer_name="Ana Novak",
        payer_address=HOME,
        period=Month(2026, 9),
        amount=Decimal("1.00"),
        reference="SI12 1234567890120",
        method=PaymentKind.DIRECT_DEBIT,
        mandate=mandate,
        invoice_numbers=("1",),
        child_codes=(7,),
        description="x",
    )
    debit = sepa.debit_from_instruction(pi, collection_date=date(2026, 10, 19))
    assert debit.mandate is mandate
    assert debit.debtor_address is HOME
