from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from tracker.login import PortalLoginForm
from tracker.sso import views as sso_views
from tracker.views import documents as views_documents
from tracker.views import exports as views_exports
from tracker.views import review as views_review
from tracker.views import tasks as views
from tracker.views import workbench as views_workbench

app_name = "tracker"
urlpatterns = [
    path("", RedirectView.as_view(url="/portal/", permanent=False)),
    path("portal/login/", auth_views.LoginView.as_view(
        template_name="tracker/portal/login.html", authentication_form=PortalLoginForm,
        redirect_authenticated_user=True), name="login"),
    path("portal/logout/", sso_views.logout, name="logout"),
    # Organisation logins (404 while off); /healthz is answered by tracker.middleware before routing.
    path("oidc/authenticate/", sso_views.oidc_login, name="oidc_login"),
    path("oidc/callback/", sso_views.oidc_callback, name="oidc_callback"),
    path("cas/login/", sso_views.cas_login, name="cas_login"),
    # The 督办工作台: each role's to-do inbox (tracker/views/workbench.py); the lists live under it.
    path("portal/", views_workbench.workbench, name="workbench"),
    path("portal/messages/", views_workbench.message_list, name="message_list"),
    path("portal/messages/read/", views_workbench.messages_read, name="messages_read"),
    path("portal/tasks/", views.task_list, name="task_list"),
    path("portal/tasks/<int:pk>/", views.task_detail, name="task_detail"),
    path("portal/tasks/<int:pk>/<slug:action>/", views.task_action, name="task_action"),
    path("portal/assignments/<int:pk>/<slug:action>/", views.assignment_action, name="assignment_action"),
    path("portal/extensions/<int:pk>/decide/", views.extension_decide, name="extension_decide"),
    path("portal/urges/<int:pk>/reply/", views.urge_reply, name="urge_reply"),
    path("portal/occurrences/<int:pk>/complete/", views.occurrence_complete, name="occurrence_complete"),
    path("portal/attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("portal/directives/<int:pk>/", views.directive_detail, name="directive_detail"),
    path("portal/sources/<int:pk>/", views.source_file_download, name="source_file_download"),
    path("portal/export/<slug:report>/<slug:fmt>/", views_exports.task_export, name="task_export"),
    # Printables and the 考评 (issue 14.4–5): issue (POST, office) and download (GET) numbered documents.
    path("portal/documents/tasks/<int:pk>/notice/", views_documents.notice_issue, name="notice_issue"),
    path("portal/documents/tasks/<int:pk>/urge-notice/", views_documents.urge_notice_issue, name="urge_notice_issue"),
    path("portal/documents/<int:pk>/", views_documents.document_download, name="document_download"),
    path("portal/assessment/", views_documents.assessment, name="assessment"),
    path("portal/assessment/export/", views_documents.assessment_export, name="assessment_export"),
    path("portal/bulletins/", views_documents.bulletin_download, name="bulletin_download"),
    path("portal/bulletins/issue/", views_documents.bulletin_issue, name="bulletin_issue"),
    # REST API, OpenAPI schema and its docs (tracker/api/urls.py).
    path("api/", include("tracker.api.urls")),
    # The office's review screen, 立项 and 增加时限 (tracker/views/review.py).
    path("portal/review/", views_review.review_list, name="review_list"),
    path("portal/review/directives/<int:pk>/", views_review.review_directive, name="review_directive"),
    path("portal/review/directives/<int:pk>/assign/", views_review.review_assign, name="review_assign"),
    path("portal/review/tasks/<int:pk>/", views_review.review_task, name="review_task"),
    path("portal/review/tasks/<int:pk>/<slug:action>/", views_review.review_task_action, name="review_task_action"),
    path("portal/review/units/<int:pk>/<slug:action>/", views_review.review_assignment_action,
         name="review_assignment_action"),
    path("portal/review/deadlines/<int:pk>/<slug:action>/", views_review.review_deadline_action,
         name="review_deadline_action"),
    path("portal/review/departments/", views_review.review_departments, name="review_departments"),
    path("portal/review/deadline-parse/", views_review.review_deadline_parse, name="review_deadline_parse"),
    path("portal/register/", views_review.task_register, name="task_register"),
    path("portal/tasks/<int:pk>/deadlines/add/", views_review.task_deadline_add, name="task_deadline_add"),
]
