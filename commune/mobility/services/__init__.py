"""Writes of the mobility app: one function per action."""

from .imports import ImportOptionsError, import_create, import_run
from .readings import Outcome, message_quarantine, message_receive

__all__ = [
    "ImportOptionsError",
    "Outcome",
    "import_create",
    "import_run",
    "message_quarantine",
    "message_receive",
]
