"""A Flask-Login user whose get_id() returns the integer key (the h10new round).

Seen on flask-basic-registration (Real Python's example, Flask 1.1): its User model has no UserMixin
and defines `is_authenticated()`, `get_id()` and the rest as plain methods, the Flask-Login 0.2 idiom;
`get_id()` returns `self.id`, an int. The token route put `current_user.get_id()` into `user_id`
as it came, so the JWT carried a number where the contract (and Intercom) wants a string. The
claim is now `str(current_user.get_id())`. A fixture of our own writing, run over HTTP.
"""

import sys

from conftest import SECRET, install_and_check_uninstall, install_quietly, write_files
from identity_checks import AppUser, check_two_users

from intercom_wizard.localserver import BrowserlessClient, free_port, running_server

APP = {
    "requirements.txt": "flask>=2.3\nflask-login>=0.6\n",
    "app.py": """
        from flask import Flask, redirect, render_template, request
        from flask_login import LoginManager, login_required, login_user, logout_user


        class Member:
            # The Flask-Login 0.2 idiom: plain methods, no UserMixin; get_id() returns the int key.
            def __init__(self, id, email, password):
                self.id = id
                self.email = email
                self.password = password

            def is_authenticated(self):
                return True

            def is_active(self):
                return True

            def is_anonymous(self):
                return False

            def get_id(self):
                return self.id


        MEMBERS = {7: Member(7, "ines@example.com", "ines-pass"), 8: Member(8, "jon@example.com", "jon-pass")}

        app = Flask(__name__)
        app.secret_key = "fixture-only"
        login_manager = LoginManager(app)


        @login_manager.user_loader
        def load_member(member_id):
            return MEMBERS.get(int(member_id))


        @app.route("/")
        def home():
            return render_template("home.html")


        @app.route("/login", methods=["POST"])
        def login():
            member = next((m for m in MEMBERS.values() if m.email == request.form["email"]), None)
            if member is None or member.password != request.form["password"]:
                return "No", 403
            login_user(member)
            return redirect("/")


        @app.route("/logout")
        @login_required
        def logout():
            logout_user()
            return redirect("/")
    """,
    "templates/home.html": "<!doctype html>\n<html>\n<body>\n<p>Home</p>\n</body>\n</html>\n",
}


def test_an_integer_get_id_is_signed_as_a_string(tmp_path, cli):
    write_files(tmp_path, APP)
    _result, files = install_and_check_uninstall(cli, tmp_path, exit_code=0)
    assert '"user_id": str(current_user.get_id()),' in files["intercom_jwt.py"]

    assert install_quietly(cli, tmp_path).exit_code == 0  # installed again (the check above uninstalled it) to run it
    port = free_port()
    command = [sys.executable, "-m", "flask", "--app", "app", "run", "--host", "127.0.0.1", "--port", str(port)]

    def sign_in(client: BrowserlessClient, member: AppUser) -> None:
        client.post_form("/login", {"email": member.login, "password": member.password})

    def sign_out(client: BrowserlessClient) -> None:
        client.get("/logout")

    ines = AppUser("ines@example.com", "ines-pass", "ines@example.com")
    jon = AppUser("jon@example.com", "jon-pass", "jon@example.com")
    with running_server(command, tmp_path, port, {"INTERCOM_IDENTITY_SECRET": SECRET}):
        # check_two_users requires a str user_id: the int 7 failed it before the fix.
        a, b = check_two_users(f"http://127.0.0.1:{port}", SECRET, ines, jon, sign_in, sign_out)
    assert (a["user_id"], b["user_id"]) == ("7", "8")
