import sqlite3
from pathlib import Path

import click
from flask import Flask, current_app, g
from werkzeug.security import generate_password_hash


def get_db() -> sqlite3.Connection:
    if "db" not in g:
        g.db = sqlite3.connect(
            current_app.config["DATABASE"], detect_types=sqlite3.PARSE_DECLTYPES
        )
        g.db.row_factory = sqlite3.Row
    db: sqlite3.Connection = g.db
    return db


def close_db(e: BaseException | None = None) -> None:
    db = g.pop("db", None)
    if db is not None:
        db.close()


def init_db() -> None:
    db = get_db()
    db.executescript((Path(current_app.root_path) / "schema.sql").read_text(encoding="utf-8"))

    user_id = db.execute(
        "INSERT INTO user (username, password, email, name) VALUES (?, ?, ?, ?)",
        (
            "alice",
            generate_password_hash("wonderland"),
            "alice@example.com",
            "Alice Liddell",
        ),
    ).lastrowid
    db.execute(
        "INSERT INTO note (author_id, title, body) VALUES (?, ?, ?)",
        (user_id, "Welcome", "Down the rabbit hole we go."),
    )
    # A second account, so two people can sign in and each get their own identity.
    db.execute(
        "INSERT INTO user (username, password, email, name) VALUES (?, ?, ?, ?)",
        ("hatter", generate_password_hash("tea-party"), "hatter@example.com", "Mad Hatter"),
    )
    db.commit()


@click.command("init-db")
def init_db_command() -> None:
    """Clear the existing data and create new tables."""
    init_db()
    click.echo("Initialized the database.")


def init_app(app: Flask) -> None:
    app.teardown_appcontext(close_db)
    app.cli.add_command(init_db_command)
