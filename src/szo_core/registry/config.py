"""Settings of an organisation's registry: code width and kind of organisation.

>>> config = RegistryConfig(code_width=4)
>>> config.max_code
9999
"""

from __future__ import annotations

import attrs
from attrs import validators as v

from szo_core.errors import ConfigurationError
from szo_core.model.organisation import OrganisationKind  # one kind for records and registry

__all__ = ["OrganisationKind", "RegistryConfig"]


def _width(_instance: object, _attribute: attrs.Attribute[int], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 18:
        raise ConfigurationError(
            "registry.code_width",
            sl="Širina šifre mora biti od 1 do 18 števk.",
            en="The code width must be from 1 to 18 digits.",
            where="code_width",
        )


@attrs.frozen(kw_only=True)
class RegistryConfig:
    """An organisation's registry settings.

    Attributes:
        code_width: How many digits a child's code may have (5 by default, so
            codes 1 ... 99999).
        organisation_kind: Kindergartens need the municipality of residence of
            every child (it pays the difference).

    >>> RegistryConfig().max_code
    99999
    >>> RegistryConfig(code_width=0)
    Traceback (most recent call last):
    ...
    szo_core.errors.ConfigurationError: registry.code_width: ...
    """

    code_width: int = attrs.field(default=5, validator=_width)
    organisation_kind: OrganisationKind = attrs.field(
        default=OrganisationKind.KINDERGARTEN, validator=v.instance_of(OrganisationKind)
    )

    @property
    def max_code(self) -> int:
        """The highest code that fits the width."""
        return int("9" * self.code_width)
