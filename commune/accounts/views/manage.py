"""A town's own administration (/<town>/manage/), for its municipality administrators:
settings, departments and staff. Every write goes through a service that records the audit
trail. Here, not in tenants, because the pages are guarded by the access choke point."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from commune.tenants import services
from commune.tenants.forms import DepartmentForm, MunicipalitySettingsForm
from commune.tenants.models import Department

from .. import services as account_services
from ..access import staff_required
from ..forms import RoleGrantForm
from ..models import Membership, Role

admin_required = staff_required(Role.MUNICIPALITY_ADMIN)


def _town_redirect(request, name: str):
    return redirect(name, town=request.municipality.slug)


@admin_required
def home(request):
    town = request.municipality
    form = MunicipalitySettingsForm(request.POST or None, request.FILES or None, municipality=town)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.municipality_update(
                municipality=town,
                actor=request.user,
                changes={k: data[k] for k in ("modules", "contact_email", "primary_colour")},
                logo=data["logo"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The settings are saved."))
            return _town_redirect(request, "manage:home")
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/manage/home.html", {"form": form}, status=status)


@admin_required
def department_list(request):
    return render(
        request, "accounts/manage/departments.html", {"departments": Department.objects.all()}
    )


@admin_required
def department_edit(request, department_id: int | None = None):
    department = (
        get_object_or_404(Department, pk=department_id) if department_id is not None else None
    )
    form = DepartmentForm(request.POST or None, department=department)
    if request.method == "POST" and form.is_valid():
        try:
            services.department_save(
                municipality=request.municipality,
                actor=request.user,
                department=department,
                data=form.cleaned_data,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The department is saved."))
            return _town_redirect(request, "manage:departments")
    return render(
        request, "accounts/manage/department_form.html", {"form": form, "department": department}
    )


@admin_required
def staff_list(request):
    form = RoleGrantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                person = account_services.staff_create(
                    municipality=request.municipality,
                    actor=request.user,
                    email=data["email"],
                    full_name=data["full_name"],
                )
                account_services.role_grant(
                    municipality=request.municipality,
                    actor=request.user,
                    user=person,
                    role=data["role"],
                    department=data["department"],
                )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("%(name)s now holds this role.") % {"name": person.full_name}
            )
            return _town_redirect(request, "manage:staff")
    memberships = Membership.objects.select_related("user", "department").order_by(
        "user__full_name", "role"
    )
    return render(request, "accounts/manage/staff.html", {"form": form, "memberships": memberships})


@admin_required
def role_revoke(request, membership_id: int):
    membership = get_object_or_404(
        Membership.objects.select_related("user", "department"), pk=membership_id
    )
    if request.method == "POST":
        try:
            account_services.role_revoke(
                municipality=request.municipality, actor=request.user, membership=membership
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The role is revoked."))
        return _town_redirect(request, "manage:staff")
    return render(request, "accounts/manage/role_revoke.html", {"membership": membership})
