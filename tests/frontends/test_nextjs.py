"""Next.js: golden before/after plans on small hand-written App and Pages Router projects, and one
real end-to-end run on a fresh create-next-app scaffold (build, next start, verify in Chromium,
uninstall, build again)."""

import json
import os
import re
import shutil
import subprocess
import urllib.request
from pathlib import Path

import pytest
from conftest import (
    SECRET,
    WORKSPACE_ID,
    git,
    install_and_check_uninstall,
    install_quietly,
    snapshot,
    write_files,
)
from nextjs_support import CREATE_FLAGS, CREATE_NEXT_APP, add_auth, registered

from intercom_wizard.csp import intercom_sources
from intercom_wizard.options import Region


@pytest.fixture(autouse=True)
def _nextjs_registered():
    with registered():
        yield


PACKAGE = """
{
  "name": "notes",
  "private": true,
  "scripts": {
    "build": "next build"
  },
  "dependencies": {
    "next": "16.0.0",
    "react": "19.2.0",
    "react-dom": "19.2.0"__EXTRA__
  }
}
"""
TSCONFIG = """
{
  "compilerOptions": {
    "strict": true,
    "paths": {
      "@/*": ["./src/*"]
    }
  }
}
"""
LAYOUT_TSX = """
import type { Metadata } from 'next';
import './globals.css';

export const metadata: Metadata = { title: 'Notes' };

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body>
        <main>{children}</main>
      </body>
    </html>
  );
}
"""
LAYOUT_TSX_AFTER = """import type { Metadata } from 'next';
import './globals.css';
import IntercomMessenger from '@/components/intercom-messenger';

export const metadata: Metadata = { title: 'Notes' };

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body>
        <main>{children}</main>
        <IntercomMessenger />
      </body>
    </html>
  );
}
"""
AUTH_TS = """
import { api } from './api';

export async function login(username: string, password: string): Promise<void> {
  await api.post('/api/login', { username, password });
}

export async function logout(): Promise<void> {
  await api.post('/logout');
}
"""
AUTH_TS_AFTER = """import { api } from './api';
import { intercomLogin, intercomLogout } from './intercom-messenger';

export async function login(username: string, password: string): Promise<void> {
  await api.post('/api/login', { username, password });
  void intercomLogin();
}

export async function logout(): Promise<void> {
  intercomLogout();
  await api.post('/logout');
}
"""
SESSION_TS = """
import { cookies } from 'next/headers';

export async function getSession(): Promise<{ user: { id: string; email: string; name: string } } | null> {
  return (await cookies()).get('session') ? { user: { id: '1', email: 'a@example.com', name: 'A' } } : null;
}
"""
APP_TSX = """
import type { AppProps } from 'next/app';

export default function App({ Component, pageProps }: AppProps) {
  return <Component {...pageProps} />;
}
"""
APP_TSX_AFTER = """import type { AppProps } from 'next/app';
import { useIntercomMessenger } from '../lib/use-intercom-messenger';

export default function App({ Component, pageProps }: AppProps) {
  useIntercomMessenger();
  return <Component {...pageProps} />;
}
"""
APP_JS = """
function MyApp({ Component, pageProps }) {
  return <Component {...pageProps} />;
}

export default MyApp;
"""


def app_router_ts(root: Path, *, extra: str = "", config: str = "const nextConfig = {};\nexport default nextConfig;\n") -> Path:
    write_files(root, {
        "package.json": PACKAGE.replace("__EXTRA__", extra),
        "tsconfig.json": TSCONFIG,
        "next.config.ts": config,
        ".gitignore": "/node_modules\n/.next/\n.env*\n",
        "src/app/layout.tsx": LAYOUT_TSX,
        "src/app/page.tsx": "export default function Home() {\n  return <h1>Notes</h1>;\n}\n",
        "src/lib/api.ts": "export const api = { post: async (url: string, body?: unknown) => fetch(url, { method: 'POST', body: JSON.stringify(body) }) };\n",
        "src/lib/auth.ts": AUTH_TS,
        "src/lib/session.ts": SESSION_TS,
    })
    return root


def app_router_js(root: Path) -> Path:
    write_files(root, {
        "package.json": PACKAGE.replace("__EXTRA__", ""),
        "next.config.mjs": "export default {};\n",
        ".gitignore": "node_modules\n.env*.local\n",
        "app/layout.jsx": "import './globals.css';\n\nexport default function RootLayout({ children }) {\n  return (\n    <html lang=\"en\">\n      <body>{children}</body>\n    </html>\n  );\n}\n",
        "app/page.jsx": "export default function Home() {\n  return <h1>Notes</h1>;\n}\n",
    })
    return root


AUTH_OPTIONS_WITH_ID = (
    "import type { NextAuthOptions } from 'next-auth';\n\n"
    "export const authOptions: NextAuthOptions = {\n  providers: [],\n"
    "  callbacks: {\n    session({ session, token }) {\n      if (session.user) session.user.id = token.sub;\n      return session;\n    },\n  },\n};\n"
)


