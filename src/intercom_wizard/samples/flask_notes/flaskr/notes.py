import sqlite3

from flask import Blueprint, g, render_template

from flaskr.db import get_db

bp = Blueprint("notes", __name__)


@bp.route("/")
def index() -> str:
    notes: list[sqlite3.Row] = []
    if g.user is not None:
        notes = (
            get_db()
            .execute(
                "SELECT id, title, body, created FROM note"
                " WHERE author_id = ? ORDER BY created DESC",
                (g.user["id"],),
            )
            .fetchall()
        )
    return render_template("notes/index.html", notes=notes)


@bp.route("/notes/about")
def about() -> str:
    return render_template("notes/about.html")
