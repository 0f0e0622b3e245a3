"""Content Security Policy: the nonce on the Messenger's script tag per template engine, the errors of
`--csp-nonce` where no nonce can exist, the host list in the next steps, and two real apps whose
nonce-based policy is enforced by Chromium while `verify` signs in, navigates and signs out."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import SECRET, WORKSPACE_ID, copy_app, git, install_and_check_uninstall, install_quietly, snapshot, write_files

from intercom_wizard import csp
from intercom_wizard.options import Region
from intercom_wizard.tree import ProjectTree

sys.path.insert(0, str(Path(__file__).parent / "verify"))
from verify_support import APPS, require_chromium, serve

# A strict policy as Intercom's CSP guide and Google's strict CSP describe it, plus the Messenger's hosts.
STRICT_DIRECTIVES = {
    directive: ["'self'", *sources] for directive, sources in csp.intercom_sources(Region.US).items() if directive != "script-src"
}

def flask_with_talisman(root: Path, *, strict_dynamic: bool) -> None:
    policy = {
        "default-src": "'self'",
        "script-src": "'self' 'strict-dynamic'" if strict_dynamic else "'self'",
        "object-src": "'none'",
        "base-uri": "'self'",
    } | {name: " ".join(sources) for name, sources in STRICT_DIRECTIVES.items()}
    setup = (
        "\nfrom flask_talisman import Talisman\n\n"
        f"Talisman(\n    app,\n    force_https=False,\n    session_cookie_secure=False,\n"
        f"    content_security_policy={policy!r},\n    content_security_policy_nonce_in=[\"script-src\"],\n)\n"
    )
    app = root / "app.py"
    text = app.read_text()
    anchor = "login_manager = LoginManager(app)\n"
    assert anchor in text
    app.write_text(text.replace(anchor, anchor + setup))


# --- policy sources and detection --------------------------------------------------------------


def test_sources_follow_the_workspace_region() -> None:
    eu = csp.intercom_sources(Region.EU)
    assert "https://api-iam.eu.intercom.io" in eu["connect-src"] and "https://api-iam.au.intercom.io" not in eu["connect-src"]
    assert "https://widget.intercom.io" in eu["script-src"] and eu["style-src"] == ("'unsafe-inline'",)
    au = csp.intercom_sources(Region.AU)
    assert "wss://nexus-australia-websocket.intercom.io" in au["connect-src"] and "https://downloads.au.intercomcdn.com" in au["media-src"]
    us = csp.intercom_sources(Region.US)
    assert "https://static.intercomassets.com" in us["img-src"] and not any(".eu" in s for s in us["img-src"])


def test_policies_are_found_in_code_not_in_comments(tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {
            "config/initializers/content_security_policy.rb": "# Rails.application.config.content_security_policy do |policy|\n",
            "server.js": "const helmet = require('helmet');\napp.use(helmet());\n",
            "docs/notes.py": "# Talisman(app) some day\n",
        },
    )
    assert csp.find_policies(ProjectTree(tmp_path)) == ["server.js"]


def test_talisman_nonce_goes_on_the_tag_and_the_hosts_into_the_next_steps(tmp_path: Path, cli) -> None:
    root = copy_app("flask_login_app", tmp_path, commit=False)
    flask_with_talisman(root, strict_dynamic=True)
    git(root, "init", "-q")
    result, files = install_and_check_uninstall(cli, root, "--region", "eu", exit_code=0)
    assert result.exit_code == 0, result.stderr
    assert '<script src="{{ url_for(\'static\', filename=\'intercom-messenger.js\') }}" nonce="{{ csp_nonce() }}" defer></script>' in files[
        "templates/layout.html"
    ]
    app = files["app.py"]
    assert app.index("import intercom_jwt") < app.index("app = Flask(__name__)"), "imported before it is used, not after the mid-file import"
    output = " ".join(result.stderr.split())
    assert "carries the request's CSP nonce, made by Flask-Talisman (app.py)" in output
    assert "A Content Security Policy is set in app.py" in output
    assert "https://api-iam.eu.intercom.io" in output and "https://api-iam.au.intercom.io" not in output


@pytest.mark.parametrize(
    ("fixture", "files", "layout", "attribute"),
    [
        (
            "django_site",
            {},
            "templates/base.html",
            'nonce="{{ request.csp_nonce }}"',
        ),
        (
            "rails_app",
            {
                "config/initializers/content_security_policy.rb": "Rails.application.configure do\n"
                "  config.content_security_policy_nonce_generator = ->(request) { SecureRandom.base64(16) }\n"
                "  config.content_security_policy_nonce_directives = %w(script-src)\nend\n"
            },
            "app/views/layouts/application.html.erb",
            'nonce="<%= content_security_policy_nonce %>"',
        ),
        (
            "sinatra_classic_app",
            {"csp.rb": "before do\n  @csp_nonce = SecureRandom.base64(16)\nend\n"},
            "views/layout.erb",
            'nonce="<%= @csp_nonce %>"',
        ),
        (
            "fastapi_session_app",
            {
                "security.py": "import secrets\n\n\nasync def csp_nonce(request, call_next):\n"
                "    request.state.csp_nonce = secrets.token_urlsafe(16)\n    return await call_next(request)\n"
            },
            "templates/base.html",
            'nonce="{{ request.state.csp_nonce }}"',
        ),
        (
            "laravel_app",
            {
                "app/Http/Middleware/AddContentSecurityPolicy.php": "<?php\n\nnamespace App\\Http\\Middleware;\n\n"
                "use Illuminate\\Support\\Facades\\Vite;\n\nclass AddContentSecurityPolicy\n{\n"
                "    public function handle($request, $next)\n    {\n        Vite::useCspNonce();\n\n"
                "        return $next($request);\n    }\n}\n"
            },
            "resources/views/layouts/app.blade.php",
            'nonce="{{ Vite::cspNonce() }}"',
        ),
        (
            "php_session_app",
            {"includes/csp.php": "<?php\n$cspNonce = base64_encode(random_bytes(16));\n"},
            "includes/footer.php",
            'nonce="<?= htmlspecialchars($cspNonce, ENT_QUOTES) ?>"',
        ),
    ],
)
def test_each_template_engine_prints_the_apps_nonce(tmp_path: Path, cli, fixture: str, files: dict[str, str], layout: str, attribute: str) -> None:
    root = copy_app(fixture, tmp_path, commit=False)
    if fixture == "django_site":
        settings = root / "mysite/settings.py"
        settings.write_text(settings.read_text().replace('MIDDLEWARE = [\n', 'MIDDLEWARE = [\n    "csp.middleware.CSPMiddleware",\n'))
    if fixture == "php_session_app":
        bootstrap = root / "includes/bootstrap.php"
        bootstrap.write_text(bootstrap.read_text() + "\nrequire __DIR__ . '/csp.php';\n")
    write_files(root, files)
    git(root, "init", "-q")
    result, installed = install_and_check_uninstall(cli, root, "--csp-nonce", exit_code=0)
    tag = next(line for line in installed[layout].splitlines() if "intercom-messenger.js" in line)
    assert attribute in tag and tag.strip().endswith("defer></script>"), tag
    assert "Content Security Policy: allow Intercom" in result.stderr


def test_django_builtin_policy_without_its_context_processor_gets_a_manual_step(tmp_path: Path, cli) -> None:
    root = copy_app("django_site", tmp_path, commit=False)
    settings = root / "mysite/settings.py"
    settings.write_text(
        settings.read_text().replace('MIDDLEWARE = [\n', 'MIDDLEWARE = [\n    "django.middleware.csp.ContentSecurityPolicyMiddleware",\n')
    )
    git(root, "init", "-q")
    result, installed = install_and_check_uninstall(cli, root, "--csp-nonce", exit_code=4)
    assert 'nonce="{{ csp_nonce }}"' in installed["templates/base.html"]
    assert '"django.template.context_processors.csp",' in result.stderr


def test_express_views_print_res_locals_nonce_but_static_pages_cannot(tmp_path: Path, cli) -> None:
    root = copy_app("express_app", tmp_path, commit=False)
    server = root / "server.js"
    server.write_text(
        server.read_text()
        + "\napp.use((req, res, next) => {\n  res.locals.cspNonce = crypto.randomBytes(16).toString('base64');\n  next();\n});\n"
    )
    write_files(root, {"views/layout.ejs": "<!doctype html>\n<html>\n<body>\n  <%- body %>\n</body>\n</html>\n"})
    git(root, "init", "-q")
    before = snapshot(root)
    refused = install_quietly(cli, root, "--csp-nonce")
    assert refused.exit_code == 2 and snapshot(root) == before
    message = " ".join(refused.stderr.split())
    assert "public/about.html, public/index.html, public/login.html are not rendered per request, so cannot print the nonce of res.locals.cspNonce (server.js)" in message
    result, installed = install_and_check_uninstall(cli, root, exit_code=0)  # without --csp-nonce: the views get it, the static pages cannot
    assert '<script src="/intercom-messenger.js" nonce="<%= cspNonce %>" defer></script>' in installed["views/layout.ejs"]
    assert '<script src="/intercom-messenger.js" defer></script>' in installed["public/index.html"]


@pytest.mark.parametrize(
    ("fixture", "hint"),
    [
        ("flask_notes", "Flask-Talisman makes one when created with content_security_policy_nonce_in=['script-src']"),
        ("static_site", "Static pages are the same bytes for every visitor"),
        ("django_site", "django-csp's CSPMiddleware makes one"),
    ],
)
def test_csp_nonce_without_a_nonce_is_refused_and_changes_nothing(tmp_path: Path, cli, fixture: str, hint: str) -> None:
    root = copy_app(fixture, tmp_path)
    before = snapshot(root)
    result = install_quietly(cli, root, "--csp-nonce")
    assert result.exit_code == 2, result.stderr
    message = " ".join(result.stderr.split())
    assert "--csp-nonce: this app makes no per-request Content Security Policy nonce" in message and hint in message
    assert snapshot(root) == before


# --- the policy enforced by a real browser ----------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from intercom_wizard.verify import launched_browser

    require_chromium()
    with launched_browser() as launched:
        yield launched


def _verify(url: str, browser: object, name: str):  # type: ignore[no-untyped-def]
    from intercom_wizard.verify import run_verification

    app = APPS[name]
    return run_verification(
        url, workspace_id=WORKSPACE_ID, secret=SECRET, region=Region.US, browser=browser,
        sign_in=app.sign_in, logout=app.logout, navigate=app.navigate,
    )


@pytest.mark.parametrize("strict_dynamic", [True, False], ids=["strict-dynamic", "nonce-only"])
def test_flask_talisman_policy_enforced_in_chromium(tmp_path: Path, cli, browser: object, strict_dynamic: bool) -> None:
    """With 'strict-dynamic' the widget script is trusted as the nonced script's child; without it, only
    because the Messenger script hands its own nonce on. Either way every check passes under the policy."""
    root = copy_app("flask_login_app", tmp_path, commit=False)
    flask_with_talisman(root, strict_dynamic=strict_dynamic)
    git(root, "init", "-q")
    assert install_quietly(cli, root, "--csp-nonce").exit_code == 0
    with serve("flask_login_app", root) as url:
        report = _verify(url, browser, "flask_login_app")
    assert report.passed, report.dumps()


def test_flask_talisman_policy_blocks_a_tag_without_the_nonce(tmp_path: Path, cli, browser: object) -> None:
    """The control: the same policy, the tag without its nonce. The browser refuses the script."""
    root = copy_app("flask_login_app", tmp_path, commit=False)
    flask_with_talisman(root, strict_dynamic=True)
    git(root, "init", "-q")
    assert install_quietly(cli, root).exit_code == 0
    layout = root / "templates/layout.html"
    layout.write_text(layout.read_text().replace(' nonce="{{ csp_nonce() }}"', ""))
    with serve("flask_login_app", root) as url:
        report = _verify(url, browser, "flask_login_app")
    assert "loader" in report.failed_checks, report.dumps()
    loader = "\n".join(report.check("loader").evidence)
    assert "CSP blocked" in loader and "/static/intercom-messenger.js" in loader and "nonce" in loader, loader


DJANGO_CSP_SETTINGS = """
from csp.constants import NONCE, NONE, SELF

