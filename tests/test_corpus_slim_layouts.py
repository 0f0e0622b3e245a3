"""Sinatra with Slim views (sinatra-pc-lists, f10new corpus round), as small fixtures of our own.

A classic Sinatra app whose `views/layout.slim` was an "unsupported layout": the install ended
`incomplete` with "add the Messenger script at the end of the page body". Slim, like Pug, closes
elements by indentation, so the tag is now the body's last child line, `script src="..." defer=true`
(also when `body` has no child lines and the page's header and main are written as its siblings).
Haml layouts stay a manual step, and so does a Slim layout when the app has a CSP nonce (known as
ERB code only).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import WORKSPACE_ID, git, install_and_check_uninstall, write_files

TAG_LINE = 'script src="/intercom-messenger.js" defer=true'

APP = """
    require 'sinatra'
    require 'slim'
    require 'sqlite3'
    require 'bcrypt'
    enable :sessions

    DB = SQLite3::Database.new('db/shop.db')
    DB.results_as_hash = true

    get('/') do
      slim(:home)
    end

    get('/login/') do
      slim(:login)
    end

    post('/login') do
      member = DB.execute('SELECT * FROM members WHERE name = ?', params[:name]).first
      if member && BCrypt::Password.new(member['digest']) == params[:password]
        session[:member_id] = member['id']
        redirect('/')
      else
        redirect('/login/')
      end
    end

    get('/logout/') do
      session.destroy
      redirect('/')
    end
"""

GEMFILE = 'source "https://rubygems.org"\ngem "sinatra"\ngem "slim"\ngem "sqlite3"\ngem "bcrypt"\n'

LAYOUT_WITH_CHILDREN = """
    doctype html
    html lang="en"
      head
        title Shop
      body.shop
        header
          a href="/" Shop
        main
          == yield
"""

# The body element has no child lines: header and main are its siblings (browsers move them into it).
LAYOUT_EMPTY_BODY = """
    <!DOCTYPE html>
    html lang="en"
        head
            title Shop
        body

        header
            a href="/" Shop
        main
            == yield
"""


def _app(root: Path, layout: str, name: str = "views/layout.slim") -> Path:
    write_files(root, {"Gemfile": GEMFILE, "app.rb": APP, name: layout, "views/home.slim": "h1 Shop\n", "views/login.slim": "form action=\"/login\" method=\"POST\"\n  input type=\"text\" name=\"name\"\n  input type=\"password\" name=\"password\"\n"})
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "fixture")
    return root


def test_slim_layout_takes_the_tag_as_the_bodys_last_child_line(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    root = _app(tmp_path, LAYOUT_WITH_CHILDREN)
    result, files = install_and_check_uninstall(cli, root, exit_code=0)
    assert files["views/layout.slim"].endswith(f"      == yield\n    {TAG_LINE}\n"), files["views/layout.slim"]
    assert "public/intercom-messenger.js" in files


def test_slim_layout_whose_body_has_no_child_lines_gets_the_tag_as_its_first_child(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    root = _app(tmp_path, LAYOUT_EMPTY_BODY)
    result, files = install_and_check_uninstall(cli, root, exit_code=0)
    assert f"    body\n        {TAG_LINE}\n\n    header\n" in files["views/layout.slim"], files["views/layout.slim"]


def test_haml_layout_stays_a_manual_step(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    root = _app(tmp_path, "!!! 5\n%html\n  %body\n    = yield\n", name="views/layout.haml")
    result = cli("install", str(root), "--workspace-id", WORKSPACE_ID, "--yes", "--no-install", "--json")
    assert result.exit_code == 4, result.stdout + result.stderr
    steps = json.loads(result.stdout)["manual_steps"]
    assert [step["file"] for step in steps] == ["views/layout.haml"], steps


@pytest.mark.skipif(shutil.which("ruby") is None, reason="needs Ruby")
@pytest.mark.parametrize("layout", [LAYOUT_WITH_CHILDREN, LAYOUT_EMPTY_BODY])
def test_slim_renders_the_tag_inside_the_body(tmp_path: Path, cli, layout: str) -> None:  # type: ignore[no-untyped-def]
    if subprocess.run(["ruby", "-e", "require 'slim'"], capture_output=True).returncode != 0:
        pytest.skip("needs the slim gem")
    root = _app(tmp_path, layout)
    assert cli("install", str(root), "--workspace-id", WORKSPACE_ID, "--yes", "--no-install").exit_code == 0
    rendered = subprocess.run(
        ["ruby", "-e", "require 'slim'; puts Slim::Template.new('views/layout.slim').render { '<p>page</p>' }"],
        cwd=root, capture_output=True, text=True, check=True,
    ).stdout
    body = rendered[rendered.index("<body") :]
    assert '<script defer="" src="/intercom-messenger.js"></script>' in body or '<script src="/intercom-messenger.js" defer=""></script>' in body, rendered