def pages_router_ts(root: Path) -> Path:
    write_files(root, {
        "package.json": PACKAGE.replace("__EXTRA__", ',\n    "next-auth": "4.24.11"'),
        "tsconfig.json": '{\n  "compilerOptions": { "strict": true }\n}\n',
        ".gitignore": ".env*\n",
        "pages/_app.tsx": APP_TSX,
        "pages/index.tsx": "export default function Home() {\n  return <h1>Notes</h1>;\n}\n",
        "pages/api/auth/[...nextauth].ts": "import NextAuth from 'next-auth';\nimport { authOptions } from '../../../lib/auth-options';\n\nexport default NextAuth(authOptions);\n",
        "lib/auth-options.ts": AUTH_OPTIONS_WITH_ID,
        "lib/auth.ts": AUTH_TS.replace("import { api } from './api';", "import { signIn, signOut } from 'next-auth/react';").replace("await api.post('/api/login', { username, password });", "await signIn('credentials', { username, password });").replace("await api.post('/logout');", "await signOut();"),
    })
    return root


def pages_router_js(root: Path) -> Path:
    write_files(root, {
        "package.json": PACKAGE.replace("__EXTRA__", ""),
        ".gitignore": ".env.local\n",
        "pages/_app.js": APP_JS,
        "pages/index.js": "export default function Home() {\n  return <h1>Notes</h1>;\n}\n",
    })
    return root


def test_app_router_typescript_golden(tmp_path, cli):
    root = app_router_ts(tmp_path)
    result, files = install_and_check_uninstall(cli, root, exit_code=0)
    assert result.exit_code == 0, result.output
    assert files["src/app/layout.tsx"] == LAYOUT_TSX_AFTER
    assert files["src/lib/auth.ts"] == AUTH_TS_AFTER
    assert files[".env.local"] == f"INTERCOM_IDENTITY_SECRET='{SECRET}'\n"
    component = files["src/components/intercom-messenger.tsx"]
    assert component.startswith("'use client';\n")
    assert "from '@/lib/intercom-messenger';" in component and "usePathname()" in component
    assert "intercomPageChanged();" in component and "startIntercomMessenger();" in component
    route = files["src/app/api/intercom-jwt/route.ts"]
    assert "import { getSession } from '@/lib/session';" in route
    assert "export const dynamic = 'force-dynamic';" in route and "connection" not in route
    assert "'Cache-Control': 'no-store'" in route and "process.env.INTERCOM_IDENTITY_SECRET" in route
    assert "NEXT_PUBLIC_INTERCOM" not in "".join(files.values())
    assert '"@intercom/messenger-js-sdk": "^0.0.20",\n    "jose": "^6.1.0",\n    "next"' in files["package.json"]
    core = files["src/lib/intercom-messenger.ts"]
    assert "const APP_ID = 'abc12345';" in core and "return { method: 'GET', credentials: 'include', headers };" in core
    assert SECRET not in "".join(v for k, v in files.items() if k != ".env.local")
    assert not any(name.endswith(("proxy.ts", "middleware.ts")) for name in files)  # only --csp-nonce writes one


def test_cache_components_uses_connection_not_segment_config(tmp_path, cli):
    root = app_router_ts(tmp_path, config="export default { cacheComponents: true };\n")
    _, files = install_and_check_uninstall(cli, root, exit_code=0)
    route = files["src/app/api/intercom-jwt/route.ts"]
    assert "import { connection } from 'next/server';" in route and "  await connection();" in route
    assert "export const dynamic" not in route


def test_app_router_javascript_without_logout_prints_manual_steps(tmp_path, cli):
    root = app_router_js(tmp_path)
    result, files = install_and_check_uninstall(cli, root, "--auth", "cookie", exit_code=4)  # no sign-in of its own: --auth says there is
    assert result.exit_code == 4
    # lib/auth.js does not exist: the step names the Messenger module the hooks come from.
    assert "intercomLogout();" in result.output and "manual step in lib/intercom-messenger.js" in result.output
    assert "app/layout.jsx" in files and "      <body>{children}<IntercomMessenger /></body>\n" in files["app/layout.jsx"]
    assert "import IntercomMessenger from '../components/intercom-messenger';" in files["app/layout.jsx"]
    component = files["components/intercom-messenger.jsx"]
    assert "): null" not in component and "<Suspense fallback={null}>" in component
    route = files["app/api/intercom-jwt/route.js"]
    assert "IntercomUser" not in route and "Promise<" not in route
    assert "async function getSignedInUser() {\n  return null;\n}" in route  # fail-closed adapter
    assert "getSignedInUser()" in result.output  # the warning says what to fill in
    assert files[".env.local"].startswith("INTERCOM_IDENTITY_SECRET=")
    if shutil.which("node"):
        for name in ("lib/intercom-messenger.js", "app/api/intercom-jwt/route.js"):
            (tmp_path / "check.mjs").write_text(files[name])
            checked = subprocess.run(["node", "--check", str(tmp_path / "check.mjs")], check=False, capture_output=True, text=True)
            assert checked.returncode == 0, name + checked.stderr


