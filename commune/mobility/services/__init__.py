"""Writes of the mobility app: one function per action."""

from .imports import ImportOptionsError, import_create, import_run, import_submit
from .readings import Outcome, message_quarantine, message_receive

__all__ = [
    "ImportOptionsError",
    "Outcome",
    "import_create",
    "import_run",
    "import_submit",
    "message_quarantine",
    "message_receive",
]
