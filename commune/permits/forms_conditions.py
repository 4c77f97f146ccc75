"""Forms that offer the town's standard conditions: the officer's decision and a service's
opinion list each condition by its full text (never cut short), and the library's own form."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from . import forms as base
from .models import StandardCondition


class ConditionChoiceField(forms.ModelMultipleChoiceField):
    """Checkboxes of the town's conditions still offered, each labelled with its whole text."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", None)  # set per form, inside the town's scope
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "error_messages",
            {"invalid_choice": _("This condition is no longer in the town's library.")},
        )
        super().__init__(**kwargs)

    def label_from_instance(self, obj: StandardCondition) -> str:
        return obj.text


def _offered():
    return StandardCondition.objects.filter(is_active=True).order_by("code")


class DecisionForm(base.DecisionForm):
    """The officer's decision; a grant may add conditions from the town's library (copied onto
    the permit) and free ones."""

    standard_conditions = ConditionChoiceField(label=_("Standard conditions of the town"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "extra_conditions" not in self.fields:
            del self.fields["standard_conditions"]
            return
        self.fields["standard_conditions"].queryset = _offered()
        order = list(self.fields)
        order.remove("standard_conditions")
        order.insert(order.index("extra_conditions"), "standard_conditions")
        self.order_fields(order)


class ReviewForm(base.ReviewForm):
    """A service's opinion, its standard conditions labelled with their whole text."""

    conditions = ConditionChoiceField(label=_("Standard conditions"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["conditions"].queryset = _offered()


class StandardConditionForm(forms.ModelForm):
    """One condition of the library: a short code for the list, the text the permit carries."""

    class Meta:
        model = StandardCondition
        fields = ["code", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "code": _("A short name for the list, e.g. night-work."),
            "text": _("As the permit will say it; edits change no permit already decided."),
        }

    def _post_clean(self):
        # The service checks the code is free in the town and saves (services/conditions.py).
        pass
