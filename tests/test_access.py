"""Roles and sign-in configuration: who is an analyst, who a viewer, who is refused."""

import bcrypt
import pytest

from landmap import access
from landmap.access import ANALYST, VIEWER, AccessError, Throttle, access_config, hash_password


@pytest.fixture(scope="module")
def ranger_hash() -> str:
    return bcrypt.hashpw(b"snow leopard tracks", bcrypt.gensalt(rounds=4)).decode()


def _secrets(**section) -> dict:
    return {"landmap": {"access": section}}


def test_no_configuration_means_local_use_only():
    assert not access_config({}).enabled
    assert not access_config({"auth": {"cookie_secret": "x"}}).enabled  # no provider yet


def test_providers_are_found_in_streamlits_auth_section():
    config = access_config({"auth": {"redirect_uri": "r", "client_id": "a",
                                     "park": {"client_id": "b"}, "other": {"x": 1}}})
    assert config.providers == ("", "park")


def test_local_accounts_check_passwords_and_roles(ranger_hash):
    config = access_config(_secrets(accounts={
        "ranger": {"password_hash": ranger_hash},
        "anna": {"password_hash": ranger_hash, "role": "analyst"}}))
    assert config.enabled
    assert config.check_password("ranger", "snow leopard tracks") == VIEWER  # default role
    assert config.check_password("anna", "snow leopard tracks") == ANALYST
    assert config.check_password("ranger", "Snow leopard tracks") is None
    assert config.check_password("nobody", "snow leopard tracks") is None


@pytest.mark.parametrize(("section", "message"), [
    ({"accounts": {"r": {"password_hash": "secret"}}},
     "landmap.access.accounts.r.password_hash: not a bcrypt hash"),
    ({"accounts": {"r": {"password_hash": "$2b$04$x", "role": "admin"}}},
     "landmap.access.accounts.r.role = 'admin': use 'viewer' or 'analyst'"),
    ({"analysts": "ana@park.example"}, "landmap.access.analysts: expected a list of strings"),
    ({"viewer_precision_km": 0}, "viewer_precision_km = 0: use 1, 5 or 10"),
])
def test_configuration_mistakes_name_the_setting(section, message):
    with pytest.raises(AccessError, match=message.replace("(", r"\(")):
        access_config(_secrets(**section))


def test_roles_from_provider_claims():
    config = access_config({"auth": {"client_id": "x"}, **_secrets(
        analysts=["Ana@Park.example", "@wwf.example"], analyst_groups=["scientists"],
        viewers=["@park.example", "rangers"])})
    assert config.role_for_claims({"email": "ana@park.example"}) == ANALYST
    assert config.role_for_claims({"email": "lee@wwf.example"}) == ANALYST
    assert config.role_for_claims({"email": "lee@wwf.example.org"}) is None  # not the domain
    assert config.role_for_claims({"email": "r@park.example"}) == VIEWER
    assert config.role_for_claims({"email": "x@gmail.example", "groups": ["rangers"]}) == VIEWER
    assert config.role_for_claims({"email": "x@gmail.example", "groups": "scientists"}) == \
        ANALYST
    assert config.role_for_claims({"email": "x@gmail.example"}) is None
    # An address the provider has not verified proves nothing.
    assert config.role_for_claims({"email": "ana@park.example", "email_verified": False}) \
        is None


def test_failed_sign_ins_pause_the_account():
    t = Throttle()
    for second in range(3):  # three free attempts
        assert t.wait("ranger", now=float(second)) == 0.0
        t.failed("ranger", now=float(second))
    assert t.wait("ranger", now=2.0) == 2.0  # 4th failure waits 2 s after the 3rd
    t.failed("ranger", now=4.0)
    assert t.wait("ranger", now=4.0) == 4.0  # then 4 s, 8 s, ... up to 300 s
    for _ in range(20):
        t.failed("ranger", now=10.0)
    assert t.wait("ranger", now=10.0) == access.MAX_PAUSE_S
    assert t.wait("anna", now=10.0) == 0.0  # other accounts are not affected
    t.succeeded("ranger")
    assert t.wait("ranger", now=10.0) == 0.0


def test_hash_password_makes_a_usable_hash_and_refuses_weak_ones(monkeypatch, capsys):
    digest = hash_password("stripes and spots")
    assert bcrypt.checkpw(b"stripes and spots", digest.encode())
    with pytest.raises(AccessError, match="at least 10 characters"):
        hash_password("leopard")
    answers = iter(["stripes and spots", "stripes and spots"])
    monkeypatch.setattr(access.getpass, "getpass", lambda prompt: next(answers))
    assert access.main(["hash"]) == 0
    printed = capsys.readouterr().out.strip()
    assert access_config(_secrets(accounts={"r": {"password_hash": printed}})).check_password(
        "r", "stripes and spots") == VIEWER
    assert access.main([]) == 2


def test_server_listens_on_loopback_only_without_sign_in(tmp_path, ranger_hash):
    from landmap.app.serve import local_only

    empty = tmp_path / "none.toml"
    assert local_only([f"--secrets.files={empty}"])
    assert not local_only(["--server.address", "0.0.0.0", "--secrets.files", str(empty)])
    configured = tmp_path / "secrets.toml"
    configured.write_text(f'[landmap.access.accounts.ranger]\npassword_hash = "{ranger_hash}"\n')
    assert not local_only(["--secrets.files", str(configured)])
