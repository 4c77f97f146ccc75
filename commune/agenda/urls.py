from django.urls import include, path

from .views import (
    digest,
    moderation,
    my_registrations,
    organiser,
    paper,
    public,
    registrations,
    venues,
    widget,
)

app_name = "agenda"

#: The e-mail digest: its links carry a signed token, not an id (agenda:digest:…).
digest_patterns = [
    path("", digest.subscribe, name="subscribe"),
    path("sent/", digest.sent, name="sent"),
    path("confirm/<str:token>/", digest.confirm, name="confirm"),
    path("unsubscribe/<str:token>/", digest.unsubscribe, name="unsubscribe"),
]

urlpatterns = [
    path("", public.agenda_list, name="list"),
    path("agenda.ics", public.ical_town, name="ical"),
    path("agenda.rss", public.rss, name="rss"),
    path("activities/<id:event_id>/", public.event_detail, name="event"),
    path("activities/<id:event_id>/event.ics", public.ical_event, name="event-ical"),
    path("activities/<id:event_id>/poster.pdf", paper.event_poster, name="poster"),
    path("paper/agenda.pdf", paper.paper_week, name="paper-week"),
    path("manage/paper/", paper.paper_home, name="paper"),
    path("widget/", widget.widget, name="widget"),
    path("embed/", widget.embed_help, name="embed"),
    path("digest/", include((digest_patterns, "digest"))),
    path("venues/<id:venue_id>/", public.venue_detail, name="venue"),
    path("venues/<id:venue_id>/venue.ics", public.ical_venue, name="venue-ical"),
    path("venues/<id:venue_id>/photo.png", venues.venue_photo, name="venue-photo"),
    path("manage/venues/", venues.venue_list, name="venues"),
    path("manage/venues/new/", venues.venue_edit, name="venue-new"),
    path("manage/venues/<id:venue_id>/", venues.venue_edit, name="venue-edit"),
    path("activities/<id:event_id>/register/", registrations.register, name="register"),
    path(
        "activities/<id:event_id>/registrations/<id:registration_id>/confirm/",
        my_registrations.confirm,
        name="registration-confirm",
    ),
    path(
        "activities/<id:event_id>/registrations/<id:registration_id>/cancel/",
        my_registrations.cancel,
        name="registration-cancel",
    ),
    path("mine/<id:event_id>/attendees/", registrations.attendees, name="attendees"),
    path(
        "mine/<id:event_id>/attendees/<id:registration_id>/confirm/",
        registrations.confirm_offer,
        name="confirm-offer",
    ),
    path("manage/letters/", registrations.letter_batch, name="letters"),
    path("manage/calls/<id:call_id>/done/", registrations.call_done, name="call-done"),
    path("manage/letters/<str:day>.pdf", registrations.letter_batch_pdf, name="letters-pdf"),
    path("mine/", organiser.event_mine, name="mine"),
    path("new/", organiser.event_new, name="new"),
    path("mine/<id:event_id>/", organiser.event_edit, name="edit"),
    path("mine/<id:event_id>/submit/", organiser.event_submit, name="submit"),
    path("mine/<id:event_id>/cancel/", organiser.event_cancel, name="cancel"),
    path("mine/<id:event_id>/date/", organiser.event_date, name="date"),
    path("queue/", moderation.queue, name="queue"),
    path("queue/<id:event_id>/", moderation.moderate, name="moderate"),
    path("queue/<id:event_id>/trust/", moderation.trust, name="trust"),
]
