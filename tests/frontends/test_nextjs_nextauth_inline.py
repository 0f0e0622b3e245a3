"""NextAuth v4 configured inline (`export default NextAuth({ ... })` in pages/api/auth/[...nextauth], or
`const handler = NextAuth({ ... }); export { handler as GET, handler as POST }` in the App Router), in
an app with both app/ and pages/ — the shapes of the corpus app next14-nextauth4-credentials.

There is no `authOptions` for getServerSession: the token route reads the session's JWT with NextAuth's
`getToken({ req, secret })`, the id from its `sub` when the config provably keeps it there, else the
fail-closed adapter and a step naming the config. `signIn('credentials', { redirect: false })` gets the
login hook inside its success check; `signOut()` the logout hook; pages/_app starts the Messenger for
the Pages Router's pages.

Fixture of our own: `tests/fixtures/next14_nextauth4_inline` (Next 14.2, next-auth 4.24.8 pinned, two
in-memory users). The build test installs its packages from npm, runs `next build`, starts `next
start` on 127.0.0.1 and signs both users in through NextAuth's own credentials callback.
"""

import contextlib
import json
import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import jwt
import pytest
from conftest import SECRET, copy_app, install_and_check_uninstall, install_quietly, write_files
from nextjs_support import registered

FIXTURE = "next14_nextauth4_inline"
NEXTAUTH_ROUTE = "pages/api/auth/[...nextauth].ts"


@pytest.fixture(autouse=True)
def _nextjs_registered():  # type: ignore[no-untyped-def]
    with registered():
        yield


def _said(output: str) -> str:
    return " ".join(output.split())


