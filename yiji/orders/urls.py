from django.urls import path

from yiji.orders import catalogue_views, desk_views, views

urlpatterns = [
    path("requisitions/new/", views.requisition_new, name="requisition_new"),
    path("requisitions/<id:pk>/", views.requisition, name="requisition"),
    path("exams/<id:pk>/slip.pdf", views.slip, name="slip"),
    path("worklist/", views.worklist, name="worklist"),
    path("desk/", desk_views.desk_page, name="desk"),
    path("desk/exams/<id:pk>/book/", desk_views.desk_book, name="desk_book"),
    path("exams/<id:pk>/grid/", desk_views.booking_grid, name="booking_grid"),
    path("items/search/", desk_views.item_search, name="item_search"),
    path("windows/", views.windows_page, name="windows"),
    path("go/", views.go, name="go"),
    path("special-contrast/", views.special_contrast, name="special_contrast"),
    path("screen/<id:pk>/", views.screen, name="screen"),
    path("catalogue/", catalogue_views.catalogue_list, name="catalogue"),
    path("catalogue/new/", catalogue_views.item_edit, name="item_new"),
    path("catalogue/<id:pk>/", catalogue_views.item_edit, name="item_edit"),
    path("catalogue/export.xlsx", catalogue_views.export, name="catalogue_export"),
    path("catalogue/import/", catalogue_views.import_items, name="catalogue_import"),
]
