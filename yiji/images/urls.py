from django.urls import path

from yiji.images import views

urlpatterns = [
    path("exams/<id:pk>/images/", views.open_images, name="open_images"),
    path(
        "exams/<id:pk>/images/<str:series>/<str:sop>.jpg", views.thumbnail, name="image_thumbnail"
    ),
    path("exams/<id:pk>/key-images/", views.key_image_picker, name="key_image_picker"),
    path("images/studies/", views.studies, name="image_studies"),
    path("images/studies/<id:pk>/", views.study_action, name="image_study_action"),
]
