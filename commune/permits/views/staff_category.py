"""The officer corrects the road category of a file (it sets the occupation fee): under review,
and after the grant, when the difference is billed (services/category.py)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from commune.accounts.access import staff_required
from commune.permits import access, forms, selectors
from commune.permits.services.category import permit_category_correct


@require_POST
@staff_required(*access.OFFICERS)
def permit_category(request, permit_id: int):
    permit = selectors.permit_get_for_staff(
        municipality=request.municipality, user=request.user, permit_id=permit_id
    )
    form = forms.CategoryForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError([e for errors in form.errors.values() for e in errors])
        changed = permit_category_correct(
            permit=permit,
            category=form.cleaned_data["category"],
            reason=form.cleaned_data["reason"],
            officer=request.user,
            now=timezone.now(),
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        if changed:
            messages.success(
                request,
                _("The road category is corrected; the fees follow and the applicant is told."),
            )
        else:
            messages.info(request, _("The road category was already this one: nothing changed."))
    return redirect("permits:staff-detail", town=request.municipality.slug, permit_id=permit.pk)