CONTENT_SECURITY_POLICY = {{
    "DIRECTIVES": {{
        "default-src": [SELF],
        "script-src": [SELF, NONCE, "'strict-dynamic'"],
        "object-src": [NONE],
        "base-uri": [SELF],
        **{directives!r},
    }},
}}
"""


def test_django_csp_policy_enforced_in_chromium(tmp_path: Path, cli, browser: object) -> None:
    root = copy_app("django_site", tmp_path, commit=False)
    settings = root / "mysite/settings.py"
    text = settings.read_text().replace('MIDDLEWARE = [\n', 'MIDDLEWARE = [\n    "csp.middleware.CSPMiddleware",\n')
    settings.write_text(text + DJANGO_CSP_SETTINGS.format(directives={k: list(v) for k, v in STRICT_DIRECTIVES.items()}))
    git(root, "init", "-q")
    assert install_quietly(cli, root, "--csp-nonce").exit_code == 0
    import subprocess

    subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=root, check=True, capture_output=True)
    with serve("django_site", root) as url:
        from intercom_wizard.localserver import BrowserlessClient

        page = BrowserlessClient(url).get("/")
        policy = page.headers["Content-Security-Policy"]
        nonce = re.search(r"'nonce-([^']+)'", policy)
        assert nonce and f'nonce="{nonce.group(1)}"' in page.body, (policy, page.body)
        report = _verify(url, browser, "django_site")
    assert report.passed, report.dumps()


def test_single_page_app_is_told_where_its_nonce_comes_from(tmp_path: Path, cli) -> None:
    write_files(
        tmp_path,
        {
            "package.json": '{\n  "dependencies": {\n    "react": "^19.1.0",\n    "react-dom": "^19.1.0"\n  },\n'
            '  "devDependencies": {\n    "typescript": "~5.8.3",\n    "vite": "^7.1.7"\n  }\n}\n',
            "index.html": '<!doctype html>\n<html lang="en">\n  <body>\n    <div id="root"></div>\n'
            '    <script type="module" src="/src/main.tsx"></script>\n  </body>\n</html>\n',
            "src/main.tsx": "import { createRoot } from 'react-dom/client'\nimport App from './App.tsx'\n\n"
            "createRoot(document.getElementById('root')!).render(<App />)\n",
            "src/App.tsx": "export default function App() {\n  return <h1>Notes</h1>\n}\n",
        },
    )
    git(tmp_path, "init", "-q")
    result, _ = install_and_check_uninstall(cli, tmp_path, "--csp-nonce", "--region", "au", exit_code=0)
    output = " ".join(result.stderr.split())
    assert "--csp-nonce: Vite writes nonce=" in output and "'strict-dynamic'" in output
    assert "https://api-iam.au.intercom.io" in output


def test_insecure_snippet_carries_the_nonce_on_both_inline_scripts(tmp_path: Path, cli) -> None:
    root = copy_app("flask_login_app", tmp_path, commit=False)
    flask_with_talisman(root, strict_dynamic=True)
    git(root, "init", "-q")
    result, files = install_and_check_uninstall(cli, root, "--insecure", exit_code=0)
    layout = files["templates/layout.html"]
    assert layout.count('<script nonce="{{ csp_nonce() }}">') == 2 and "<script>" not in layout
