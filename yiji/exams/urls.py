from django.urls import path

from yiji.exams import views

urlpatterns = [
    path("exams/<int:pk>/", views.exam_detail, name="exam"),
    path("exams/<int:pk>/act/", views.act, name="exam_act"),
    path("rooms/<int:pk>/queue/", views.room_queue, name="room_queue"),
    path("rooms/<int:pk>/disinfect/", views.disinfect, name="disinfect"),
    path("rooms/disinfection/", views.disinfection, name="disinfection"),
]
