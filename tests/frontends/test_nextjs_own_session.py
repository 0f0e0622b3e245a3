"""A Next.js app whose session is its own (iron-session, or a getSession() helper over a JWT it signs
itself) and keeps no user id: the install stays `incomplete` (exit 4) with the fail-closed adapter, and
the manual step says exactly what the app's sign-in writes (file:line), why none of it is an id, and
starts the adapter from the app's own session read. Fixtures of our own writing, shaped like
iron-session's Next.js example and a jose cookie session (iron-session-next, next14-jose-login)."""

import json
from pathlib import Path

from conftest import WORKSPACE_ID, install_and_check_uninstall, write_files

PACKAGE = """{
  "name": "notes",
  "private": true,
  "scripts": { "build": "next build" },
  "dependencies": { "next": "14.2.3", "react": "18.3.1", "react-dom": "18.3.1"__EXTRA__ },
  "devDependencies": { "typescript": "5.4.5", "@types/react": "18.3.3" }
}
"""
TSCONFIG = '{ "compilerOptions": { "strict": true, "jsx": "preserve", "paths": { "@/*": ["./*"] } } }\n'
LAYOUT = "export default function RootLayout({ children }: { children: React.ReactNode }) {\n  return (\n    <html lang=\"en\">\n      <body>{children}</body>\n    </html>\n  );\n}\n"

IRON_LIB = """import { SessionOptions } from 'iron-session';

export interface SessionData {
  nickname: string;
  signedIn: boolean;
}

export const sessionOptions: SessionOptions = { password: process.env.SESSION_PASSWORD as string, cookieName: 'notes' };
"""
IRON_LOGIN = """import { cookies } from 'next/headers';
import { getIronSession } from 'iron-session';
import { SessionData, sessionOptions } from '@/app/session';

export async function POST(request: Request) {
  const session = await getIronSession<SessionData>(cookies(), sessionOptions);
  const form = await request.formData();
  session.signedIn = true;
  session.nickname = form.get('nickname') as string;
  await session.save();
  return Response.json({ ok: true });
}
"""
JOSE_LIB = """import { SignJWT, jwtVerify } from 'jose';
import { cookies } from 'next/headers';

const key = new TextEncoder().encode(process.env.SESSION_KEY);

export async function signIn(formData: FormData) {
  const user = { email: formData.get('email') as string, name: formData.get('name') as string };
  const token = await new SignJWT({ user }).setProtectedHeader({ alg: 'HS256' }).sign(key);
  cookies().set('session', token, { httpOnly: true });
}

export async function getSession() {
  const token = cookies().get('session')?.value;
  return token ? (await jwtVerify(token, key)).payload : null;
}
"""
JOSE_PAGE = """import { redirect } from 'next/navigation';
import { signIn } from '@/lib';

export default function Page() {
  return (
    <form action={async (formData) => { 'use server'; await signIn(formData); redirect('/'); }}>
      <input name="email" type="email" required />
      <input name="name" required />
      <button type="submit">Sign in</button>
    </form>
  );
}
"""


def _app(root: Path, files: dict[str, str], extra: str = "") -> Path:
    write_files(root, {"package.json": PACKAGE.replace("__EXTRA__", extra), "tsconfig.json": TSCONFIG, ".gitignore": "node_modules\n.env*.local\n",
                       "app/layout.tsx": LAYOUT, "app/page.tsx": "export default function Home() {\n  return <h1>Notes</h1>;\n}\n", **files})
    return root


def _adapter_step(cli, root: Path) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """The route's manual step, as the dry run's JSON gives it (exit 4: incomplete)."""
    planned = cli("install", str(root), "--workspace-id", WORKSPACE_ID, "--yes", "--no-install", "--auth", "cookie", "--dry-run", "--json")
    assert planned.exit_code == 4, planned.stdout + planned.stderr
    steps = json.loads(planned.stdout)["manual_steps"]
    return next(s for s in steps if s["file"] == "app/api/intercom-jwt/route.ts")