def test_pages_router_typescript_with_next_auth(tmp_path, cli):
    root = pages_router_ts(tmp_path)
    result, files = install_and_check_uninstall(cli, root, exit_code=0)
    assert result.exit_code == 0, result.output
    assert files["pages/_app.tsx"] == APP_TSX_AFTER
    hook = files["lib/use-intercom-messenger.ts"]
    assert "router.events.on('routeChangeComplete', intercomPageChanged);" in hook
    route = files["pages/api/intercom-jwt.ts"]
    assert "import { authOptions } from '../../lib/auth-options';" in route
    assert "getServerSession(req, res, authOptions)" in route
    assert "res.setHeader('Cache-Control', 'no-store');" in route
    assert "intercomLogout();\n  await signOut();" in files["lib/auth.ts"]


def test_next_auth_without_the_id_in_the_session_is_incomplete(tmp_path, cli):
    """Auth.js keeps only name, email and image in the session: the email is never the user_id (issue 9)."""
    root = pages_router_ts(tmp_path)
    (root / "lib/auth-options.ts").write_text("import type { NextAuthOptions } from 'next-auth';\n\nexport const authOptions: NextAuthOptions = { providers: [] };\n")
    result, files = install_and_check_uninstall(cli, root, exit_code=4)
    assert result.exit_code == 4, result.output
    route = files["pages/api/intercom-jwt.ts"]
    assert "const id = user && 'id' in user && user.id ? String(user.id) : null;" in route
    assert "user?.email" not in route
    said = " ".join(result.output.split())
    assert "Add these callbacks to the config in lib/auth-options.ts" in said
    assert "session.user.id = token?.sub ?? user?.id;" in result.output


def test_pages_router_javascript_fails_closed(tmp_path, cli):
    root = pages_router_js(tmp_path)
    result, files = install_and_check_uninstall(cli, root, "--auth", "cookie", exit_code=4)  # no sign-in of its own: --auth says there is
    assert result.exit_code == 4  # no login/logout code found
    assert files["pages/_app.js"].startswith("import { useIntercomMessenger } from '../lib/use-intercom-messenger';\n\nfunction MyApp({ Component, pageProps }) {\n  useIntercomMessenger();\n")
    route = files["pages/api/intercom-jwt.js"]
    assert "import type" not in route and "NextApiRequest" not in route
    # The adapter is a lookup of (req, res) that fails closed: called as every lookup is, taking nothing
    # it does not use (a strict no-unused-vars lint fails the build on an unused parameter).
    assert "const getSignedInUser = async () => null;" in route and "await getSignedInUser(req, res);" in route
    said = " ".join(result.output.split())
    assert "answers 401 for everyone" in said
    # The step's snippet is the JavaScript lookup taking what it is called with.
    assert "const getSignedInUser = async (req, res) => {" in said and "SignedInUserLookup" not in said
    if shutil.which("node"):
        (tmp_path / "check.mjs").write_text(route)
        checked = subprocess.run(["node", "--check", str(tmp_path / "check.mjs")], check=False, capture_output=True, text=True)
        assert checked.returncode == 0, checked.stderr


def test_app_and_pages_root_layout_wins(tmp_path, cli):
    root = app_router_ts(tmp_path)
    write_files(root, {"src/pages/legacy.tsx": "export default function Legacy() {\n  return null;\n}\n"})
    result, files = install_and_check_uninstall(cli, root, exit_code=0)
    assert "src/app/api/intercom-jwt/route.ts" in files and "src/pages/api/intercom-jwt.ts" not in files
    assert "both app/ and pages/" in " ".join(result.output.split())


@pytest.mark.parametrize(
    ("extra", "expected", "exit_code"),
    [
        (',\n    "@clerk/nextjs": "6.0.0"', "import { currentUser } from '@clerk/nextjs/server';", 0),
        ("", "import { auth } from '@/auth';", 4),
    ],
)
def test_recognised_auth(tmp_path, cli, extra, expected, exit_code):
    root = app_router_ts(tmp_path, extra=extra)
    (root / "src/lib/session.ts").unlink()
    if not extra:
        write_files(root, {"src/auth.ts": "import NextAuth from 'next-auth';\n\nexport const { handlers, auth, signIn, signOut } = NextAuth({ providers: [] });\n"})
    _, files = install_and_check_uninstall(cli, root, exit_code=exit_code)
    assert expected in files["src/app/api/intercom-jwt/route.ts"]


