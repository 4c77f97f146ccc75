"""/accounts/organisation/<id>/api-tokens/…: an organisation's API tokens, created and revoked by
its manager from the organisation page; mounted under /accounts/ by config/urls.py."""

from django.urls import path

from .views import tokens

app_name = "api_tokens"

urlpatterns = [
    path("organisation/<id:org_id>/api-tokens/", tokens.api_token_new, name="create"),
    path(
        "organisation/<id:org_id>/api-tokens/<id:token_id>/revoke/",
        tokens.api_token_revoke_view,
        name="revoke",
    ),
]
