"""The town's library of standard conditions, for its permit officers and administrators: the
list (offered and retired), a new condition, an edit, retire and restore (services/
conditions.py). Without JavaScript."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from commune.accounts.access import staff_required
from commune.core.form_errors import errors_to_form
from commune.permits import access
from commune.permits.forms_conditions import StandardConditionForm
from commune.permits.models import StandardCondition
from commune.permits.services import conditions


def _list_url(request) -> str:
    return reverse("permits:conditions", kwargs={"town": request.municipality.slug})


def _saved(form, call) -> bool:
    """Run the service; its errors land on the form's fields."""
    try:
        call()
    except ValidationError as exc:
        errors_to_form(form, exc)
        return False
    return True


@staff_required(*access.OFFICERS)
def condition_list(request):
    """The library, and the form that adds a condition to it."""
    town = request.municipality
    form = StandardConditionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _saved(
            form,
            lambda: conditions.condition_create(
                municipality=town, code=data["code"], text=data["text"], actor=request.user
            ),
        ):
            messages.success(request, _("The condition is added to the library."))
            return redirect(_list_url(request))
    items = StandardCondition.objects.filter(municipality=town).order_by("-is_active", "code")
    return render(
        request,
        "permits/staff/conditions.html",
        {"form": form, "conditions": items},
        status=400 if request.method == "POST" else 200,
    )


@staff_required(*access.OFFICERS)
def condition_edit(request, condition_id: int):
    condition = get_object_or_404(
        StandardCondition, municipality=request.municipality, pk=condition_id
    )
    form = StandardConditionForm(request.POST or None, instance=condition)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _saved(
            form,
            lambda: conditions.condition_update(
                condition=condition, code=data["code"], text=data["text"], actor=request.user
            ),
        ):
            messages.success(
                request,
                _("The condition is changed; the permits already decided keep their text."),
            )
            return redirect(_list_url(request))
    return render(
        request,
        "permits/staff/condition_edit.html",
        {"form": form, "condition": condition},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@staff_required(*access.OFFICERS)
def condition_retire(request, condition_id: int):
    """`retire=1` retires the condition, anything else restores it."""
    condition = get_object_or_404(
        StandardCondition, municipality=request.municipality, pk=condition_id
    )
    retire = request.POST.get("retire") == "1"
    conditions.condition_retire(condition=condition, actor=request.user, retired=retire)
    messages.success(
        request,
        _("The condition is retired: no longer offered, kept on the permits that carry it.")
        if retire
        else _("The condition is offered again."),
    )
    return redirect(_list_url(request))
