"""The e-permis de fouille: requests, their work areas, reviews, decision and works."""

from .address import Address
from .config import (
    DeemedOpinionRule,
    PermitSettings,
    ResurfacedStreet,
    ReviewFeature,
    ReviewLayer,
    RoutingRule,
    StandardCondition,
)
from .following import ConflictNotice, FileFollower
from .permit import Attachment, Finding, PermitRequest, WorkArea
from .review import ComplementRequest, ReviewTask
from .tokens import ApiToken
from .uploads import PendingUpload
from .works import ExtensionRequest, Inspection

__all__ = [
    "Address",
    "ApiToken",
    "Attachment",
    "ComplementRequest",
    "ConflictNotice",
    "DeemedOpinionRule",
    "ExtensionRequest",
    "FileFollower",
    "Finding",
    "Inspection",
    "PendingUpload",
    "PermitRequest",
    "PermitSettings",
    "ResurfacedStreet",
    "ReviewFeature",
    "ReviewLayer",
    "ReviewTask",
    "RoutingRule",
    "StandardCondition",
    "WorkArea",
]
