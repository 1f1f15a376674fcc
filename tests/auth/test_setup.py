"""The none-mode bind check, the generated session secret and the OIDC role mapping (pure)."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from pydantic import SecretStr

from backend.auth.identity import Identity, PermissionDeniedError, require_admin
from backend.auth.setup import bind_refusal, identity_from_claims, is_loopback, session_secret
from backend.settings import Settings


@pytest.mark.parametrize(
    ("address", "loopback"),
    [("127.0.0.1", True), ("127.0.0.2", True), ("localhost", True), ("::1", True), ("[::1]", True),
     ("0.0.0.0", False), ("", False), (None, False), ("::", False), ("192.168.1.10", False),
     ("example.com", False)],
)  # fmt: skip
def test_is_loopback(address: str | None, loopback: bool) -> None:
    assert is_loopback(address) is loopback


def test_none_mode_refuses_a_network_address_in_one_sentence_naming_auth_mode() -> None:
    sentence = bind_refusal("none", "0.0.0.0")
    assert sentence is not None
    assert "AUTH_MODE" in sentence
    assert sentence.count(". ") == 0
    assert sentence.endswith(".")
    assert "every network interface" in (bind_refusal("none", None) or "")
    assert bind_refusal("none", "127.0.0.1") is None
    assert bind_refusal("local", "0.0.0.0") is None
    assert bind_refusal("oidc", None) is None


def test_the_generated_secret_is_private_and_stable(tmp_path: Path) -> None:
    settings = Settings(DATA_DIR=tmp_path)
    first = session_secret(settings)
    assert len(first) == 64
    assert session_secret(settings) == first
    assert stat.S_IMODE((tmp_path / "session_secret").stat().st_mode) == 0o600
    assert session_secret(Settings(DATA_DIR=tmp_path, SESSION_SECRET=SecretStr("from-env"))) == b"from-env"


@pytest.mark.parametrize(
    ("claims", "expected"),
    [
        (
            {"email": "Ana@Acme.test", "cognito:groups": ["hr-admins", "x"]},
            Identity("ana@acme.test", "admin"),
        ),
        ({"email": "bo@acme.test", "cognito:groups": ["staff"]}, Identity("bo@acme.test", "staff")),
        ({"email": "bo@acme.test"}, Identity("bo@acme.test", "staff")),
        ({"sub": "abc-123", "cognito:groups": "hr-admins"}, Identity("abc-123", "admin")),
        ({"preferred_username": "cy", "name": "Cy D", "cognito:groups": []}, Identity("cy", "staff", "Cy D")),
    ],
)
def test_oidc_groups_map_to_roles(claims: dict[str, object], expected: Identity) -> None:
    got = identity_from_claims(claims, groups_claim="cognito:groups", admin_groups=frozenset({"hr-admins"}))
    assert got == expected


def test_oidc_without_a_name_claim_is_refused() -> None:
    with pytest.raises(ValueError, match="no email"):
        identity_from_claims({}, groups_claim="groups", admin_groups=frozenset())


def test_require_admin() -> None:
    require_admin(Identity("ana", "admin"), "delete policy documents")
    with pytest.raises(PermissionDeniedError, match="Only admins can delete policy documents; bo is"):
        require_admin(Identity("bo", "staff"), "delete policy documents")


@pytest.mark.parametrize(
    ("peer", "forwarded", "expected"),
    [
        ("203.0.113.7", None, "203.0.113.7"),
        ("203.0.113.7", "1.2.3.4", "203.0.113.7"),  # not behind our proxy: the header is not trusted
        ("127.0.0.1", "198.51.100.9", "198.51.100.9"),
        ("127.0.0.1", "6.6.6.6, 198.51.100.9", "198.51.100.9"),  # a client-sent entry comes first
        ("127.0.0.1", None, "127.0.0.1"),
        (None, None, None),
    ],
)
def test_client_address(peer: str | None, forwarded: str | None, expected: str | None) -> None:
    from backend.auth.setup import client_address

    assert client_address(peer, forwarded) == expected
