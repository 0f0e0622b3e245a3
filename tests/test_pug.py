"""Pug as a page engine (issue 10, corpus app html-startbootstrap-agency; express-generator's --view=pug).

- the tag's spot: the body's last child line, at the file's own indentation (spaces of any width, tabs),
  after text blocks, in a body with no children, at the end of a file without a final newline;
- a static site whose Pug sources its own build renders: the layout the pages extend gets the tag (the
  pages and the built dist/ do not), the script goes where the build copies its assets, byte-exact
  uninstall; a build that copies no assets: exit 4 with a manual step naming the build script;
- the edited templates compiled by the real `pug` package (pinned): the script tag ends the rendered <body>;
- the assets folder from a copy command in package.json's scripts (cp, cpx, shx cp, copyfiles);
- an express-generator-shaped app with Pug views and a session sign-in, run for real: the rendered
  pages carry the tag, the token endpoint answers 401 signed out and distinct ids for two users, and
  `verify` passes in Chromium; its layout prints res.locals.cspNonce (`nonce=cspNonce`) under --csp-nonce;
- the tag ends `head` where the body is swapped (Turbo); --insecure writes `script.` blocks that compile.
"""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import SECRET, copy_app, git, install_and_check_uninstall, write_files
from identity_checks import AppUser, check_two_users, form_sign_in_out

from intercom_wizard.integrations.frontends import pug
from intercom_wizard.localserver import BrowserlessClient, free_port, running_server
from intercom_wizard.plan import Insertion
from intercom_wizard.sourcefile import SourceText
from intercom_wizard.verify.browser import chromium_available

PUG_VERSION = "3.0.3"
TAG = "script(src='/intercom-messenger.js', defer)"
NEEDS_NPM = pytest.mark.skipif(shutil.which("npm") is None or shutil.which("node") is None, reason="needs Node.js and npm")


def _apply(text: str, insertion: Insertion | None) -> str:
    assert insertion is not None
    return text[: insertion.offset] + insertion.text + text[insertion.offset :]


@pytest.mark.parametrize(
    ("before", "after"),
    [
        # express-generator's layout: two spaces
        ("html\n  head\n    title= title\n  body\n    block content\n", f"html\n  head\n    title= title\n  body\n    block content\n    {TAG}\n"),
        # four spaces, blank lines, a text block last, then a sibling after body's end (html's own child)
        (
            "html\n\n    body#top\n\n        h1 Hi\n        script.\n            go();\n\n    //- after body\n",
            f"html\n\n    body#top\n\n        h1 Hi\n        script.\n            go();\n        {TAG}\n\n    //- after body\n",
        ),
        # tabs
        ("html\n\thead\n\tbody\n\t\tblock content\n", f"html\n\thead\n\tbody\n\t\tblock content\n\t\t{TAG}\n"),
        # a body with no children yet, and no final newline
        ("html\n   body", f"html\n   body\n      {TAG}\n"),
        ("html\n  body(class=theme)\n", f"html\n  body(class=theme)\n    {TAG}\n"),
    ],
)
def test_the_tag_is_the_body_s_last_line_at_the_file_s_indentation(before: str, after: str) -> None:
    source = SourceText(before, "\n", False)
    assert _apply(before, pug.script_tag_insertion(source, TAG)) == after


@pytest.mark.parametrize("text", ["div\n  p no body here\n", "html\n  body: main\n", "p bodyguard\n"])
def test_no_body_element_of_its_own_is_no_spot(text: str) -> None:
    assert pug.script_tag_insertion(SourceText(text, "\n", False), TAG) is None


PUG_LAYOUT_SITE = {
    "package.json": """
        {
          "name": "brochure",
          "scripts": {"build": "node tools/build.js"},
          "devDependencies": {"pug": "3.0.3"}
        }
    """,
    "tools/build.js": """
        const fs = require('fs');
        const pug = require('pug');

        fs.mkdirSync('dist', { recursive: true });
        for (const page of ['index', 'contact']) {
          fs.writeFileSync(`dist/${page}.html`, pug.renderFile(`src/views/${page}.pug`));
        }
        fs.cpSync('src/static', 'dist/static', { recursive: true });
    """,
    "src/views/layouts/base.pug": "doctype html\nhtml(lang='en')\n\thead\n\t\ttitle= pageTitle\n\tbody\n\t\tblock content\n\t\tfooter Made here\n",
    "src/views/index.pug": "extends layouts/base\n\nblock content\n\th1 Welcome\n",
    "src/views/contact.pug": "extends layouts/base.pug\n\nblock content\n\th1 Contact\n",
    "src/static/site.css": "body { margin: 0; }\n",
    "dist/index.html": '<!DOCTYPE html><html lang="en"><head><title></title></head><body><h1>Welcome</h1></body></html>\n',
}