def _with_config(root: Path, old: str, new: str) -> None:
    path = root / NEXTAUTH_ROUTE
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def test_inline_config_is_read_with_get_token_and_hooks_land_in_the_success_paths(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    root = copy_app(FIXTURE, tmp_path)
    result, files = install_and_check_uninstall(cli, root, exit_code=0)
    assert "result: complete" in result.stderr, result.stderr
    route = files["app/api/intercom-jwt/route.ts"]  # the App Router's route serves both routers' pages
    assert "import { getToken } from 'next-auth/jwt';" in route
    assert "const token = await getToken({\n    req: request,\n    secret: process.env.NEXTAUTH_SECRET,\n  });" in route
    assert "const id = token?.sub;" in route and "export async function GET(request: NextRequest)" in route
    assert "getServerSession(" not in route and "pages/api/intercom-jwt.ts" not in files
    # The login hook inside `if (res?.ok) {`, not after the if/else (which also runs on a wrong password).
    assert "    if (res?.ok) {\n      window.location.assign('/dashboard');\n      void intercomLogin();\n    } else {" in files["pages/login.tsx"]
    assert "  async function leave() {\n    intercomLogout();\n    await signOut({ redirect: false });" in files["pages/dashboard.tsx"]
    # Both routers' pages start the Messenger: the root layout's component, and the hook in pages/_app.
    assert "<body>{children}<IntercomMessenger /></body>" in files["app/layout.tsx"]
    assert "export default function App({ Component, pageProps }: AppProps) {\n  useIntercomMessenger();\n" in files["pages/_app.tsx"]
    assert "getToken() decodes the session cookie with NEXTAUTH_SECRET" in _said(result.stderr)


APP_ROUTER_HANDLER = """import NextAuth from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';

const handler = NextAuth({
  secret: process.env.AUTH_SIGNING_SECRET,
  providers: [
    CredentialsProvider({
      credentials: { email: {}, password: {} },
      async authorize(credentials) {
        return credentials?.email === 'grace@example.com' ? { id: '42', email: 'grace@example.com' } : null;
      },
    }),
  ],
  callbacks: {
    async jwt({ token, user }) {
      if (user) {
        token.name = user.name;
      }
      return token;
    },
  },
});

export { handler as GET, handler as POST };
"""


def test_app_router_handler_shape_with_its_own_secret_variable_and_a_jwt_callback_that_returns_the_token(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    root = copy_app(FIXTURE, tmp_path, commit=False)
    (root / NEXTAUTH_ROUTE).unlink()
    write_files(root, {"app/api/auth/[...nextauth]/route.ts": APP_ROUTER_HANDLER})
    _, files = install_and_check_uninstall(cli, root, exit_code=0)
    assert "await getToken({\n    req: request,\n    secret: process.env.AUTH_SIGNING_SECRET,\n  });" in files["app/api/intercom-jwt/route.ts"]


def test_options_declared_in_the_route_but_not_exported(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    root = copy_app(FIXTURE, tmp_path, commit=False)
    _with_config(root, "export default NextAuth({", "const options: NextAuthOptions = {")
    _with_config(root, "  pages: { signIn: '/login' },\n});\n", "  pages: { signIn: '/login' },\n};\n\nexport default NextAuth(options);\n")
    _with_config(root, "import NextAuth from 'next-auth';", "import NextAuth, { type NextAuthOptions } from 'next-auth';")
    _, files = install_and_check_uninstall(cli, root, exit_code=0)
    assert "await getToken({\n    req: request,\n    secret: process.env.NEXTAUTH_SECRET,\n  });" in files["app/api/intercom-jwt/route.ts"]


@pytest.mark.parametrize(
    ("old", "new", "why"),
    [
        ("  pages: { signIn: '/login' },", "  pages: { signIn: '/login' },\n  callbacks: {\n    jwt({ user }) {\n      return { uid: user?.id };\n    },\n  },", "its jwt callback does not visibly return the token"),
        ("  pages: { signIn: '/login' },", "  pages: { signIn: '/login' },\n  session: { strategy: 'database' },", "its sessions are kept in a database"),
        ("  pages: { signIn: '/login' },", "  pages: { signIn: '/login' },\n  cookies: {},", "its config sets cookies"),
        ("  pages: { signIn: '/login' },", "  pages: { signIn: '/login' },\n  secret: 'written-into-the-code',", "its secret is written in the code, which the token endpoint will not copy"),
    ],
)
def test_an_id_that_is_not_provably_in_the_token_is_the_fail_closed_adapter(tmp_path: Path, cli, old: str, new: str, why: str) -> None:  # type: ignore[no-untyped-def]
    root = copy_app(FIXTURE, tmp_path, commit=False)
    _with_config(root, old, new)
    result, files = install_and_check_uninstall(cli, root, exit_code=4)
    said = _said(result.stderr)
    assert f"NextAuth is configured inline in {NEXTAUTH_ROUTE}, but {why}" in said, said
    route = files["app/api/intercom-jwt/route.ts"]
    assert "getToken" not in route and "async function getSignedInUser(): Promise<IntercomUser | null> {\n  return null;\n}" in route
    assert "written-into-the-code" not in route


def test_sign_in_whose_result_is_never_checked_is_a_manual_step_in_its_file(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    root = copy_app(FIXTURE, tmp_path, commit=False)
    login = root / "pages/login.tsx"
    login.write_text(login.read_text().replace("    if (res?.ok) {\n      window.location.assign('/dashboard');\n    } else {\n      setError('Wrong email or password');\n    }\n", "    setError(String(res));\n"))
    result, files = install_and_check_uninstall(cli, root, exit_code=4)
    assert "intercomLogin" not in files["pages/login.tsx"]
    assert "signIn(..., { redirect: false }) in pages/login.tsx signs in without loading a new page" in _said(result.stderr)


def test_a_guard_on_the_error_that_returns_puts_the_hook_after_it(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    root = copy_app(FIXTURE, tmp_path, commit=False)
    login = root / "pages/login.tsx"
    login.write_text(login.read_text().replace(
        "    if (res?.ok) {\n      window.location.assign('/dashboard');\n    } else {\n      setError('Wrong email or password');\n    }\n",
        "    if (res?.error) {\n      setError('Wrong email or password');\n      return;\n    }\n    window.location.assign('/dashboard');\n",
    ))
    _, files = install_and_check_uninstall(cli, root, exit_code=0)
    assert "      return;\n    }\n    window.location.assign('/dashboard');\n    void intercomLogin();\n  };" in files["pages/login.tsx"]


def test_sign_in_and_out_with_their_default_redirect_need_no_hook(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    """The browser loads a new page after them, whose Messenger asks the token endpoint again: no step."""
    root = copy_app(FIXTURE, tmp_path, commit=False)
    write_files(root, {
        "pages/login.tsx": "import { signIn } from 'next-auth/react';\n\nexport default function LoginPage() {\n  return <button onClick={() => signIn('credentials', { callbackUrl: '/dashboard' })}>Sign in</button>;\n}\n",
        "pages/dashboard.tsx": "import { signOut } from 'next-auth/react';\n\nexport default function Dashboard() {\n  return <button onClick={() => signOut()}>Sign out</button>;\n}\n",
    })
    result, files = install_and_check_uninstall(cli, root, exit_code=0)
    assert "intercomLog" not in files["pages/login.tsx"] + files["pages/dashboard.tsx"]
    assert "manual step" not in result.stderr


def test_javascript_corpus_shape(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    """The corpus app's own shape: JavaScript, `if (result.ok)`, a custom App declared then exported."""
    root = copy_app(FIXTURE, tmp_path, commit=False)
    for name in ("tsconfig.json", "app/layout.tsx", "app/page.tsx", "pages/_app.tsx", "pages/login.tsx", "pages/dashboard.tsx", NEXTAUTH_ROUTE):
        (root / name).unlink()
    manifest = json.loads((root / "package.json").read_text())
    del manifest["devDependencies"]  # no TypeScript
    write_files(root, {
        "package.json": json.dumps(manifest, indent=2) + "\n",
        "jsconfig.json": '{\n  "compilerOptions": { "paths": { "@/*": ["./*"] } }\n}\n',
        "app/layout.js": "export default function RootLayout({ children }) {\n  return (\n    <html lang=\"en\">\n      <body>{children}</body>\n    </html>\n  );\n}\n",
        "app/page.js": "export default function Home() {\n  return <h1>Home</h1>;\n}\n",
        "pages/_app.js": "function MyApp({ Component, pageProps }) {\n  return <Component {...pageProps} />;\n}\n\nexport default MyApp;\n",
        "pages/login.js": (
            "import { signIn } from \"next-auth/react\";\n\nexport default function LoginPage() {\n  const handleSubmit = async (e) => {\n    e.preventDefault();\n"
            "    const result = await signIn(\"credentials\", {\n      redirect: false,\n      email: e.target.email.value,\n      password: e.target.password.value,\n    });\n\n"
            "    if (result.ok) {\n      window.location.href = \"/dashboard\";\n    } else {\n      alert(\"Login failed\");\n    }\n  };\n\n"
            "  return <form onSubmit={handleSubmit}><input name=\"email\" /><input name=\"password\" type=\"password\" /><button>Login</button></form>;\n}\n"
        ),
        "pages/api/auth/[...nextauth].js": (
            "import NextAuth from \"next-auth\";\nimport CredentialsProvider from \"next-auth/providers/credentials\";\n\n"
            "const users = [{ id: 1, email: \"user@example.com\", password: \"password\" }];\n\n"
            "export default NextAuth({\n  providers: [\n    CredentialsProvider({\n      authorize: async (credentials) => {\n"
            "        const user = users.find((user) => user.email === credentials.email);\n        return user && user.password === credentials.password ? user : null;\n"
            "      },\n    }),\n  ],\n  pages: {\n    signIn: \"/login\",\n  },\n});\n"
        ),
    })
    result, files = install_and_check_uninstall(cli, root, exit_code=0)
    route = files["app/api/intercom-jwt/route.js"]
    assert "const token = await getToken({\n    req: request,\n    secret: process.env.NEXTAUTH_SECRET,\n  });" in route and "NextRequest" not in route
    assert "    if (result.ok) {\n      window.location.href = \"/dashboard\";\n      void intercomLogin();\n    } else {" in files["pages/login.js"]
    assert "function MyApp({ Component, pageProps }) {\n  useIntercomMessenger();\n" in files["pages/_app.js"]
    # No signOut() anywhere: NextAuth's own sign-out page posts a form and loads a new page.
    assert "intercomLogout" not in "".join(v for k, v in files.items() if not k.startswith("lib/intercom-messenger"))


def test_pages_with_only_api_routes_get_no_custom_app(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    root = copy_app(FIXTURE, tmp_path, commit=False)
    for name in ("pages/_app.tsx", "pages/login.tsx", "pages/dashboard.tsx"):
        (root / name).unlink()
    result, files = install_and_check_uninstall(cli, root, exit_code=0)
    assert not any(name.startswith("pages/_app") for name in files) and "lib/use-intercom-messenger.ts" not in files
    assert "both app/ and pages/" not in _said(result.stderr)


def _run(command: list[str], cwd: Path, timeout: int = 900, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "NEXT_TELEMETRY_DISABLED": "1", **(env or {})}
    environment.pop("INTERCOM_IDENTITY_SECRET", None)  # next start reads it from .env.local, as an app would
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False, timeout=timeout, env=environment)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


def _request(url: str, cookies: dict[str, str], data: dict[str, str] | None = None) -> tuple[int, bytes]:
    """One request with the given cookies (updated from Set-Cookie); redirects are not followed."""
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, headers={"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())})
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        response = opener.open(request, timeout=30)
        status, headers, content = response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        status, headers, content = error.code, error.headers, error.read()
    for header in headers.get_all("Set-Cookie") or []:
        name, _, rest = header.partition("=")
        cookies[name] = rest.split(";", 1)[0]
    return status, content


def _token_for(base: str, email: str, password: str) -> dict[str, object]:
    """Sign in through NextAuth's own credentials callback (CSRF token first), then ask our endpoint."""
    cookies: dict[str, str] = {}
    status, content = _request(f"{base}/api/auth/csrf", cookies)
    assert status == 200, content
    csrf = json.loads(content)["csrfToken"]
    status, content = _request(f"{base}/api/auth/callback/credentials", cookies, {"csrfToken": csrf, "email": email, "password": password, "json": "true"})
    assert status in (200, 302), content
    assert "next-auth.session-token" in cookies  # the unprefixed name on http, which getToken reads by default
    status, content = _request(f"{base}/api/intercom-jwt", cookies)
    assert status == 200, content
    claims: dict[str, object] = jwt.decode(json.loads(content)["token"], SECRET, algorithms=["HS256"])
    return claims


def test_built_app_signs_both_users_tokens_from_their_nextauth_sessions(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    """The real `next build` (type check included) after the install, then `next start`: each user's
    NextAuth session gives a token with that user's id; signed out, 401."""
    if shutil.which("npm") is None:
        pytest.skip("needs npm")
    root = copy_app(FIXTURE, tmp_path)
    installed = install_quietly(cli, root)
    assert installed.exit_code == 0, installed.output
    npm = _run(["npm", "install", "--no-audit", "--no-fund", "--prefer-offline"], root)
    assert npm.returncode == 0, npm.stdout[-2000:] + npm.stderr[-2000:]
    build = _run(["npm", "run", "build"], root)
    assert build.returncode == 0, build.stdout[-4000:] + build.stderr[-4000:]
    assert "/api/intercom-jwt" in build.stdout and "/login" in build.stdout
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "NEXT_TELEMETRY_DISABLED": "1", "NEXTAUTH_URL": base, "NEXTAUTH_SECRET": "fixture-nextauth-secret-0123456789"}
    env.pop("INTERCOM_IDENTITY_SECRET", None)
    server = subprocess.Popen([str(root / "node_modules/.bin/next"), "start", "-p", str(port), "-H", "127.0.0.1"], cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        for _ in range(120):
            with contextlib.suppress(OSError):
                if _request(f"{base}/api/intercom-jwt", {})[0] == 401:
                    break
            time.sleep(0.5)
        else:
            pytest.fail("next start did not answer")
        grace = _token_for(base, "grace@example.com", "hopper-1906")
        alan = _token_for(base, "alan@example.com", "enigma-1912")
        assert (grace["user_id"], grace["email"], grace["name"]) == ("42", "grace@example.com", "Grace Hopper")
        assert (alan["user_id"], alan["email"]) == ("43", "alan@example.com")
        assert _request(f"{base}/api/intercom-jwt", {"next-auth.session-token": "forged"})[0] == 401
    finally:
        server.terminate()
        server.wait(timeout=30)