@pytest.mark.parametrize(("region", "sdk"), [("eu", "'eu'"), ("au", "'ap'")])
def test_region(tmp_path, cli, region, sdk):
    _, files = install_and_check_uninstall(cli, app_router_ts(tmp_path), "--region", region, exit_code=0)
    assert f"const REGION: 'eu' | 'ap' | undefined = {sdk};" in files["src/lib/intercom-messenger.ts"]


@pytest.mark.parametrize("load", ["immediate", "idle", "interaction"])
def test_load_strategy(tmp_path, cli, load):
    _, files = install_and_check_uninstall(cli, app_router_js(tmp_path), "--load", load, exit_code=0)
    assert f"// --load {load}:" in files["lib/intercom-messenger.js"]


def test_bearer_auth(tmp_path, cli):
    result, files = install_and_check_uninstall(cli, app_router_ts(tmp_path), "--auth", "bearer", "--token-storage-key", "access_token", exit_code=0)
    assert "const ACCESS_TOKEN_KEY = 'access_token';" in files["src/lib/intercom-messenger.ts"]
    assert "Authorization header" in " ".join(result.output.split())


def test_secret_not_written_to_tracked_env_file(tmp_path, cli):
    root = app_router_ts(tmp_path)
    (root / ".gitignore").write_text("/node_modules\n")
    result = install_quietly(cli, root)
    assert not (root / ".env.local").exists()
    assert "not ignored by git" in " ".join(result.output.split())


# --- --csp-nonce ----------------------------------------------------------------------------------

CACHE_COMPONENTS = "export default { cacheComponents: true };\n"
LAYOUT_TSX_CSP_AFTER = LAYOUT_TSX_AFTER.replace(
    "export default function RootLayout",
    "// proxy.ts sends a new CSP nonce with each request, and only pages rendered per request carry it.\n"
    "export const dynamic = 'force-dynamic';\n\nexport default function RootLayout",
)
LAYOUT_TSX_CACHE_COMPONENTS_CSP_AFTER = """import type { Metadata } from 'next';
import { connection } from 'next/server';
import './globals.css';
import IntercomMessenger from '@/components/intercom-messenger';

export const metadata: Metadata = { title: 'Notes' };

// proxy.ts sends a new CSP nonce with each request, and only pages rendered per request carry it:
// the layout awaits connection(), and `instant = false` lets every page wait for it.
export const instant = false;

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  await connection();
  return (
    <html lang="en">
      <body>
        <main>{children}</main>
        <IntercomMessenger />
      </body>
    </html>
  );
}
"""
NONCE_MIDDLEWARE = """
import { NextResponse, type NextRequest } from 'next/server';

export function middleware(request: NextRequest) {
  const nonce = Buffer.from(crypto.randomUUID()).toString('base64');
  const policy = `script-src 'nonce-${nonce}' 'strict-dynamic'; object-src 'none'`;
  const headers = new Headers(request.headers);
  headers.set('Content-Security-Policy', policy);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set('Content-Security-Policy', policy);
  return response;
}
"""
AUTH_MIDDLEWARE = """
import { NextResponse, type NextRequest } from 'next/server';

export function middleware(request: NextRequest) {
  if (!request.cookies.has('session')) {
    return NextResponse.redirect(new URL('/login', request.url));
  }
  return NextResponse.next();
}

export const config = { matcher: ['/account/:path*'] };
"""


def static_directives(proxy: str) -> dict[str, list[str]]:
    """The proxy's DIRECTIVES object literal, read back as directive -> sources."""
    literal = proxy.split("const DIRECTIVES", 1)[1].split("\n};", 1)[0]
    return {
        name: [double or single for double, single in re.findall(r'"([^"]*)"|\'([^\']*)\'', items)]
        for name, items in re.findall(r"'([a-z-]+)': \[(.*?)\]", literal, re.DOTALL)
    }


def assert_policy(proxy: str, region: Region) -> None:
    directives = static_directives(proxy)
    assert directives["default-src"] == ["'self'"] and directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"] and directives["frame-ancestors"] == ["'none'"]
    assert "script-src" not in directives  # made per request, from the nonce
    for directive, sources in intercom_sources(region).items():
        if directive != "script-src":
            assert directives[directive][0] == "'self'" and set(sources) <= set(directives[directive]), directive
    # A nonce in style-src would make browsers ignore the 'unsafe-inline' the Messenger's styles need.
    assert directives["style-src"] == ["'self'", "'unsafe-inline'"]
    assert "const scriptSrc = [\"'self'\", `'nonce-${nonce}'`, \"'strict-dynamic'\"];" in proxy
    assert "if (process.env.NODE_ENV === 'development') {\n    // React rebuilds server error stacks with eval, in development only.\n    scriptSrc.push(\"'unsafe-eval'\");" in proxy
    assert "const nonce = Buffer.from(crypto.randomUUID()).toString('base64');" in proxy
    assert "requestHeaders.set('Content-Security-Policy', policy);" in proxy and "response.headers.set('Content-Security-Policy', policy);" in proxy
    assert "source: '/((?!api|_next/static|_next/image|favicon.ico).*)'," in proxy
    assert "{ type: 'header', key: 'next-router-prefetch' }," in proxy and "{ type: 'header', key: 'purpose', value: 'prefetch' }," in proxy


