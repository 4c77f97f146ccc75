"""The person's own page: roles per town, organisations, language."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import selectors, services
from ..forms import LanguageForm


@login_required
def dashboard(request):
    return render(
        request,
        "accounts/dashboard.html",
        {
            "towns": selectors.roles_by_town(user=request.user),
            "organisations": selectors.organisation_pages(user=request.user),
            "language_form": LanguageForm(initial={"language": request.user.language}),
        },
    )


@login_required
@require_POST
def language(request):
    form = LanguageForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the languages offered."))
        return redirect("accounts:dashboard")
    services.user_language_set(user=request.user, language=form.cleaned_data["language"])
    response = redirect("accounts:dashboard")
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME, form.cleaned_data["language"], samesite="Lax"
    )
    return response
