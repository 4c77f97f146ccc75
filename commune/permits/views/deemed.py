"""The staff page of deemed opinions: for each service and closure level, whether its silence
counts as favourable once its review is late (services/deemed.py)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from commune.accounts.access import staff_required
from commune.permits import access
from commune.permits.selectors import permit_settings_get
from commune.permits.services.deemed import deemed_matrix, deemed_rules_save


@staff_required(*access.OFFICERS)
def deemed_opinions(request):
    """The table (GET), and its checkboxes saved (POST; a cell left unticked is "not
    favourable"); without JavaScript."""
    town = request.municipality
    settings = permit_settings_get(municipality=town)
    rows = deemed_matrix(municipality=town, settings=settings)
    if request.method == "POST":
        values = {
            (row["department"].pk, cell["closure"]): request.POST.get(cell["name"]) == "on"
            for row in rows
            for cell in row["cells"]
        }
        changed = deemed_rules_save(municipality=town, actor=request.user, values=values)
        messages.success(
            request,
            _("Deemed opinions saved (%(n)d changed).") % {"n": changed}
            if changed
            else _("Nothing changed."),
        )
        return redirect(reverse("permits:deemed", kwargs={"town": town.slug}))
    return render(
        request,
        "permits/staff/deemed.html",
        {"rows": rows, "settings": settings, "closures": rows[0]["cells"] if rows else []},
    )
