"""The shared evidence rules (integrations/identity.py) every back end uses to choose user_id."""

import pytest

from intercom_wizard.integrations import identity
from intercom_wizard.integrations.identity import SessionAssignment, choose_session_key, value_evidence


@pytest.mark.parametrize("name", ["user_login_status", "logged_in", "is_logged_in", "isLoggedIn", "authenticated", "is_admin", "signed_in", "loginState"])
def test_flags(name):
    assert identity.is_flag_name(name)
    assert not identity.is_user_session_key(name)


@pytest.mark.parametrize("name", ["user_id", "userId", "uid", "id", "member_id", "account_id", "userid", "current_user_id"])
def test_user_id_keys(name):
    assert identity.is_user_session_key(name)
    assert not identity.is_flag_name(name)


@pytest.mark.parametrize("name", ["session_id", "cart_id", "csrf_token", "post_id", "user_name", "user_email", "valid"])
def test_not_user_id_keys(name):
    assert not identity.is_user_session_key(name)


@pytest.mark.parametrize(
    ("value", "literal", "is_id"),
    [
        ("$row['user_id']", False, True),
        ("$result_row->user_id", False, True),
        ("(int) $user['id']", False, True),
        ("user.id", False, True),
        ('user["id"]', False, True),
        ("str(user.id)", False, True),
        ("current_user.get_id()", False, True),
        ("$user->getKey()", False, True),
        ("1", True, False),
        ("true", True, False),
        ("$_POST['user_id']", False, False),
        ("request.form['user_id']", False, False),
        ("$row->user_name", False, False),
        ("$stmt->fetchColumn()", False, False),
        ("$id", False, False),  # not traceable without a resolver
    ],
)
def test_value_evidence(value, literal, is_id):
    assert value_evidence(value, literal=literal).is_id is is_id


def test_a_variable_is_traced_to_its_assignment():
    resolve = {"$id": [("$row['id']", False)], "$flag": [("1", True)]}.get
    assert value_evidence("$id", literal=False, resolve=lambda n: resolve(n) or []).is_id
    assert not value_evidence("$flag", literal=False, resolve=lambda n: resolve(n) or []).is_id


def _assign(key: str, value: str, literal: bool = False, line: int = 1) -> SessionAssignment:
    return SessionAssignment("login.php", line, key, value, literal)


def test_the_flag_beside_the_id_is_never_chosen():
    choice = choose_session_key([_assign("user_login_status", "1", True, 1), _assign("user_name", "$r->user_name", line=2), _assign("user_id", "$r->user_id", line=3)])
    assert (choice.key, choice.line) == ("user_id", 3)
    assert "login.php:1: session key 'user_login_status' is a flag (who is signed in is not in it)" in choice.rejected


def test_only_a_flag_and_names_is_no_evidence():
    choice = choose_session_key([_assign("user_login_status", "1", True), _assign("user_name", "$r->user_name"), _assign("user_email", "$r->user_email")])
    assert choice.key is None and len(choice.rejected) == 3


def test_a_literal_anywhere_disqualifies_the_key():
    choice = choose_session_key([_assign("user_id", "$row['id']"), _assign("user_id", "1", True, 9)])
    assert choice.key is None
    assert "login.php:1: session key 'user_id' is assigned the literal 1" in choice.rejected


def test_email_only_when_declared_unique_in_a_table_without_id():
    assignments = [_assign("member_email", "$m['email']")]
    assert choose_session_key(assignments).key is None
    choice = choose_session_key(assignments, unique_identifying=frozenset({"email"}))
    assert (choice.key, choice.identifying) == ("member_email", "email")


def test_users_table_read_by_sqlite(tmp_path):
    from intercom_wizard.tree import ProjectTree

    (tmp_path / "schema.sql").write_text(
        "CREATE TABLE `users` (`email` varchar(191) NOT NULL, `name` varchar(80), UNIQUE KEY `users_email_unique` (`email`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;\n"
    )
    table = identity.users_table(ProjectTree(tmp_path))
    assert table is not None
    assert table.id_column is None and table.unique_identifying == frozenset({"email"})
    (tmp_path / "schema.sql").write_text("CREATE TABLE users (user_id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY, email TEXT UNIQUE);\n")
    table = identity.users_table(ProjectTree(tmp_path))
    assert table.id_column == "user_id" and table.unique_identifying == frozenset()
