from django.urls import path

from yiji.exams import views

urlpatterns = [
    path("exams/<id:pk>/", views.exam_detail, name="exam"),
    path("exams/<id:pk>/act/", views.act, name="exam_act"),
    path("rooms/<id:pk>/queue/", views.room_queue, name="room_queue"),
    path("rooms/<id:pk>/disinfect/", views.disinfect, name="disinfect"),
    path("rooms/disinfection/", views.disinfection, name="disinfection"),
]
