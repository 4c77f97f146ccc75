"""Reports of abuse: a neighbour who sees a post reports it once; the coordinator's desk lists
it until marked handled; the author cannot report their own post, nobody out of reach can."""

from commune.help.models import Report

from .conftest import neighbour
from .factories import NeighbourhoodFactory


def test_a_report_reaches_the_desk_once_until_handled(
    client, staff_client, coordinator, request_post, bruno
):
    client.force_login(bruno.user)
    url = f"/pully/help/posts/{request_post.pk}/report/"
    assert client.post(url, {"reason": "Demande de l'argent en privé"}).status_code == 302
    client.post(url, {"reason": "encore"})
    assert Report.objects.count() == 1
    desk = staff_client(coordinator)
    assert "Demande de l&#x27;argent en privé" in desk.get("/pully/help/desk/").content.decode()
    report = Report.objects.get()
    desk.post(
        f"/pully/help/desk/posts/{request_post.pk}/",
        {"action": "report_handled", "report": report.pk},
    )
    report.refresh_from_db()
    assert report.handled_at is not None
    assert "Demande de l&#x27;argent" not in desk.get("/pully/help/desk/").content.decode()


def test_an_empty_report_is_refused(client, request_post, bruno):
    client.force_login(bruno.user)
    client.post(f"/pully/help/posts/{request_post.pk}/report/", {"reason": " "})
    assert Report.objects.count() == 0


def test_the_author_and_neighbours_out_of_reach_cannot_report(client, request_post, alice, town):
    client.force_login(alice.user)
    url = f"/pully/help/posts/{request_post.pk}/report/"
    assert client.post(url, {"reason": "x"}).status_code == 404
    far = neighbour(NeighbourhoodFactory(municipality=town, name="Loin"), "Fred Loin")
    client.force_login(far.user)
    assert client.post(url, {"reason": "x"}).status_code == 404
    assert Report.objects.count() == 0
