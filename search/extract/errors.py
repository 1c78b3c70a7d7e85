"""The one error the extractors raise."""

from __future__ import annotations


class ExtractError(ValueError):
    """The input holds no article that can be extracted; the message says why."""
