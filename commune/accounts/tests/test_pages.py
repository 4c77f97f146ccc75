import re

import pytest


@pytest.mark.parametrize(
    "path",
    [
        "/accounts/login/",
        "/accounts/register/",
        "/accounts/register/done/",
        "/accounts/verify/resend/",
        "/accounts/password/reset/",
        "/accounts/password/reset/done/",
        "/accounts/password/reset/complete/",
    ],
)
def test_public_account_pages_render_with_a_label_for_every_field(client, db, path):
    response = client.get(path)
    assert response.status_code == 200
    body = response.content.decode()
    assert '<main id="main"' in body
    inputs = re.findall(r'<(?:input|select|textarea)\b[^>]*\bid="([^"]+)"', body)
    for input_id in inputs:
        if input_id.startswith("language-select"):
            continue
        assert f'for="{input_id}"' in body, f"{path}: no label for #{input_id}"


def test_register_form_works_without_javascript(client, db):
    body = client.get("/accounts/register/").content.decode()
    assert '<form method="post"' in body
    assert 'type="radio"' in body and 'name="uid"' in body  # all fields, no script toggling
