"""The candidate's scheduling page: a Flask app mounted under `/candidate/` beside the Slack endpoint
(`bot/web.py`). Routes in `routes.py`, guards in `security.py`, Jinja2 templates in `templates/`."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from flask import Flask

from bot.candidate_web.routes import CandidatePages
from bot.candidate_web.security import Choices, add_headers, csrf_token, page_secret
from bot.candidate_web.timefmt import FILTERS
from hiring.services import Services


def create_app(services: Services, *, public_url: str, signing_secret: str | None) -> Flask:
    """The candidate page's WSGI app (mounted at `/candidate`, so its own paths start at `/`)."""
    app = Flask(__name__, static_url_path="/static")
    app.secret_key = page_secret(signing_secret)
    app.config.update(
        SESSION_COOKIE_NAME="loopbot_candidate",
        SESSION_COOKIE_PATH="/candidate/",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_SECURE=urlsplit(public_url).scheme == "https",
        PERMANENT_SESSION_LIFETIME=timedelta(days=31),
        SEND_FILE_MAX_AGE_DEFAULT=3600,
        MAX_CONTENT_LENGTH=64 * 1024,
    )
    app.jinja_env.filters.update(FILTERS)
    app.jinja_env.globals["csrf_token"] = csrf_token
    app.after_request(add_headers)
    CandidatePages(services, Choices(app.secret_key), public_url).register(app)
    return app