def test_csp_nonce_app_router_typescript(tmp_path, cli):
    result, files = install_and_check_uninstall(cli, app_router_ts(tmp_path), "--csp-nonce", exit_code=0)
    assert result.exit_code == 0, result.output
    assert files["src/app/layout.tsx"] == LAYOUT_TSX_CSP_AFTER
    proxy = files["src/proxy.ts"]  # beside app/, in src/ here
    assert "import { NextResponse, type NextRequest } from 'next/server';" in proxy
    assert "export function proxy(request: NextRequest): NextResponse {" in proxy
    assert "US-hosted workspace" in proxy and "the root layout (src/app/layout.tsx)" in proxy
    assert_policy(proxy, Region.US)
    assert "script-src: keep 'nonce-<per request>' 'strict-dynamic'" in " ".join(result.output.split())  # the planner's hosts step


def test_csp_nonce_with_cache_components(tmp_path, cli):
    root = app_router_ts(tmp_path, config=CACHE_COMPONENTS)
    (root / "package.json").write_text(PACKAGE.replace('"next": "16.0.0"', '"next": "16.4.3"').replace("__EXTRA__", ""))
    result, files = install_and_check_uninstall(cli, root, "--csp-nonce", exit_code=0)
    assert result.exit_code == 0, result.output
    assert files["src/app/layout.tsx"] == LAYOUT_TSX_CACHE_COMPONENTS_CSP_AFTER
    assert_policy(files["src/proxy.ts"], Region.US)


def test_csp_nonce_with_cache_components_before_next_16_3_is_a_manual_step(tmp_path, cli):
    result, files = install_and_check_uninstall(cli, app_router_ts(tmp_path, config=CACHE_COMPONENTS), "--csp-nonce", exit_code=4)
    assert result.exit_code == 4
    assert files["src/app/layout.tsx"] == LAYOUT_TSX_AFTER  # `instant` is unknown to 16.0: no guess
    output = " ".join(result.output.split())
    assert "Next.js 16.3 added `export const instant = false`" in output and "await connection();" in output
    assert "src/proxy.ts" in files


def test_csp_nonce_layout_with_a_declared_return_type_is_a_manual_step(tmp_path, cli):
    root = app_router_ts(tmp_path, config=CACHE_COMPONENTS)
    (root / "package.json").write_text(PACKAGE.replace('"next": "16.0.0"', '"next": "16.4.3"').replace("__EXTRA__", ""))
    layout = root / "src/app/layout.tsx"
    layout.write_text(layout.read_text().replace("React.ReactNode })", "React.ReactNode }): React.JSX.Element"))
    result, files = install_and_check_uninstall(cli, root, "--csp-nonce", exit_code=4)
    assert result.exit_code == 4  # async would need Promise<React.JSX.Element>: the user decides
    assert "connection" not in files["src/app/layout.tsx"] and "instant" not in files["src/app/layout.tsx"]
    assert "Render every page per request" in " ".join(result.output.split())


def test_csp_nonce_app_router_javascript(tmp_path, cli):
    _, files = install_and_check_uninstall(cli, app_router_js(tmp_path), "--csp-nonce", exit_code=0)
    assert "export const dynamic = 'force-dynamic';\n\nexport default function RootLayout" in files["app/layout.jsx"]
    proxy = files["proxy.js"]
    assert proxy.count("import ") == 1 and "import { NextResponse } from 'next/server';" in proxy
    assert "export function proxy(request) {" in proxy and "const DIRECTIVES = {" in proxy and "function contentSecurityPolicy(nonce) {" in proxy
    assert_policy(proxy, Region.US)
    if not shutil.which("node"):
        return
    # Run it: Next.js's NextResponse stood in by the two members the proxy uses.
    stub = tmp_path / "run/node_modules/next"
    write_files(stub, {
        "package.json": '{ "name": "next", "type": "module", "exports": { "./server": "./server.js" } }\n',
        "server.js": "export const NextResponse = { next: (init) => ({ init, headers: new Headers() }) };\n",
    })
    (tmp_path / "run/proxy.mjs").write_text(proxy)
    (tmp_path / "run/main.mjs").write_text(
        "import { proxy } from './proxy.mjs';\n"
        "const answers = [1, 2].map(() => proxy({ headers: new Headers({ accept: 'text/html' }) }));\n"
        "console.log(JSON.stringify(answers.map((r) => ({ response: r.headers.get('content-security-policy'), "
        "request: r.init.request.headers.get('content-security-policy'), nonce: r.init.request.headers.get('x-nonce'), "
        "accept: r.init.request.headers.get('accept') }))));\n"
    )
    ran = subprocess.run(["node", "main.mjs"], cwd=tmp_path / "run", check=False, capture_output=True, text=True)
    assert ran.returncode == 0, ran.stderr
    first, second = json.loads(ran.stdout)
    assert first["nonce"] != second["nonce"] and first["accept"] == "text/html"
    for answer in (first, second):
        assert answer["response"] == answer["request"]
        assert f"script-src 'self' 'nonce-{answer['nonce']}' 'strict-dynamic'" in answer["response"]
        assert "'unsafe-eval'" not in answer["response"]  # NODE_ENV is not development
        assert "; connect-src 'self' https://via.intercom.io " in answer["response"]


