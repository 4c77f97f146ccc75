from django.urls import path

from .views import auth, dashboard, organisation, registration

app_name = "accounts"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("language/", dashboard.language, name="language"),
    path("login/", auth.login_view, name="login"),
    path("logout/", auth.logout_view, name="logout"),
    path("2fa/", auth.two_factor, name="two_factor"),
    path("register/", registration.register, name="register"),
    path("register/done/", registration.register_done, name="register_done"),
    path("verify/resend/", registration.resend, name="resend"),
    path("verify/<str:token>/", registration.verify, name="verify"),
    path("password/reset/", auth.password_reset, name="password_reset"),
    path("password/reset/done/", auth.password_reset_done, name="password_reset_done"),
    path(
        "password/reset/<uidb64>/<token>/",
        auth.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path("password/reset/complete/", auth.password_reset_complete, name="password_reset_complete"),
    path("organisation/", organisation.organisation, name="organisation"),
    path(
        "organisation/<id:org_id>/invite/",
        organisation.organisation_invite,
        name="organisation_invite",
    ),
    path(
        "organisation/<id:org_id>/members/<id:member_id>/remove/",
        organisation.organisation_member_remove,
        name="organisation_member_remove",
    ),
    path("invitation/<str:token>/", organisation.invitation, name="invitation"),
]
