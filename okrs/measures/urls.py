from django.urls import path

from okrs.measures import views

app_name = "measures"
urlpatterns = [
    path("data/import/", views.import_data, name="import"),
    path("surveys/new/", views.survey_new, name="survey_new"),
    path("surveys/<slug:slug>/", views.survey, name="survey"),
    path("surveys/<slug:slug>/results/", views.survey_results, name="survey_results"),
    path("surveys/<slug:slug>/close/", views.survey_close, name="survey_close"),
]