@pytest.mark.parametrize(("region", "hosts"), [("eu", ("https://api-iam.eu.intercom.io", "wss://nexus-europe-websocket.intercom.io")), ("au", ("https://api-iam.au.intercom.io", "https://static.au.intercomassets.com"))])
def test_csp_nonce_region_sources(tmp_path, cli, region, hosts):
    _, files = install_and_check_uninstall(cli, app_router_ts(tmp_path), "--csp-nonce", "--region", region, exit_code=0)
    proxy = files["src/proxy.ts"]
    assert f"{region.upper()}-hosted workspace" in proxy
    assert_policy(proxy, Region(region))
    assert all(f"'{host}'," in proxy for host in hosts)
    assert "https://uploads.intercomcdn.com" not in proxy  # the US upload host is not needed elsewhere


def test_csp_nonce_before_next_16_writes_middleware(tmp_path, cli):
    root = app_router_ts(tmp_path)
    (root / "package.json").write_text(PACKAGE.replace('"next": "16.0.0"', '"next": "^15.3.0"').replace("__EXTRA__", ""))
    _, files = install_and_check_uninstall(cli, root, "--csp-nonce", exit_code=0)
    assert "src/proxy.ts" not in files
    middleware = files["src/middleware.ts"]
    assert "export function middleware(request: NextRequest): NextResponse {" in middleware
    assert "// middleware.ts sends a new CSP nonce with each request" in files["src/app/layout.tsx"]


def test_csp_nonce_leaves_an_existing_nonce_policy_alone(tmp_path, cli):
    root = app_router_ts(tmp_path)
    write_files(root, {"src/middleware.ts": NONCE_MIDDLEWARE})
    result, files = install_and_check_uninstall(cli, root, "--csp-nonce", exit_code=0)
    assert result.exit_code == 0, result.output
    assert files["src/middleware.ts"] == NONCE_MIDDLEWARE.lstrip("\n")
    assert "src/proxy.ts" not in files and files["src/app/layout.tsx"] == LAYOUT_TSX_AFTER
    output = " ".join(result.output.split())
    assert "src/middleware.ts already makes a CSP nonce, so the wizard left it alone" in output
    assert "connect-src https://via.intercom.io" in output  # the hosts to add, in the next steps


def test_csp_nonce_with_another_middleware_is_a_manual_step(tmp_path, cli):
    root = app_router_ts(tmp_path)
    write_files(root, {"src/middleware.ts": AUTH_MIDDLEWARE})
    result, files = install_and_check_uninstall(cli, root, "--csp-nonce", exit_code=4)
    assert result.exit_code == 4
    assert files["src/middleware.ts"] == AUTH_MIDDLEWARE.lstrip("\n") and "src/proxy.ts" not in files
    output = result.output
    assert "src/middleware.ts already exists, so the wizard did not write its own" in " ".join(output.split())
    assert "export function middleware(request: NextRequest): NextResponse {" in output  # named as their file's
    assert "requestHeaders.set('Content-Security-Policy', policy);" in output
    # Once they merge it, pages must render per request: that part is the wizard's to do.
    assert files["src/app/layout.tsx"] == LAYOUT_TSX_CSP_AFTER.replace("// proxy.ts", "// middleware.ts")


def test_csp_nonce_pages_router(tmp_path, cli):
    root = pages_router_ts(tmp_path)
    write_files(root, {"pages/account.tsx": "export default function Account() {\n  return null;\n}\n\nexport async function getServerSideProps() {\n  return { props: {} };\n}\n"})
    result, files = install_and_check_uninstall(cli, root, "--csp-nonce", exit_code=4)
    assert result.exit_code == 4
    assert files["pages/_app.tsx"] == APP_TSX_AFTER and "pages/_document.tsx" not in files  # Next.js's own passes the nonce on
    proxy = files["proxy.ts"]
    assert "Only pages rendered per request (with getServerSideProps) carry a nonce." in proxy
    assert_policy(proxy, Region.US)
    output = " ".join(result.output.split())
    assert "under the new policy: pages/index.tsx. Render each per request" in output  # not account.tsx, not api/
    assert "export const getServerSideProps: GetServerSideProps = async () => ({\n  props: {},\n});" in result.output
    assert "did not turn static optimization off for the whole app" in output


