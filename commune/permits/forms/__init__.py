"""Forms: they parse and check input, then views hand the cleaned data to one service."""

from .applicant import AttachmentForm, ComplementAnswerForm, ExtensionForm, ReinstatementForm
from .lists import AddressLayerForm, MapFilterForm, QueueFilterForm, ReviewLayerForm
from .officer import (
    AbandonForm,
    CategoryForm,
    ComplementForm,
    DecisionForm,
    InspectionForm,
    ReviewForm,
    ServiceAddForm,
)
from .request import PermitRequestForm
from .uploads import MultipleFileField, MultipleFileInput

__all__ = [
    "AbandonForm",
    "AddressLayerForm",
    "AttachmentForm",
    "CategoryForm",
    "ComplementAnswerForm",
    "ComplementForm",
    "DecisionForm",
    "ExtensionForm",
    "InspectionForm",
    "MapFilterForm",
    "MultipleFileField",
    "MultipleFileInput",
    "PermitRequestForm",
    "QueueFilterForm",
    "ReinstatementForm",
    "ReviewForm",
    "ReviewLayerForm",
    "ServiceAddForm",
]
