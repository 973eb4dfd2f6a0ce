"""Accounts and roles: salted scrypt hashes in secrets.toml, demo accounts only on demo data, the permission table."""

from __future__ import annotations

import stat
import tomllib

import pytest
from pydantic import ValidationError

from alignment import users
from alignment.users import NewAccount, NotAllowed, User


def test_a_hash_is_salted_slow_and_checks_only_its_password():
    first, second = users.hash_password("correct horse"), users.hash_password("correct horse")
    assert first != second  # a fresh salt each time
    assert first.startswith(f"scrypt${2 ** 14}$8$1$")
    assert users.check_password("correct horse", first) and users.check_password("correct horse", second)
    assert not users.check_password("correct hors", first)
    assert not users.check_password("correct horse", "scrypt$broken")


def test_users_add_writes_a_hash_never_the_password_and_keeps_other_secrets(tmp_path):
    secrets = tmp_path / ".streamlit" / "secrets.toml"
    secrets.parent.mkdir()
    secrets.write_text('# OIDC settings\n[auth]\nredirect_uri = "http://localhost:8501/oauth2callback"\n')
    users.add_account(NewAccount(name="carla", role="cmo", password="s3cret-enough"), secrets)
    users.add_account(NewAccount(name="vic", role="vp_sales", password="another-one!", email="vic@example.com"),
                      secrets)
    text = secrets.read_text()
    assert "s3cret-enough" not in text and "another-one!" not in text
    parsed = tomllib.loads(text)
    assert parsed["auth"] == {"redirect_uri": "http://localhost:8501/oauth2callback"}
    assert set(parsed["users"]) == {"carla", "vic"}
    assert stat.S_IMODE(secrets.stat().st_mode) == 0o600
    assert users.authenticate("carla", "s3cret-enough", secrets=parsed, demo=False) == User(name="carla", role="cmo")
    assert users.authenticate("Carla ", "s3cret-enough", secrets=parsed, demo=False).role == "cmo"
    assert users.authenticate("carla", "wrong password", secrets=parsed, demo=False) is None
    assert users.authenticate("nobody", "s3cret-enough", secrets=parsed, demo=False) is None
    assert users.single_sign_on_user("VIC@example.com", secrets=parsed) == User(name="vic", role="vp_sales")
    assert users.single_sign_on_user("eve@example.com", secrets=parsed) is None


def test_an_existing_name_is_replaced_only_when_asked(tmp_path):
    secrets = tmp_path / "secrets.toml"
    users.add_account(NewAccount(name="ana", role="analyst", password="first password"), secrets)
    with pytest.raises(ValueError, match="already exists.*--replace"):
        users.add_account(NewAccount(name="ana", role="viewer", password="second password"), secrets)
    users.add_account(NewAccount(name="ana", role="viewer", password="second password"), secrets, replace=True)
    parsed = users.read_secrets(secrets)
    assert list(parsed["users"]) == ["ana"]
    assert users.authenticate("ana", "second password", secrets=parsed, demo=False) == User(name="ana", role="viewer")
    assert users.authenticate("ana", "first password", secrets=parsed, demo=False) is None


@pytest.mark.parametrize("fields, message", [
    ({"name": "A", "role": "cmo", "password": "long enough pw"}, "2 to 32 characters"),
    ({"name": "ana lopez", "role": "cmo", "password": "long enough pw"}, "lower-case letters"),
    ({"name": "demo-cmo", "role": "cmo", "password": "long enough pw"}, "demo account name"),
    ({"name": "ana", "role": "admin", "password": "long enough pw"}, "'cmo', 'vp_sales', 'analyst' or 'viewer'"),
    ({"name": "ana", "role": "cmo", "password": "short"}, "at least 10 characters"),
])
def test_bad_accounts_are_refused_with_a_message_to_act_on(fields, message):
    with pytest.raises(ValidationError, match=message):
        NewAccount(**fields)


def test_demo_accounts_open_only_while_the_demo_company_is_loaded():
    assert users.authenticate("demo-cmo", "demo", secrets={}, demo=True) == User(name="demo-cmo", role="cmo",
                                                                                   is_demo=True)
    assert users.authenticate("demo-vp-sales", "demo", secrets={}, demo=True).role == "vp_sales"
    assert users.authenticate("demo-cmo", "demo", secrets={}, demo=False) is None
    assert users.authenticate("demo-cmo", "wrong", secrets={}, demo=True) is None


ALLOWED = {
    "cmo": {"read", "export", "sign", "reopen"},
    "vp_sales": {"read", "export", "sign", "reopen"},
    "analyst": {"read", "export", "import", "edit_charter", "propose"},
    "viewer": {"read", "export"},
}


@pytest.mark.parametrize("role", users.ROLES)
@pytest.mark.parametrize("action", list(users.PERMISSIONS))
def test_the_permission_table_is_the_design_s(role, action):
    user = User(name="someone", role=role)
    if action in ALLOWED[role]:
        assert users.require(user, action) is user
    else:
        with pytest.raises(NotAllowed, match="only .* may"):
            users.require(user, action)


def test_nobody_signed_in_may_do_nothing():
    with pytest.raises(NotAllowed, match="sign in first"):
        users.require(None, "read")


def test_users_add_on_the_command_line(tmp_path, monkeypatch, capsys):
    import io

    from alignment import cli

    secrets = tmp_path / "secrets.toml"
    monkeypatch.setattr("sys.stdin", io.StringIO("a long password\n"))
    assert cli.main(["users", "add", "carla", "--role", "cmo", "--password-stdin", "--secrets", str(secrets)]) == 0
    assert "Added carla (CMO)" in capsys.readouterr().out
    parsed = users.read_secrets(secrets)
    assert users.authenticate("carla", "a long password", secrets=parsed, demo=False) == User(name="carla", role="cmo")
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert cli.main(["users", "add", "vic", "--role", "vp_sales", "--password-stdin", "--secrets", str(secrets)]) == 2
    assert "password: Value error, the password must be at least 10 characters" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO("a long password\n"))
    assert cli.main(["users", "add", "carla", "--role", "viewer", "--password-stdin", "--secrets", str(secrets)]) == 2
    assert "already exists" in capsys.readouterr().err
    with pytest.raises(SystemExit):  # argparse refuses an unknown role before anything runs
        cli.main(["users", "add", "vic", "--role", "admin", "--secrets", str(secrets)])
    assert list(users.read_secrets(secrets)["users"]) == ["carla"]
