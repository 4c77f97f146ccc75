from django.urls import path

from .views import agenda, desk, neighbours

app_name = "help"

urlpatterns = [
    path("", neighbours.home, name="home"),
    path("join/", neighbours.join, name="join"),
    path("verify/", neighbours.verify, name="verify"),
    path("new/", neighbours.new, name="new"),
    path("posts/<id:post_id>/", neighbours.post_detail, name="post"),
    path("posts/<id:post_id>/answer/", neighbours.answer, name="answer"),
    path("posts/<id:post_id>/accept/", neighbours.accept, name="accept"),
    path("posts/<id:post_id>/message/", neighbours.message, name="message"),
    path("posts/<id:post_id>/share/", neighbours.share, name="share"),
    path("posts/<id:post_id>/close/", neighbours.close, name="close"),
    path("posts/<id:post_id>/report/", neighbours.report, name="report"),
    path("posts/<id:post_id>/block/", neighbours.block, name="block"),
    path("posts/<id:post_id>/register/", neighbours.accompany_register, name="accompany-register"),
    path("desk/", desk.desk, name="desk"),
    path("desk/phone/", desk.phone, name="phone"),
    path("desk/posts/<id:post_id>/", desk.manage, name="manage"),
    path("desk/neighbours/", desk.neighbours_pending, name="neighbours"),
    path("desk/neighbours/<id:neighbour_id>/verify/", desk.counter, name="counter"),
    path("desk/letters/", desk.letters, name="letters"),
    path("desk/agenda/<id:event_id>/", agenda.agenda_register, name="agenda-register"),
]
