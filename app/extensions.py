"""Bare extension instances; `create_app` binds them with `init_app` so nothing imports the app."""

from authlib.integrations.flask_client import OAuth
from flask_htmx import HTMX
from flask_jwt_extended import JWTManager
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_socketio import SocketIO
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from app.models.base import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
jwt = JWTManager()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
socketio = SocketIO()
htmx = HTMX()
csrf = CSRFProtect()
oauth = OAuth()
