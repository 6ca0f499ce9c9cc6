"""Every blueprint, in one list, so the wiring of the whole app reads in one place."""

from app.analytics import views as analytics_views
from app.assistant import views as assistant_views
from app.attempts.views import admin as attempt_admin_views
from app.attempts.views import api as attempt_api_views
from app.attempts.views import pages as attempt_page_views
from app.auth.views import backend as backend_auth_views
from app.auth.views import google as google_views
from app.auth.views import pn as pn_auth_views
from app.auth.views import proctorx as proctorx_views
from app.auth.views import shared_paths
from app.auth.views import smartaiexam as sae_auth_views
from app.auth.views import web as web_auth_views
from app.categories import views as category_views
from app.chat import pages as chat_pages
from app.chat import views as chat_views
from app.core import storage
from app.discussion import views as discussion_views
from app.exams.views import api as exam_api_views
from app.exams.views import pages as exam_page_views
from app.exams.views import structure as exam_structure_views
from app.generation import views as generation_views
from app.questions import pages as question_pages
from app.questions import views as question_views
from app.results import views as result_views
from app.subjects import pages as subject_pages
from app.subjects import views as subject_views
from app.system import views as system_views
from app.tutor import pages as tutor_pages
from app.tutor import views as tutor_views
from app.users.views import backend as backend_users_views
from app.users.views import pn as pn_users_views
from app.users.views import smartaiexam_admin as sae_admin_views
from app.users.views import web as account_views
from app.web import views as web_views

BLUEPRINTS = (
    shared_paths.bp,
    web_auth_views.bp,
    web_views.bp,
    account_views.bp,
    sae_auth_views.bp,
    sae_auth_views.account_bp,
    proctorx_views.bp,
    backend_auth_views.bp,
    backend_users_views.bp,
    pn_auth_views.bp,
    pn_users_views.bp,
    google_views.bp,
    google_views.web_bp,
    sae_admin_views.public_bp,
    sae_admin_views.admin_bp,
    sae_admin_views.pages_bp,
    exam_api_views.bp,
    exam_structure_views.bp,
    exam_page_views.bp,
    category_views.api_bp,
    category_views.pages_bp,
    storage.bp,
    system_views.bp,
    question_pages.bp,
    question_views.bp,
    attempt_api_views.bp,
    attempt_page_views.bp,
    attempt_admin_views.api_bp,
    attempt_admin_views.pages_bp,
    result_views.bp,
    chat_views.bp,
    discussion_views.bp,
    discussion_views.pages_bp,
    assistant_views.api_bp,
    assistant_views.pages_bp,
    generation_views.api_bp,
    generation_views.pages_bp,
    subject_views.bp,
    tutor_views.bp,
    subject_pages.bp,
    tutor_pages.bp,
    analytics_views.bp,
    chat_pages.bp,
)
