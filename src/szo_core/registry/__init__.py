"""Rules on records: codes, validation reports, merged payment groups, decisions.

* :func:`next_code` assigns a child's code (the next one, or the first free from
  a start) within the configured width (:class:`RegistryConfig`).
* :func:`validate_child`, :func:`validate_guardian`, :func:`validate_organisation`
  and :func:`validate_registry`
  return a :class:`ValidationReport` with every error and warning, each an
  :class:`Issue` with a stable code, a message in Slovenian and English, and
  :class:`Where` it is.
* :func:`fill_from_emso` fills an empty birth date and sex from the EMŠO.
* :func:`resolve_payment_groups` builds merged payment groups (skupni UPN / SDD).
* :class:`DecisionBook`, :func:`edit_decision`, :func:`supersede` and
  :func:`ensure_unlocked` keep decisions used by closed billing runs immutable.

>>> next_code([1, 2, 3])
4
"""

from szo_core.registry.codes import check_code, next_code
from szo_core.registry.config import OrganisationKind, RegistryConfig
from szo_core.registry.decisions import DecisionBook, edit_decision, ensure_unlocked, supersede
from szo_core.registry.groups import GroupResolution, resolve_payment_groups
from szo_core.registry.report import Issue, Severity, ValidationReport, Where
from szo_core.registry.validation import (
    fill_from_emso,
    validate_child,
    validate_guardian,
    validate_organisation,
    validate_registry,
)

__all__ = [
    "DecisionBook",
    "GroupResolution",
    "Issue",
    "OrganisationKind",
    "RegistryConfig",
    "Severity",
    "ValidationReport",
    "Where",
    "check_code",
    "edit_decision",
    "ensure_unlocked",
    "fill_from_emso",
    "next_code",
    "resolve_payment_groups",
    "supersede",
    "validate_child",
    "validate_guardian",
    "validate_organisation",
    "validate_registry",
]
