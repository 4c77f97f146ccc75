"""Who sees what, over HTTP: another town's post is a 404; an unverified resident sees no post;
a verified neighbour of another neighbourhood, or outside the radius, sees none; addresses and
phone numbers appear on no page until both matched people agreed; the desk is the
coordinators' only (403 for everyone else)."""

import pytest
from django.contrib.gis.geos import Point

from commune.accounts.tests.factories import MembershipFactory
from commune.help.services import conversation, posts
from commune.tenants.scoping import scope
from commune.tenants.tests.factories import MunicipalityFactory

from .conftest import neighbour
from .factories import NeighbourhoodFactory, PostFactory


def page(client, user, path):
    client.force_login(user)
    return client.get(path)


def post_url(post):
    return f"/pully/help/posts/{post.pk}/"


def test_another_towns_post_is_a_404_even_for_its_neighbours_here(client, request_post, bruno):
    lutry = MunicipalityFactory(slug="lutry", modules=["help"])
    with scope(lutry):
        foreign = PostFactory(municipality=lutry)
    assert page(client, bruno.user, post_url(foreign)).status_code == 404
    assert page(client, bruno.user, post_url(request_post)).status_code == 200


def test_an_unverified_resident_sees_no_post(client, request_post, rosiaz):
    pending = neighbour(rosiaz, "Paul Pending", verified=False)
    home = page(client, pending.user, "/pully/help/")
    assert home.status_code == 200
    assert request_post.title not in home.content.decode()
    assert page(client, pending.user, post_url(request_post)).status_code == 404
    response = client.post(f"{post_url(request_post)}answer/", {"note": "moi"})
    assert response.status_code == 404
    assert not request_post.answers.exists()


def test_a_neighbour_of_another_neighbourhood_sees_none(client, request_post, town):
    elsewhere = NeighbourhoodFactory(municipality=town, name="Chamblandes")
    # a few metres away, but in another neighbourhood: the post is for Rosiaz only
    other = neighbour(elsewhere, "Olga Autre", at=(2540510, 1151500))
    assert request_post.title not in page(client, other.user, "/pully/help/").content.decode()
    assert page(client, other.user, post_url(request_post)).status_code == 404


def test_a_radius_post_is_seen_within_the_radius_only(client, alice, town):
    elsewhere = NeighbourhoodFactory(municipality=town, name="Chamblandes")
    near = neighbour(elsewhere, "Nora Proche", at=(2540500, 1151900))  # 400 m
    far = neighbour(elsewhere, "Fred Loin", at=(2540500, 1152600))  # 1100 m
    post = PostFactory(municipality=town, author=alice, radius_m=500, title="Une visite")
    assert post.title in page(client, near.user, "/pully/help/").content.decode()
    assert page(client, near.user, post_url(post)).status_code == 200
    assert post.title not in page(client, far.user, "/pully/help/").content.decode()
    assert page(client, far.user, post_url(post)).status_code == 404


def test_a_neighbour_without_a_position_is_outside_every_radius(client, alice, town):
    elsewhere = NeighbourhoodFactory(municipality=town, name="Chamblandes")
    nowhere = neighbour(elsewhere, "Zoé Sanspoint")
    nowhere.location = None
    nowhere.save()
    post = PostFactory(municipality=town, author=alice, radius_m=5000)
    assert page(client, nowhere.user, post_url(post)).status_code == 404


def _contact_bits(person):
    return [person.phone, person.address, person.user.email]


def test_contact_details_appear_nowhere_until_both_agreed(client, request_post, alice, bruno):
    answer = posts.answer_create(post=request_post, neighbour=bruno, note="")
    pages = [post_url(request_post), "/pully/help/"]

    def bodies(user):
        return "".join(page(client, user, p).content.decode() for p in pages)

    # before the match, and after it with one consent only
    for step in ("answered", "matched", "alice shares"):
        if step == "matched":
            posts.post_match(post=request_post, answer=answer, actor_user=alice.user, role="author")
        if step == "alice shares":
            conversation.contacts_share(post=request_post, side="author")
        seen_by_bruno, seen_by_alice = bodies(bruno.user), bodies(alice.user)
        for bit in _contact_bits(alice):
            assert bit not in seen_by_bruno, (step, bit)
        for bit in _contact_bits(bruno):
            assert bit not in seen_by_alice, (step, bit)
    # when Bruno agrees too
    client.force_login(bruno.user)
    client.post(f"{post_url(request_post)}share/")
    # then each sees the other's phone and e-mail (never the address)
    seen_by_bruno, seen_by_alice = bodies(bruno.user), bodies(alice.user)
    assert alice.phone in seen_by_bruno and alice.user.email in seen_by_bruno
    assert bruno.phone in seen_by_alice and bruno.user.email in seen_by_alice
    assert alice.address not in seen_by_bruno