def test_iron_session_without_an_id_names_what_its_sign_in_writes(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    root = _app(tmp_path, {"app/session.ts": IRON_LIB, "app/api/login/route.ts": IRON_LOGIN}, ',\n    "iron-session": "8.0.1"')
    step = _adapter_step(cli, root)
    _, files = install_and_check_uninstall(cli, root, "--auth", "cookie", exit_code=4)
    assert "async function getSignedInUser(): Promise<IntercomUser | null> {\n  return null;\n}" in files["app/api/intercom-jwt/route.ts"]
    said = " ".join(step["instruction"].split())
    assert "iron-session: the app's sign-in writes signedIn, nickname into the session, and none of it is the user's id" in said
    assert "not used: app/api/login/route.ts:8: session key 'signedIn' is a flag" in said
    assert "not used: app/api/login/route.ts:9: session key 'nickname' holds a name or email address, not an id" in said
    snippet = step["snippet"]
    # Where to keep the id, and the adapter starting from the app's own read of its session.
    assert "Where the app signs the user in (app/api/login/route.ts:8), also keep the user's id: session.userId = user.id" in snippet
    assert "  const session = await getIronSession<SessionData>(cookies(), sessionOptions);\n  const id = session.userId;\n" in snippet
    assert "return id ? { id: String(id) } : null;" in snippet


def test_own_jwt_session_helper_without_an_id_names_the_login_line_and_imports_the_helper(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    root = _app(tmp_path, {"lib.ts": JOSE_LIB, "app/login/page.tsx": JOSE_PAGE}, ',\n    "jose": "5.2.3"')
    step = _adapter_step(cli, root)
    result, _ = install_and_check_uninstall(cli, root, "--auth", "cookie", exit_code=4)
    said = " ".join(step["instruction"].split())
    # The sign-in runs on the server (lib.ts imports next/headers): the login hook's step names the form
    # whose server action calls it, not the Messenger's own module.
    printed = " ".join(result.output.split())
    assert "signIn() in lib.ts runs on the server; app/login/page.tsx:6 calls it from a server action of a form: render that form in a client component ('use client')" in printed
    assert "manual step in app/login/page.tsx" in printed
    assert "getSession() in lib.ts returns the session its login signs, whose user is { email, name } (lib.ts:7): no id" in said
    assert "not used: lib.ts:7: the session's user.email holds a name or email address, not an id" in said
    snippet = step["snippet"]
    assert "also keep the user's id in the session's user: { id: user.id, email, name }" in snippet
    assert "import { getSession } from '@/lib';\nasync function getSignedInUser(): Promise<IntercomUser | null> {\n  const session = await getSession();\n  const id = session?.user?.id;" in snippet


def test_a_user_object_with_an_id_is_no_evidence_of_a_missing_one(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    """Control: the helper's user carries an id, so the step does not claim it has none."""
    root = _app(tmp_path, {"lib.ts": JOSE_LIB.replace("const user = { email", "const user = { id: formData.get('id') as string, email"), "app/login/page.tsx": JOSE_PAGE},
                ',\n    "jose": "5.2.3"')
    said = " ".join(_adapter_step(cli, root)["instruction"].split())
    assert "getSession() in lib.ts" not in said and "no Auth.js, NextAuth, Clerk or getSession() in lib/session was found" in said


PAGES_LOGIN = """import type { NextApiRequest, NextApiResponse } from 'next';
import { getIronSession } from 'iron-session';
import { SessionData, sessionOptions } from '../../lib/session';

export default async function handler(request: NextApiRequest, response: NextApiResponse) {
  const session = await getIronSession<SessionData>(
    request,
    response,
    sessionOptions,
  );
  session.signedIn = true;
  session.nickname = request.body.nickname;
  await session.save();
  response.json(session);
}
"""


def test_pages_router_iron_session_step_is_a_lookup_of_the_request_and_response(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    """The Pages Router's adapter is a SignedInUserLookup: the step's snippet takes the names the app's own
    getIronSession(request, response, ...) call uses, and reads the session as that call does."""
    root = _app(tmp_path, {"lib/session.ts": IRON_LIB, "pages/api/login.ts": PAGES_LOGIN, "pages/index.tsx": "export default function Home() {\n  return null;\n}\n"},
                ',\n    "iron-session": "8.0.1"')
    for name in ("app/layout.tsx", "app/page.tsx"):
        (root / name).unlink()
    (root / "app").rmdir()
    planned = cli("install", str(root), "--workspace-id", WORKSPACE_ID, "--yes", "--no-install", "--auth", "cookie", "--dry-run", "--json")
    assert planned.exit_code == 4, planned.stdout + planned.stderr
    step = next(s for s in json.loads(planned.stdout)["manual_steps"] if s["file"] == "pages/api/intercom-jwt.ts")
    assert "not used: pages/api/login.ts:11: session key 'signedIn' is a flag" in " ".join(step["instruction"].split())
    assert step["snippet"].endswith(
        "const getSignedInUser: SignedInUserLookup = async (request, response) => {\n"
        "  const session = await getIronSession<SessionData>(request, response, sessionOptions);\n"
        "  const id = session.userId;\n  return id ? { id: String(id) } : null;\n};"
    )
    install_and_check_uninstall(cli, root, "--auth", "cookie", exit_code=4)
