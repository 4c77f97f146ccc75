from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from commune.tenants import scoping

from .models import Membership


class CommuneLoginView(LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


login_view = CommuneLoginView.as_view()


@require_POST
def logout_view(request):
    logout(request)
    return redirect("platform-home")


@login_required
def dashboard(request):
    with scoping.scopes_disabled():
        memberships = list(
            Membership.objects.filter(user=request.user).select_related(
                "municipality", "department"
            )
        )
    return render(request, "accounts/dashboard.html", {"memberships": memberships})