def test_a_neighbour_who_is_not_one_of_the_two_sees_the_matched_post_no_more(
    client, request_post, alice, bruno, rosiaz
):
    carla = neighbour(rosiaz, "Carla Tiers")
    answer = posts.answer_create(post=request_post, neighbour=bruno, note="")
    assert page(client, carla.user, post_url(request_post)).status_code == 200
    posts.post_match(post=request_post, answer=answer, actor_user=alice.user, role="author")
    assert page(client, carla.user, post_url(request_post)).status_code == 404
    client.force_login(carla.user)
    assert client.post(f"{post_url(request_post)}message/", {"body": "hé"}).status_code == 404
    assert client.post(f"{post_url(request_post)}share/").status_code == 404


def test_only_the_author_accepts_an_answer(client, request_post, bruno, rosiaz):
    answer = posts.answer_create(post=request_post, neighbour=bruno, note="")
    client.force_login(bruno.user)
    response = client.post(f"{post_url(request_post)}accept/", {"answer": answer.pk})
    assert response.status_code == 404
    request_post.refresh_from_db()
    assert request_post.status == "open"


@pytest.mark.parametrize(
    "path",
    [
        "/pully/help/desk/",
        "/pully/help/desk/phone/",
        "/pully/help/desk/neighbours/",
    ],
)
def test_the_desk_is_403_for_neighbours_and_other_staff(client, staff_client, alice, path):
    assert page(client, alice.user, path).status_code == 403
    moderator = MembershipFactory(municipality=alice.municipality, role="agenda_moderator").user
    assert staff_client(moderator).get(path).status_code == 403


def test_the_desk_posts_are_403_for_a_neighbour_who_sees_the_post(client, request_post, bruno):
    client.force_login(bruno.user)
    assert client.get(f"/pully/help/desk/posts/{request_post.pk}/").status_code == 403
    assert client.post("/pully/help/desk/letters/").status_code == 403


def test_a_town_without_the_module_answers_404(client, town, alice):
    town.modules = [m for m in town.modules if m != "help"]
    town.save(update_fields=["modules"])
    assert page(client, alice.user, "/pully/help/").status_code == 404


def test_the_coordinator_sees_the_caller_and_the_address_the_neighbours_do_not(
    client, staff_client, coordinator, caller, bruno
):
    post = PostFactory(
        municipality=caller.municipality,
        author=None,
        caller=caller,
        neighbourhood=caller.neighbourhood,
        location=Point(2540500, 1151500, srid=2056),
    )
    desk = staff_client(coordinator).get(f"/pully/help/desk/posts/{post.pk}/").content.decode()
    assert caller.phone in desk and caller.address in desk
    client.force_login(bruno.user)
    seen = client.get(post_url(post)).content.decode()
    assert caller.phone not in seen and caller.address not in seen and caller.name not in seen


def test_the_helper_sees_a_callers_phone_only_once_both_agreed(
    client, staff_client, coordinator, caller, bruno
):
    post = PostFactory(
        municipality=caller.municipality,
        author=None,
        caller=caller,
        neighbourhood=caller.neighbourhood,
        location=caller.location,
    )
    answer = posts.answer_create(post=post, neighbour=bruno, note="")
    manage = f"/pully/help/desk/posts/{post.pk}/"
    # staff_client logs the coordinator in on the same client as `client`
    staff_client(coordinator).post(manage, {"action": "accept", "answer": answer.pk})
    client.force_login(bruno.user)
    client.post(f"{post_url(post)}share/")
    assert caller.phone not in client.get(post_url(post)).content.decode()
    # the caller agreed on the phone; the coordinator says so
    staff_client(coordinator).post(manage, {"action": "share"})
    client.force_login(bruno.user)
    seen = client.get(post_url(post)).content.decode()
    assert caller.phone in seen and caller.address not in seen