def test_csp_nonce_pages_router_custom_document(tmp_path, cli):
    root = pages_router_js(tmp_path)
    document = 'import { Html, Head, Main, NextScript } from "next/document";\n\nexport default function Document() {\n  return (\n    <Html lang="en">\n      <Head />\n      <body>\n        <Main />\n        <NextScript />\n      </body>\n    </Html>\n  );\n}\n'
    write_files(root, {"pages/_document.js": document, "pages/index.js": "export default function Home() {\n  return null;\n}\n\nexport async function getServerSideProps() {\n  return { props: {} };\n}\n"})
    result, files = install_and_check_uninstall(cli, root, "--csp-nonce", exit_code=4)
    assert files["pages/_document.js"] == document
    output = " ".join(result.output.split())
    assert "gives your custom Document the request's CSP nonce as its `nonce` prop" in output
    assert "export default function Document({ nonce }) {" in result.output and "<NextScript nonce={nonce} />" in result.output
    assert "prerendered at build time" not in output  # every page has getServerSideProps
    assert "export function proxy(request) {" in files["proxy.js"]


# --- end to end -----------------------------------------------------------------------------------

E2E_PORT = 3947
CHROMIUM = Path("/usr/bin/chromium")


def _tools_or_skip() -> None:
    if shutil.which("npm") and CHROMIUM.exists():
        return
    if os.environ.get("CI"):
        pytest.fail("the Next.js end-to-end test needs npm and /usr/bin/chromium in CI")
    pytest.skip("needs npm and /usr/bin/chromium")


