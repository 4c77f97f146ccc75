"""Reports of abuse and blocks: a neighbour who sees a post reports it once; the coordinator's
desk lists it until marked handled; the author cannot report their own post, nobody out of
reach can. Two neighbours of whom one blocked the other no longer see each other's posts."""

import pytest
from django.core.exceptions import ValidationError

from commune.help.models import Report
from commune.help.services import posts

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


def test_a_blocked_author_is_seen_no_more_and_cannot_be_answered(client, request_post, bruno):
    client.force_login(bruno.user)
    assert client.post(f"/pully/help/posts/{request_post.pk}/block/").status_code == 302
    assert request_post.title not in client.get("/pully/help/").content.decode()
    assert client.get(f"/pully/help/posts/{request_post.pk}/").status_code == 404
    with pytest.raises(ValidationError):
        posts.answer_create(post=request_post, neighbour=bruno, note="")


def test_the_author_blocks_an_answerer_whose_answer_disappears(client, request_post, alice, bruno):
    answer = posts.answer_create(post=request_post, neighbour=bruno, note="Moi !")
    client.force_login(alice.user)
    page = client.get(f"/pully/help/posts/{request_post.pk}/").content.decode()
    assert "Bruno Favre" in page
    client.post(f"/pully/help/posts/{request_post.pk}/block/", {"answer": answer.pk})
    page = client.get(f"/pully/help/posts/{request_post.pk}/").content.decode()
    assert "Bruno Favre" not in page
    with pytest.raises(ValidationError):
        posts.post_match(post=request_post, answer=answer, actor_user=alice.user, role="author")
    # and Alice's posts are out of Bruno's sight
    client.force_login(bruno.user)
    assert client.get(f"/pully/help/posts/{request_post.pk}/").status_code == 404
