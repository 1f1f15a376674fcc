"""AppTest of the sign-in gate in AUTH_MODE=local: the form, the neutral sentence, roles, sign-out."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from backend.appdb.audit import AuditLog
from backend.appdb.sqlite import SqliteStore
from backend.auth.service import SIGN_IN_FAILED
from backend.auth.setup import build_local_auth
from backend.settings import Settings
from tests.auth.conftest import cheap_passwords
from tests.conftest import REPO_ROOT
from tests.pages.conftest import APP
from ui.resources import OVERRIDES_KEY

PW = "a long enough password"


@pytest.fixture
def local_settings(app_settings: Settings) -> Settings:
    return app_settings.model_copy(update={"auth_mode": "local"})


@pytest.fixture
def app(local_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.chdir(REPO_ROOT)
    store = SqliteStore(tmp_path / "app.db")
    auth = build_local_auth(local_settings, store, passwords=cheap_passwords())
    auth.add_user("ana", "admin", PW)
    auth.add_user("bo", "staff", PW)
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state[OVERRIDES_KEY] = {"settings": local_settings, "app_store": store, "local_auth": auth}
    return at


def sign_in(at: AppTest, name: str, password: str) -> AppTest:
    fields = {t.label: t for t in at.text_input}
    fields["Username"].set_value(name)
    fields["Password"].set_value(password)
    next(b for b in at.button if b.label == "Sign in").click()
    return at.run()


def test_the_form_comes_first_and_no_page_runs(app: AppTest) -> None:
    app.run()
    assert not app.exception
    assert not app.info  # users exist: no first-admin hint
    assert [t.label for t in app.text_input] == ["Username", "Password"]
    assert [b.label for b in app.button] == ["Sign in"]
    assert [t.value for t in app.title] == ["GenAI Workbench"]
    assert not app.chat_input


def test_an_empty_user_store_says_how_to_add_the_first_admin(
    local_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO_ROOT)
    at = AppTest.from_file(APP, default_timeout=30)
    empty = SqliteStore(tmp_path / "empty.db")
    at.session_state[OVERRIDES_KEY] = {"settings": local_settings, "app_store": empty}
    at.run()
    assert not at.exception
    assert "python -m backend.auth add-user NAME --role admin" in at.info[0].value


def test_a_wrong_password_gets_the_neutral_sentence(app: AppTest, tmp_path: Path) -> None:
    sign_in(app.run(), "ana", "not the password")
    assert not app.exception
    assert [e.value for e in app.error] == [SIGN_IN_FAILED]
    assert [b.label for b in app.button] == ["Sign in"]
    events = AuditLog(SqliteStore(tmp_path / "app.db")).recent()
    assert [(e.actor, e.action) for e in events][:1] == [("ana", "sign_in_failed")]


def test_a_staff_user_signs_in_and_gets_admins_only_on_an_admin_page(app: AppTest) -> None:
    sign_in(app.run(), "bo", PW)
    assert not app.exception
    assert [t.value for t in app.title] == ["Chatbot"]
    assert "Signed in as **bo** (staff)" in [c.value for c in app.sidebar.caption]
    app.switch_page("pages/admins_only.py").run()
    assert [t.value for t in app.title] == ["Admins only"]


def test_an_admin_reaches_the_policy_documents_page_and_signs_out(app: AppTest) -> None:
    sign_in(app.run(), "ana", PW)
    app.switch_page("pages/policy_documents.py").run()
    assert not app.exception
    assert app.title[0].value == "Policy documents"
    next(b for b in app.sidebar.button if b.label == "Sign out").click().run()
    assert not app.exception
    assert [b.label for b in app.button] == ["Sign in"]


@pytest.fixture
def oidc_app(app_settings: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> AppTest:
    monkeypatch.chdir(REPO_ROOT)
    cfg = app_settings.model_copy(update={"auth_mode": "oidc", "admin_groups": "hr-admins"})
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state[OVERRIDES_KEY] = {"settings": cfg, "app_store": SqliteStore(tmp_path / "app.db")}
    at.user = {"is_logged_in": False}
    return at


def test_oidc_without_auth_secrets_says_what_is_missing(oidc_app: AppTest) -> None:
    oidc_app.run()
    assert not oidc_app.exception
    assert len(oidc_app.error) == 1
    assert oidc_app.error[0].value.startswith("AUTH_MODE=oidc needs an [auth] section")
    assert not oidc_app.button
    assert not oidc_app.chat_input


def test_oidc_offers_sign_in_when_configured(oidc_app: AppTest) -> None:
    oidc_app.secrets["auth"] = {
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": "x" * 32,
        "client_id": "client",
        "client_secret": "secret",
        "server_metadata_url": "https://cognito-idp.us-east-1.amazonaws.com/pool/.well-known/openid-configuration",
    }
    oidc_app.run()
    assert not oidc_app.exception
    assert [b.label for b in oidc_app.button] == ["Sign in"]
    assert not oidc_app.error
    assert not oidc_app.chat_input


@pytest.mark.parametrize(
    ("groups", "title"), [(["hr-admins", "staff"], "Policy documents"), (["staff"], "Admins only")]
)
def test_oidc_groups_decide_the_role(
    oidc_app: AppTest, tmp_path: Path, groups: list[str], title: str
) -> None:
    oidc_app.user = {"is_logged_in": True, "email": "Ana@Acme.test", "name": "Ana", "cognito:groups": groups}
    oidc_app.run()
    assert not oidc_app.exception
    assert [t.value for t in oidc_app.title] == ["Chatbot"]
    role = "admin" if "hr-admins" in groups else "staff"
    assert f"Signed in as **Ana** ({role})" in [c.value for c in oidc_app.sidebar.caption]
    page = "pages/policy_documents.py" if role == "admin" else "pages/admins_only.py"
    oidc_app.switch_page(page).run()
    assert [t.value for t in oidc_app.title][:1] == [title]
    events = AuditLog(SqliteStore(tmp_path / "app.db")).recent()
    assert [(e.actor, e.action, e.detail) for e in events] == [("ana@acme.test", "sign_in", "oidc")]