def _commit(root: Path) -> None:
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "fixture")


def test_a_pug_site_s_layout_gets_the_tag_and_its_assets_folder_the_script(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    write_files(tmp_path, PUG_LAYOUT_SITE)
    _commit(tmp_path)
    result, files = install_and_check_uninstall(cli, tmp_path, exit_code=0)
    assert files["src/views/layouts/base.pug"] == (
        "doctype html\nhtml(lang='en')\n\thead\n\t\ttitle= pageTitle\n\tbody\n\t\tblock content\n\t\tfooter Made here\n"
        "\t\tscript(src='static/intercom-messenger.js', defer)\n"
    )
    assert "intercom-messenger" not in files["src/views/index.pug"] + files["src/views/contact.pug"] + files["dist/index.html"]
    assert "src/static/intercom-messenger.js" in files
    assert not any(path.startswith("dist/") and "intercom" in path for path in files)


def test_a_build_that_copies_no_assets_is_a_manual_step_naming_the_build_script(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    site = dict(PUG_LAYOUT_SITE)
    site["tools/build.js"] = site["tools/build.js"].replace("fs.cpSync('src/static', 'dist/static', { recursive: true });\n", "")
    write_files(tmp_path, site)
    _commit(tmp_path)
    result = cli("install", str(tmp_path), "--workspace-id", "abc12345", "--yes", "--no-install", "--dry-run", "--json")
    assert result.exit_code == 4, result.stderr
    plan = json.loads(result.stdout)
    [step] = plan["manual_steps"]
    assert step["file"] == "tools/build.js"
    assert "src/views/layouts/intercom-messenger.js" in step["snippet"]
    assert "src/views/layouts/intercom-messenger.js" in {change["path"] for change in plan["changes"]}


@pytest.fixture(scope="module")
def pug_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real Pug compiler, pinned, installed from the registry once for this module."""
    folder = tmp_path_factory.mktemp("pug-compiler")
    (folder / "package.json").write_text('{"name": "pug-check", "private": true}\n')
    subprocess.run(
        ["npm", "install", "--no-audit", "--no-fund", "--loglevel=error", f"pug@{PUG_VERSION}"], cwd=folder, check=True, capture_output=True, timeout=600
    )
    return folder


def _render(pug_package: Path, template: Path) -> str:
    script = "process.stdout.write(require('pug').renderFile(process.argv[1], { pageTitle: 'T', title: 'T' }))"
    return subprocess.run(["node", "-e", script, str(template)], cwd=pug_package, check=True, capture_output=True, text=True, timeout=60).stdout


@NEEDS_NPM
def test_the_edited_pug_compiles_and_the_tag_ends_the_rendered_body(tmp_path: Path, cli, pug_package: Path) -> None:  # type: ignore[no-untyped-def]
    write_files(tmp_path, PUG_LAYOUT_SITE)
    _commit(tmp_path)
    result = cli("install", str(tmp_path), "--workspace-id", "abc12345", "--yes", "--no-install")
    assert result.exit_code == 0, result.stderr
    for page in ("index", "contact"):
        html = _render(pug_package, tmp_path / "src/views" / f"{page}.pug")
        assert html.endswith('<footer>Made here</footer><script src="static/intercom-messenger.js" defer></script></body></html>'), html


@NEEDS_NPM
def test_express_generator_app_with_pug_views_runs_signed_out_and_with_two_users(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    root = copy_app("express_pug_app", tmp_path)
    subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--loglevel=error"], cwd=root, check=True, capture_output=True, timeout=600)
    result = cli("install", str(root), "--workspace-id", "abc12345", "--yes")  # npm install of jsonwebtoken
    assert result.exit_code == 0, result.stderr
    assert (root / "views/layout.pug").read_text().endswith(f"  body\n    block content\n    {TAG}\n")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    sign_in, sign_out = form_sign_in_out()

    rimmer = AppUser("rimmer@example.com", "hologram", "rimmer@example.com", "Arnold Rimmer")
    cat = AppUser("cat@example.com", "looking-good", "cat@example.com", "Cat")
    with running_server(["node", "bin/www"], root, port, {"PORT": str(port), "HOST": "127.0.0.1", "INTERCOM_IDENTITY_SECRET": SECRET}):
        page = BrowserlessClient(base).get("/login")
        assert page.status == 200 and page.body.endswith('<script src="/intercom-messenger.js" defer></script></body></html>'), page.body
        assert BrowserlessClient(base).get("/intercom-messenger.js").status == 200
        a, b = check_two_users(base, SECRET, rimmer, cat, sign_in, sign_out)
        if chromium_available():  # and in Chromium: signed out, both users through the Pug login form, sign-out
            verified = cli(
                "verify", base + "/", "--workspace-id", "abc12345", "--login-url", "/login",
                "--user", "rimmer@example.com:hologram", "--user", "cat@example.com:looking-good",
                "--logout-selector", "form[action='/logout'] button", "--json",
            )  # fmt: skip
            checks = {check["id"]: check["status"] for check in json.loads(verified.stdout)["checks"]}
            assert verified.exit_code == 0, checks
            assert [checks[name] for name in ("anonymous", "signed-in", "identity", "logout")] == ["pass"] * 4, checks
    assert (a["user_id"], b["user_id"]) == ("7", "8")


@NEEDS_NPM
def test_express_pug_layout_prints_the_request_s_csp_nonce(tmp_path: Path, cli, pug_package: Path) -> None:  # type: ignore[no-untyped-def]
    root = copy_app("express_pug_app", tmp_path, commit=False)
    app = (root / "app.js").read_text()
    nonce_line = "app.use(function (req, res, next) {\n  res.locals.cspNonce = crypto.randomBytes(16).toString('base64');\n  next();\n});\n"
    (root / "app.js").write_text(app.replace("app.use(express.urlencoded", nonce_line + "app.use(express.urlencoded"))
    _commit(root)
    result = cli("install", str(root), "--workspace-id", "abc12345", "--yes", "--no-install", "--csp-nonce")
    assert result.exit_code == 0, result.stderr
    layout = root / "views/layout.pug"
    assert layout.read_text().endswith("    block content\n    script(src='/intercom-messenger.js', nonce=cspNonce, defer)\n")
    script = "process.stdout.write(require('pug').renderFile(process.argv[1], { title: 'T', cspNonce: 'bm9uY2U=' }))"
    html = subprocess.run(["node", "-e", script, str(layout)], cwd=pug_package, check=True, capture_output=True, text=True, timeout=60).stdout
    assert html.endswith('<body><script src="/intercom-messenger.js" nonce="bm9uY2U=" defer></script></body></html>'), html


def test_where_the_body_is_swapped_the_tag_ends_head_with_the_navigation_attribute() -> None:
    # Turbo keeps <head> across visits: the tag goes there, tracked like the HTML layouts' tag.
    text = "doctype html\nhtml\n  head\n    title Shop\n  body\n    block content\n"
    tag = pug.script_tag("/intercom-messenger.js", attributes=' data-turbo-track="reload"')
    assert tag == "script(src='/intercom-messenger.js', data-turbo-track=\"reload\", defer)"
    edited = _apply(text, pug.script_tag_insertion(SourceText(text, "\n", False), tag, in_head=True))
    assert edited == f"doctype html\nhtml\n  head\n    title Shop\n    {tag}\n  body\n    block content\n"


@pytest.mark.parametrize(
    "command",
    ["cp -R src/static dist/", "cpx 'src/static/**' dist/static", "shx cp -r ./src/static dist", 'copyfiles -u 1 "src/static/**" dist'],
)
def test_a_copy_command_in_package_json_is_where_the_script_goes(tmp_path: Path, cli, command: str) -> None:  # type: ignore[no-untyped-def]
    site = dict(PUG_LAYOUT_SITE)
    site["tools/build.js"] = site["tools/build.js"].replace("fs.cpSync('src/static', 'dist/static', { recursive: true });\n", "")
    manifest = json.loads(site["package.json"])
    manifest["scripts"] = {"build": f"node tools/build.js && {command}"}
    site["package.json"] = json.dumps(manifest, indent=2) + "\n"
    write_files(tmp_path, site)
    _commit(tmp_path)
    result = cli("install", str(tmp_path), "--workspace-id", "abc12345", "--yes", "--no-install", "--dry-run", "--json")
    assert result.exit_code == 0, result.stderr
    plan = json.loads(result.stdout)
    assert "src/static/intercom-messenger.js" in {change["path"] for change in plan["changes"]}
    assert "+\t\tscript(src='static/intercom-messenger.js', defer)\n" in plan["diff"]


@NEEDS_NPM
def test_insecure_on_a_pug_site_is_script_text_blocks_that_compile(tmp_path: Path, cli, pug_package: Path) -> None:  # type: ignore[no-untyped-def]
    write_files(tmp_path, PUG_LAYOUT_SITE)
    _commit(tmp_path)
    result, files = install_and_check_uninstall(cli, tmp_path, "--insecure", exit_code=0)
    layout = files["src/views/layouts/base.pug"]
    assert "\t\tfooter Made here\n\t\tscript.\n\t\t\t  // INSECURE" in layout, layout
    (tmp_path / "src/views/layouts/base.pug").write_text(layout)  # uninstall restored it: render the installed one
    html = _render(pug_package, tmp_path / "src/views/index.pug")
    assert html.endswith("})();</script></body></html>"), html
    assert "<footer>Made here</footer><script>  // INSECURE" in html and 'app_id: "abc12345"' in html
