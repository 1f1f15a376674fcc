"""Sign-in and roles: ``AUTH_MODE`` none (one local admin), local (built-in users) or oidc (st.login).

``identity`` holds the acting user and ``require_admin``, the check document operations make; the rest
serves the local sign-in (argon2 hashes, a rate limit kept in the app database, signed session tokens)
and its CLI (``python -m backend.auth``).
"""
