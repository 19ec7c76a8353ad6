"""/api/v1/ (the router's viewsets, the token and the caller), /api/schema/ (OpenAPI 3) and /api/docs/ (Swagger UI
served from drf-spectacular-sidecar: no CDN)."""
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from tracker.api import views

app_name = "api"

router = SimpleRouter(use_regex_path=False)
router.register("directives", views.DirectiveViewSet, basename="directive")
router.register("tasks", views.TaskViewSet, basename="task")
router.register("assignments", views.AssignmentViewSet, basename="assignment")
router.register("extension-requests", views.ExtensionRequestViewSet, basename="extension-request")
router.register("departments", views.DepartmentViewSet, basename="department")
router.register("reminders", views.ReminderViewSet, basename="reminder")

urlpatterns = [
    path("v1/auth/token/", views.AuthTokenView.as_view(), name="auth-token"),
    path("v1/me/", views.MeView.as_view(), name="me"),
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="tracker:api:schema",
                                                      template_name="tracker/api/swagger_ui.html"), name="docs"),
]
