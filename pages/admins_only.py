"""Served at an admin page's URL to anyone who is not an admin (see ``ui/app_shell.admin_pages_for``)."""

from ui.auth import show_admins_only
from ui.router import ensure_router

ensure_router()
show_admins_only()
