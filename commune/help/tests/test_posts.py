"""Posts: created once per form, no money nor documents asked; answered, matched by the author
(mails over a real SMTP server), messages between the two, closing by the table."""

import datetime as dt
import uuid

import pytest
from django.core.exceptions import ValidationError

from commune.agenda.tests.factories import EventFactory
from commune.core.models import AuditEntry
from commune.help import workflow
from commune.help.models import Post
from commune.help.services import conversation, posts
from commune.help.services.posts import PostInput

from .conftest import NOW, ZURICH


def data(quarter, **extra) -> PostInput:
    values = {
        "direction": "request",
        "category": "shopping",
        "title": "Courses du mardi",
        "neighbourhood": quarter,
        "availability": "le mardi matin",
    }
    values.update(extra)
    return PostInput(**values)


def test_the_same_form_posted_twice_creates_one_post_and_the_rules_are_remembered(alice):
    key = uuid.uuid4()
    first = posts.post_create(neighbour=alice, data=data(alice.neighbourhood), key=key, now=NOW)
    second = posts.post_create(neighbour=alice, data=data(alice.neighbourhood), key=key, now=NOW)
    assert first.pk == second.pk and Post.objects.count() == 1
    alice.refresh_from_db()
    assert alice.rules_accepted_at == NOW
    assert first.location == alice.location
    assert AuditEntry.objects.filter(action="post_create", object_id=str(first.pk)).exists()


@pytest.mark.parametrize(
    "text",
    ["Prêtez-moi de l'argent", "Envoyez votre IBAN", "copie du passeport", "Bargeld bitte"],
)
def test_a_post_asking_for_money_or_documents_is_refused_and_nothing_saved(alice, text):
    with pytest.raises(ValidationError) as caught:
        posts.post_create(
            neighbour=alice, data=data(alice.neighbourhood, description=text), key="k", now=NOW
        )
    assert "description" in caught.value.error_dict
    assert Post.objects.count() == 0


def test_an_unverified_resident_cannot_post(alice):
    alice.status = "pending"
    with pytest.raises(ValidationError):
        posts.post_create(neighbour=alice, data=data(alice.neighbourhood), key="k", now=NOW)
    assert Post.objects.count() == 0


def test_a_helper_answers_the_author_accepts_and_both_are_told_by_mail(
    request_post, alice, bruno, smtp_server, django_capture_on_commit_callbacks
):
    # when: Bruno answers (twice: one answer)
    with django_capture_on_commit_callbacks(execute=True):
        answer = posts.answer_create(post=request_post, neighbour=bruno, note="Je passe mardi")
        again = posts.answer_create(post=request_post, neighbour=bruno, note="encore")
    assert answer.pk == again.pk
    [to_alice] = smtp_server.wait_for(1)
    assert to_alice["To"] == alice.user.email
    assert f"/pully/help/posts/{request_post.pk}/" in smtp_server.text_of(to_alice)
    # when: Alice accepts
    with django_capture_on_commit_callbacks(execute=True):
        posts.post_match(post=request_post, answer=answer, actor_user=alice.user, role="author")
    # then
    request_post.refresh_from_db()
    assert request_post.status == "matched" and request_post.partner == bruno
    to_bruno = smtp_server.wait_for(2)[1]
    assert to_bruno["To"] == bruno.user.email
    body = smtp_server.text_of(to_bruno)
    assert alice.phone not in body and alice.address not in body


def test_only_the_two_matched_people_write_and_contacts_need_both(request_post, alice, bruno):
    answer = posts.answer_create(post=request_post, neighbour=bruno, note="")
    with pytest.raises(ValidationError):
        conversation.message_send(post=request_post, sender=bruno, body="Bonjour")
    posts.post_match(post=request_post, answer=answer, actor_user=alice.user, role="author")
    conversation.message_send(post=request_post, sender=bruno, body="Bonjour Alice")
    assert request_post.messages.get().sender == bruno
    conversation.contacts_share(post=request_post, side="author")
    assert not request_post.contacts_shared
    conversation.contacts_share(post=request_post, side="partner")
    assert request_post.contacts_shared


def test_the_helper_cannot_close_as_no_one_found_but_can_say_done(request_post, alice, bruno):
    answer = posts.answer_create(post=request_post, neighbour=bruno, note="")
    posts.post_match(post=request_post, answer=answer, actor_user=alice.user, role="author")
    with pytest.raises(workflow.TransitionNotAllowed):
        posts.post_close(post=request_post, target="open", actor_user=bruno.user, role="partner")
    post = posts.post_close(post=request_post, target="done", actor_user=bruno.user, role="partner")
    assert post.status == "done"


def test_reopening_a_match_forgets_the_partner_and_the_consent(request_post, alice, bruno):
    answer = posts.answer_create(post=request_post, neighbour=bruno, note="")
    posts.post_match(post=request_post, answer=answer, actor_user=alice.user, role="author")
    conversation.contacts_share(post=request_post, side="author")
    post = posts.post_close(post=request_post, target="open", actor_user=alice.user, role="author")
    post.refresh_from_db()
    assert post.status == "open" and post.partner is None and not post.author_shares


def test_a_phone_request_answered_online_tells_the_coordinators(
    caller, coordinator, bruno, smtp_server, django_capture_on_commit_callbacks
):
    post = posts.post_create_for_caller(
        caller=caller,
        coordinator=coordinator,
        data=data(caller.neighbourhood, title="Visite le jeudi"),
        key="k",
        follow_up_on=NOW.date(),
    )
    with django_capture_on_commit_callbacks(execute=True):
        posts.answer_create(post=post, neighbour=bruno, note="")
    [mail] = smtp_server.wait_for(1)
    assert mail["To"] == coordinator.email
    assert f"/pully/help/desk/posts/{post.pk}/" in smtp_server.text_of(mail)


def test_company_to_an_agenda_activity_keeps_the_date_of_the_activity(alice):
    event = EventFactory(municipality=alice.municipality)  # Wednesdays 14:00 from 7.10.2026
    post = posts.post_create(
        neighbour=alice,
        data=data(
            alice.neighbourhood,
            category="accompany",
            event=event,
            occurrence_day=dt.date(2026, 10, 28),  # the first Wednesday in winter time
        ),
        key="k",
        now=NOW,
    )
    assert post.occurrence_start == dt.datetime(2026, 10, 28, 14, tzinfo=ZURICH)


def test_a_day_without_the_activity_is_refused(alice):
    event = EventFactory(municipality=alice.municipality)
    with pytest.raises(ValidationError) as refused:
        posts.post_create(
            neighbour=alice,
            data=data(alice.neighbourhood, event=event, occurrence_day=dt.date(2026, 10, 29)),
            key="k",
            now=NOW,
        )
    assert "occurrence_day" in refused.value.error_dict
    assert Post.objects.count() == 0


def test_a_message_is_announced_to_the_other_person_without_its_text(
    request_post, alice, bruno, smtp_server, django_capture_on_commit_callbacks
):
    answer = posts.answer_create(post=request_post, neighbour=bruno, note="")
    posts.post_match(post=request_post, answer=answer, actor_user=alice.user, role="author")
    with django_capture_on_commit_callbacks(execute=True):
        conversation.message_send(post=request_post, sender=bruno, body="Mardi 10 h chez vous ?")
    [mail] = smtp_server.wait_for(1)
    assert mail["To"] == alice.user.email
    assert "Mardi 10 h" not in smtp_server.text_of(mail)