def _run(command: list[str], cwd: Path, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NEXT_TELEMETRY_DISABLED": "1", "CI": "1"}
    completed = subprocess.run(command, check=False, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
    assert completed.returncode == 0, f"{' '.join(command)} failed:\n{completed.stdout[-4000:]}\n{completed.stderr[-4000:]}"
    return completed


def _build(app: Path) -> str:
    output = _run(["npm", "run", "build"], app)
    log = output.stdout + output.stderr
    warnings = [line for line in log.splitlines() if "warn" in line.lower() and "Unknown user config" not in line]
    assert not warnings, log
    return log


@pytest.fixture(scope="module")
def scaffold(tmp_path_factory: pytest.TempPathFactory) -> Path:
    _tools_or_skip()
    parent = tmp_path_factory.mktemp("next")
    _run(["npx", "--yes", CREATE_NEXT_APP, "notes", *CREATE_FLAGS], parent)
    app = parent / "notes"
    add_auth(app)
    _run(["npm", "install", "--no-audit", "--no-fund", "--prefer-offline"], app)
    git(app, "init", "-q")
    git(app, "add", "-A")
    git(app, "commit", "-qm", "scaffold")
    _build(app)  # the scaffold builds before the wizard touches it
    return app


def _scaffold_files(app: Path) -> dict[str, bytes]:
    """The app's files, less what `next build` and the test server write."""
    return {path: data for path, data in snapshot(app).items() if not path.startswith((".next/", ".server.log"))}


def test_end_to_end(scaffold: Path, cli) -> None:
    from rich.console import Console

    from intercom_wizard.localserver import running_server
    from intercom_wizard.verify import Logout, SignIn, run_verification

    app = scaffold
    before = _scaffold_files(app)
    installed = cli("install", str(app), "--workspace-id", WORKSPACE_ID, "--yes")
    assert installed.exit_code == 0, installed.output
    route = (app / "src/app/api/intercom-jwt/route.ts").read_text()
    assert 'import { getSession } from "@/lib/session";' in route  # create-next-app writes double quotes: so does the wizard
    assert "await connection();" in route  # create-next-app 16 turns cacheComponents on
    assert "intercomLogout();" in (app / "src/lib/auth-client.ts").read_text()
    log = _build(app)
    assert "Running TypeScript" in log and "/api/intercom-jwt" in log
    leaked = [p for p in (app / ".next/static").rglob("*") if p.is_file() and SECRET.encode() in p.read_bytes()]
    assert not leaked, leaked

    with running_server(
        ["node_modules/.bin/next", "start", "-H", "127.0.0.1", "-p", str(E2E_PORT)],
        app,
        E2E_PORT,
        {"INTERCOM_IDENTITY_SECRET": SECRET, "NEXT_TELEMETRY_DISABLED": "1"},
    ):
        report = run_verification(
            f"http://127.0.0.1:{E2E_PORT}/",
            workspace_id=WORKSPACE_ID,
            secret=SECRET,
            sign_in=SignIn(login_url="/login", username="grace", password="hopper-1906"),
            logout=Logout(selectors=("#logout",)),
            navigate="/account",
        )
    console = Console(width=160, record=True)
    report.render(console)
    assert report.exit_code == 0, console.export_text()

    again = cli("install", str(app), "--workspace-id", WORKSPACE_ID, "--yes")
    assert "Nothing to do" in again.output

    assert cli("uninstall", str(app), "--yes").exit_code == 0
    # The lockfile is npm's: installing from the restored package.json prunes the SDK and jose again.
    _run(["npm", "install", "--no-audit", "--no-fund", "--prefer-offline"], app)
    after = _scaffold_files(app)
    assert after == before, sorted(k for k in set(after) | set(before) if after.get(k) != before.get(k))
    _build(app)


def _page(url: str) -> tuple[str, str]:
    """A page's Content-Security-Policy header and HTML, as a plain HTTP client gets them."""
    with urllib.request.urlopen(url, timeout=60) as response:
        return response.headers.get("Content-Security-Policy", ""), response.read().decode()


def test_end_to_end_csp_nonce(scaffold: Path, cli) -> None:
    """The same scaffold, restored by test_end_to_end, under the nonce-based policy --csp-nonce writes:
    every page rendered per request with the nonce on every script, and the Messenger verified in
    Chromium with the policy enforced."""
    from rich.console import Console

    from intercom_wizard.localserver import running_server
    from intercom_wizard.verify import Logout, SignIn, run_verification

    app = scaffold
    before = _scaffold_files(app)
    installed = cli("install", str(app), "--workspace-id", WORKSPACE_ID, "--yes", "--csp-nonce")
    assert installed.exit_code == 0, installed.output
    assert "export function proxy(request: NextRequest): NextResponse {" in (app / "src/proxy.ts").read_text()
    layout = (app / "src/app/layout.tsx").read_text()
    assert "export const instant = false;" in layout and "  await connection();\n" in layout  # Cache Components
    log = _build(app)
    assert "Running TypeScript" in log
    routes = re.findall(r"^[┌├└] (\S) (/\S*)$", log, re.MULTILINE)
    assert {"/", "/account", "/login"} <= {path for _, path in routes}, log
    assert all(symbol == "ƒ" for symbol, _ in routes), log  # nothing prerendered: no page without a nonce

    base = f"http://127.0.0.1:{E2E_PORT}"
    with running_server(
        ["node_modules/.bin/next", "start", "-H", "127.0.0.1", "-p", str(E2E_PORT)],
        app,
        E2E_PORT,
        {"INTERCOM_IDENTITY_SECRET": SECRET, "NEXT_TELEMETRY_DISABLED": "1"},
    ):
        nonces = []
        for path in ("/", "/", "/account"):
            policy, html = _page(base + path)
            found = re.search(r"script-src 'self' 'nonce-([A-Za-z0-9+/=]+)' 'strict-dynamic'(;|$)", policy)
            assert found, policy
            assert "https://api-iam.intercom.io" in policy and "frame-ancestors 'none'" in policy
            scripts = re.findall(r"<script\b[^>]*>", html)
            assert scripts and all(f'nonce="{found.group(1)}"' in tag for tag in scripts), (path, scripts)
            nonces.append(found.group(1))
        assert len(set(nonces)) == len(nonces)  # a fresh nonce for every request
        report = run_verification(
            base + "/",
            workspace_id=WORKSPACE_ID,
            secret=SECRET,
            sign_in=SignIn(login_url="/login", username="grace", password="hopper-1906"),
            logout=Logout(selectors=("#logout",)),
            navigate="/account",
        )
    console = Console(width=160, record=True)
    report.render(console)
    assert report.exit_code == 0, console.export_text()

    assert cli("uninstall", str(app), "--yes").exit_code == 0
    _run(["npm", "install", "--no-audit", "--no-fund", "--prefer-offline"], app)
    after = _scaffold_files(app)
    assert after == before, sorted(k for k in set(after) | set(before) if after.get(k) != before.get(k))


def test_templates_are_valid_files():
    """The templates themselves (placeholders and all) are what they claim to be."""
    from intercom_wizard.edits import parse

    folder = Path(__file__).resolve().parents[2] / "src/intercom_wizard/templates/nextjs"
    for template in folder.iterdir():
        root = parse(template.read_text(), "tsx" if template.suffix == ".tsx" else "typescript")
        assert root.find(kind="ERROR") is None, template.name


def test_next_without_routes_is_not_guessed(tmp_path, cli):
    write_files(tmp_path, {"package.json": PACKAGE.replace("__EXTRA__", ""), "index.html": "<!doctype html><body></body>\n"})
    before = snapshot(tmp_path)
    result = install_quietly(cli, tmp_path)
    assert result.exit_code == 3 and "--frontend html" in result.stderr
    assert snapshot(tmp_path) == before
