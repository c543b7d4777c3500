"""EMŠO, the Slovenian personal registration number (being written)."""

import enum

__all__ = ["Sex"]


class Sex(enum.StrEnum):
    """Sex as recorded in the EMŠO serial (000-499 male, 500-999 female)."""

    MALE = "M"
    FEMALE = "F"
