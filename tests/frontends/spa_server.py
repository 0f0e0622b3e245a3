"""A stand-in back end for the single-page app tests: serves a built app and signs tokens.

It plays the part of the user's API server: a session login (an HTML form at /login for the
verifier, and JSON at /api/login for the app's own code), logout, a bearer access token for
token-authenticated front ends, and the token endpoint with exactly the wizard's contract.

    python spa_server.py DIST_DIR --port N     (INTERCOM_IDENTITY_SECRET in the environment)
"""

import argparse
import os
import time
from pathlib import Path

import jwt
from flask import Flask, abort, jsonify, redirect, request, send_from_directory, session

USERS = {"grace": {"id": "31", "password": "hopper-1906", "email": "grace@example.com", "name": "Grace Hopper"}}
ACCESS_TOKEN_KEY = "spa-test-access-token-key-0123456789abcdef"
LOGIN_PAGE = """<!doctype html><html><body>
<form method="post" action="/login">
  <input name="username" autocomplete="username"><input name="password" type="password">
  <button type="submit">Sign in</button>
</form></body></html>"""


def create_app(dist: Path) -> Flask:
    app = Flask(__name__, static_folder=None)
    app.secret_key = "spa-test-session-key"

    def current_user() -> dict[str, str] | None:
        header = request.headers.get("Authorization", "")
        if header.startswith(("Bearer ", "Token ")):
            try:
                return USERS.get(jwt.decode(header.split(" ", 1)[1], ACCESS_TOKEN_KEY, algorithms=["HS256"])["sub"])
            except jwt.InvalidTokenError:
                return None
        return USERS.get(session.get("username", ""))

    @app.get("/login")
    def login_page():  # type: ignore[no-untyped-def]
        return LOGIN_PAGE

    @app.post("/login")
    def login_form():  # type: ignore[no-untyped-def]
        user = USERS.get(request.form.get("username", ""))
        if user is None or user["password"] != request.form.get("password"):
            return LOGIN_PAGE, 401
        session["username"] = request.form["username"]
        return redirect("/")

    @app.post("/api/login")
    def login_json():  # type: ignore[no-untyped-def]
        body = request.get_json(silent=True) or {}
        user = USERS.get(body.get("username", ""))
        if user is None or user["password"] != body.get("password"):
            return jsonify(error="wrong username or password"), 401
        session["username"] = body["username"]
        access = jwt.encode({"sub": body["username"], "exp": int(time.time()) + 3600}, ACCESS_TOKEN_KEY, algorithm="HS256")
        return jsonify(access_token=access, user={"name": user["name"]})

    @app.route("/logout", methods=["GET", "POST"])
    def logout():  # type: ignore[no-untyped-def]
        session.clear()
        return ("", 204) if request.method == "POST" else redirect("/")

    @app.get("/api/me")
    def me():  # type: ignore[no-untyped-def]
        user = current_user()
        return (jsonify(name=user["name"]), 200) if user else (jsonify(error="not signed in"), 401)

    @app.get("/api/intercom-jwt")
    def intercom_jwt():  # type: ignore[no-untyped-def]
        user = current_user()
        if user is None:
            response = jsonify(error="Not signed in")
            response.status_code = 401
        else:
            now = int(time.time())
            claims = {"user_id": user["id"], "email": user["email"], "name": user["name"], "iat": now, "exp": now + 7200}
            response = jsonify(token=jwt.encode(claims, os.environ["INTERCOM_IDENTITY_SECRET"], algorithm="HS256"))
        response.headers["Cache-Control"] = "no-store"
        return response

    @app.get("/")
    @app.get("/<path:path>")
    def spa(path: str = ""):  # type: ignore[no-untyped-def]
        if path.startswith("api/"):
            abort(404)
        if path and (dist / path).is_file():
            return send_from_directory(dist, path)
        return send_from_directory(dist, "index.html")  # client-side routes

    return app


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("dist", type=Path)
    parser.add_argument("--port", type=int, required=True)
    arguments = parser.parse_args()
    create_app(arguments.dist.resolve()).run(host="127.0.0.1", port=arguments.port)
