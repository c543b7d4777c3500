"""Checking an e-SLOG 2.0 document against the bundled XSD: :func:`validate_eslog`.

The schema (``eSLOG20_INVOIC_v200.xsd`` with the XML-signature schema it
imports, unmodified copies of GZS's files) ships in
``szo_core/invoices/eslog/_schemas`` and is loaded once per process.  Files
are parsed without entities, DTDs or network access.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from typing import Any, cast

from lxml import etree

from szo_core.errors import InvoiceError

__all__ = ["check_tree", "parse_xml", "schema", "validate_eslog"]

_SCHEMA_FILE = "eSLOG20_INVOIC_v200.xsd"


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


class _Bundled(etree.Resolver):
    """Serves the schemas the e-SLOG XSD imports from the package, never the network."""

    def resolve(self, system_url: str | None, public_id: str | None, context: object) -> object:  # type: ignore[override]
        name = (system_url or "").rsplit("/", 1)[-1]
        if name in _SCHEMA_FILES:
            return self.resolve_string(_read(name), context, base_url=name)
        return None


_SCHEMA_FILES = ("eSLOG20_INVOIC_v200.xsd", "xmldsig-core-schema.xsd")


def _read(name: str) -> bytes:
    folder = resources.files("szo_core.invoices.eslog").joinpath("_schemas")
    return folder.joinpath(name).read_bytes()


@lru_cache(maxsize=1)
def schema() -> etree.XMLSchema:
    """The e-SLOG 2.0 XSD, loaded once (cached for the process).

    >>> schema() is schema()
    True
    """
    parser = _parser()
    parser.resolvers.add(_Bundled())
    document = etree.fromstring(_read(_SCHEMA_FILE), parser, base_url=_SCHEMA_FILE)
    return etree.XMLSchema(etree.ElementTree(document))


def parse_xml(xml: bytes) -> etree._ElementTree:
    """Parse ``xml`` safely (no entities, DTD or network), or raise ``eslog.not_xml``.

    >>> parse_xml(b"<a/>").getroot().tag
    'a'
    >>> parse_xml(b"<a>")
    Traceback (most recent call last):
    ...
    szo_core.errors.InvoiceError: eslog.not_xml: Datoteka ni dobro oblikovan XML. (line 1)
    """
    if not isinstance(xml, bytes | bytearray):
        raise InvoiceError(
            "eslog.not_bytes",
            sl="Dokument e-SLOG mora biti podan kot bajti.",
            en="An e-SLOG document must be given as bytes.",
            where=type(xml).__name__,
        )
    try:
        tree = etree.ElementTree(etree.fromstring(bytes(xml), _parser()))
    except etree.XMLSyntaxError as exc:
        raise InvoiceError(
            "eslog.not_xml",
            sl="Datoteka ni dobro oblikovan XML.",
            en="The file is not well-formed XML.",
            where=f"line {exc.lineno}" if exc.lineno else None,
        ) from None
    if getattr(tree.docinfo, "doctype", ""):
        raise InvoiceError(
            "eslog.doctype",
            sl="Dokument e-SLOG ne sme imeti deklaracije DOCTYPE.",
            en="An e-SLOG document must not have a DOCTYPE declaration.",
            where="line 1",
        )
    return tree


_ELEMENT = re.compile(r"Element '(?:\{[^}]*\})?([A-Za-z0-9_.:-]+)'")


def _element_name(message: str, path: str | None) -> str:
    # libxml2's message starts with the element's name; the value it quotes later is
    # never shown (it may be an IBAN or a tax number).
    found = _ELEMENT.match(message)
    if found:
        return found.group(1).rsplit(":", 1)[-1]
    last = (path or "").rsplit("/", 1)[-1]
    return last.split(":", 1)[-1].split("[", 1)[0] or "?"


def check_tree(tree: etree._ElementTree) -> None:
    """Validate a tree parsed by :func:`parse_xml` (see :func:`validate_eslog`).

    >>> check_tree(parse_xml(b'<Invoice xmlns="urn:eslog:2.00"><M_INVOIC/></Invoice>'))
    Traceback (most recent call last):
    ...
    szo_core.errors.InvoiceError: eslog.schema: ... (line 1, M_INVOIC)
    """
    check = schema()
    if check.validate(tree):
        return
    # lxml-stubs do not declare _ErrorLog indexable; at run time it is a sequence.
    error = cast("Any", check.error_log)[0]
    element = _element_name(error.message, error.path)
    raise InvoiceError(
        "eslog.schema",
        sl=f"Dokument ne ustreza shemi e-SLOG 2.0: element {element} ({error.type_name}).",
        en=f"The document does not follow the e-SLOG 2.0 schema: element {element}"
        f" ({error.type_name}).",
        where=f"line {error.line}, {element}",
    )


def validate_eslog(xml: bytes) -> None:
    """Check ``xml`` against the e-SLOG 2.0 XSD; return None or raise.

    The error names the line and the element and the kind of violation
    (libxml2's type name), never the offending value: it may be an IBAN or
    a tax number.

    Raises:
        InvoiceError: ``eslog.not_xml``, ``eslog.doctype`` or ``eslog.schema``.

    Example:
        >>> from szo_core.invoices.eslog import example_document, to_eslog
        >>> validate_eslog(to_eslog(example_document()))
        >>> validate_eslog(b'<Invoice xmlns="urn:eslog:2.00"/>')
        Traceback (most recent call last):
        ...
        szo_core.errors.InvoiceError: eslog.schema: ... (line 1, Invoice)
    """
    check_tree(parse_xml(xml))
