"""What makes runpt an installable, offline app: manifest, service worker, offline page,
plus the health check that load balancers and CI ask."""

from flask import Blueprint

bp = Blueprint("pwa", __name__)

from runpt.pwa import routes  # noqa: E402,F401
