"""Every blueprint, in one list, so the wiring of the whole app reads in one place."""

from app.auth.views import backend as backend_auth_views
from app.auth.views import proctorx as proctorx_views
from app.auth.views import shared_paths
from app.auth.views import smartaiexam as sae_auth_views
from app.auth.views import web as web_auth_views
from app.web import views as web_views

BLUEPRINTS = (
    shared_paths.bp,
    web_auth_views.bp,
    web_views.bp,
    sae_auth_views.bp,
    sae_auth_views.account_bp,
    proctorx_views.bp,
    backend_auth_views.bp,
)
