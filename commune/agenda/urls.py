from django.urls import path

from .views import moderation, organiser, public, registrations, venues

app_name = "agenda"

urlpatterns = [
    path("", public.agenda_list, name="list"),
    path("agenda.ics", public.ical_town, name="ical"),
    path("agenda.rss", public.rss, name="rss"),
    path("activities/<id:event_id>/", public.event_detail, name="event"),
    path("activities/<id:event_id>/event.ics", public.ical_event, name="event-ical"),
    path("venues/<id:venue_id>/", public.venue_detail, name="venue"),
    path("venues/<id:venue_id>/venue.ics", public.ical_venue, name="venue-ical"),
    path("venues/<id:venue_id>/photo.png", venues.venue_photo, name="venue-photo"),
    path("manage/venues/", venues.venue_list, name="venues"),
    path("manage/venues/new/", venues.venue_edit, name="venue-new"),
    path("manage/venues/<id:venue_id>/", venues.venue_edit, name="venue-edit"),
    path("activities/<id:event_id>/register/", registrations.register, name="register"),
    path("mine/<id:event_id>/attendees/", registrations.attendees, name="attendees"),
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
