from django.test import override_settings

from commune.tenants.models import Domain


def test_platform_home_lists_every_active_town(client, town_a, town_b):
    response = client.get("/")
    assert response.status_code == 200
    assert b"Pully" in response.content and b"Lutry" in response.content


def test_town_home_is_served_under_its_slug_in_its_colours(client, town_a):
    response = client.get("/pully/")
    assert response.status_code == 200
    assert response.context["town"] == town_a
    assert town_a.primary_colour.encode() in response.content


def test_unknown_town_is_a_404_page_in_french(client, db):
    response = client.get("/atlantis/")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


@override_settings(ALLOWED_HOSTS=["*"])
def test_town_is_served_at_the_root_of_its_own_domain(client, town_a):
    Domain.objects.create(municipality=town_a, domain="e-services.pully.example.ch")
    response = client.get("/", HTTP_HOST="e-services.pully.example.ch")
    assert response.status_code == 200
    assert response.context["town"] == town_a
