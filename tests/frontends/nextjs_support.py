"""The Next.js e2e app: what create-next-app writes, plus a tiny cookie session of our own.

`lib/session.ts` exports `getSession()` returning `{ user } | null`: one of the shapes the wizard
recognises as the project's authentication, so the generated route handler uses it.
"""

import contextlib
from collections.abc import Iterator
from pathlib import Path

from intercom_wizard.integrations import FRONTENDS
from intercom_wizard.integrations.frontends import nextjs

CREATE_NEXT_APP = "create-next-app@16.4.3"
CREATE_FLAGS = (
    "--ts", "--app", "--eslint", "--no-tailwind", "--src-dir", "--import-alias", "@/*",
    "--use-npm", "--skip-install", "--disable-git", "--no-react-compiler", "--yes",
)


@contextlib.contextmanager
def registered() -> Iterator[None]:
    """The Next.js module in FRONTENDS for the test (a no-op once it is registered for good)."""
    if nextjs.NAME in FRONTENDS:
        yield
        return
    FRONTENDS[nextjs.NAME] = nextjs
    try:
        yield
    finally:
        FRONTENDS.pop(nextjs.NAME, None)

# The scaffold's layout loads Geist from Google Fonts, which an offline build cannot fetch.
LAYOUT = """import type { Metadata } from "next";
import "./globals.css";

export const metadata: Metadata = {
  title: "Notes",
  description: "A tiny app with a sign-in",
};

export default function RootLayout({ children }: LayoutProps<"/">) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
"""

SESSION = """import { createHmac, timingSafeEqual } from "node:crypto";
import { cookies } from "next/headers";

export const SESSION_COOKIE = "session";
const SESSION_SECRET = process.env.SESSION_SECRET ?? "dev-only-session-secret";

export type User = { id: string; email: string; name: string };

const USERS: Record<string, { password: string; user: User }> = {
  grace: { password: "hopper-1906", user: { id: "42", email: "grace@example.com", name: "Grace Hopper" } },
};

function sign(value: string): string {
  return createHmac("sha256", SESSION_SECRET).update(value).digest("base64url");
}

export function checkPassword(username: string, password: string): User | null {
  const entry = USERS[username];
  return entry && entry.password === password ? entry.user : null;
}

export function sessionCookieValue(user: User): string {
  return `${user.id}.${sign(user.id)}`;
}

export async function getSession(): Promise<{ user: User } | null> {
  const value = (await cookies()).get(SESSION_COOKIE)?.value;
  const [id, signature] = value?.split(".") ?? [];
  if (!id || !signature) {
    return null;
  }
  const expected = Buffer.from(sign(id));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    return null;
  }
  const user = Object.values(USERS).find((entry) => entry.user.id === id)?.user;
  return user ? { user } : null;
}
"""

# The form's redirects are relative: `next start -H 127.0.0.1` builds request.url on localhost, another
# origin to the browser, where a Content Security Policy's form-action 'self' would stop the redirect.
LOGIN_ROUTE = """import { NextResponse, type NextRequest } from "next/server";

import { SESSION_COOKIE, checkPassword, sessionCookieValue } from "@/lib/session";

function seeOther(path: string) {
  return new NextResponse(null, { status: 303, headers: { Location: path } });
}

export async function POST(request: NextRequest) {
  const json = request.headers.get("content-type")?.includes("application/json");
  const fields = json ? await request.json() : Object.fromEntries(await request.formData());
  const user = checkPassword(String(fields.username ?? ""), String(fields.password ?? ""));
  if (!user) {
    return json ? NextResponse.json({ error: "Wrong username or password" }, { status: 401 }) : seeOther("/login");
  }
  const response = json ? NextResponse.json({ ok: true }) : seeOther("/");
  response.cookies.set(SESSION_COOKIE, sessionCookieValue(user), { httpOnly: true, sameSite: "lax", path: "/" });
  return response;
}
"""

LOGOUT_ROUTE = """import { NextResponse, type NextRequest } from "next/server";

import { SESSION_COOKIE } from "@/lib/session";

export async function POST() {
  const response = new NextResponse(null, { status: 204 });
  response.cookies.delete(SESSION_COOKIE);
  return response;
}

export async function GET(request: NextRequest) {
  const response = NextResponse.redirect(new URL("/", request.url), 303);
  response.cookies.delete(SESSION_COOKIE);
  return response;
}
"""

LOGIN_PAGE = """export default function LoginPage() {
  return (
    <main>
      <h1>Sign in</h1>
      <form method="post" action="/api/login">
        <label>
          Username <input name="username" autoComplete="username" />
        </label>
        <label>
          Password <input name="password" type="password" autoComplete="current-password" />
        </label>
        <button type="submit">Sign in</button>
      </form>
    </main>
  );
}
"""

AUTH_CLIENT = """"use client";

import { useRouter } from "next/navigation";

export function useAuth() {
  const router = useRouter();

  async function login(username: string, password: string): Promise<boolean> {
    const response = await fetch("/api/login", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ username, password }),
    });
    if (!response.ok) {
      return false;
    }
    router.refresh();
    return true;
  }

  async function logout(): Promise<void> {
    await fetch("/logout", { method: "POST" });
    router.refresh();
  }

  return { login, logout };
}
"""

LOGOUT_BUTTON = """"use client";

import { useAuth } from "@/lib/auth-client";

export default function LogoutButton() {
  const { logout } = useAuth();
  return (
    <button id="logout" type="button" onClick={() => void logout()}>
      Sign out
    </button>
  );
}
"""

HOME_PAGE = """import Link from "next/link";

import LogoutButton from "./logout-button";

export default function Home() {
  return (
    <main>
      <h1>Notes</h1>
      <p>
        <Link href="/login">Sign in</Link> · <Link href="/account">Account</Link>
      </p>
      <LogoutButton />
    </main>
  );
}
"""

ACCOUNT_PAGE = """import Link from "next/link";

export default function AccountPage() {
  return (
    <main>
      <h1>Account</h1>
      <Link href="/">Home</Link>
    </main>
  );
}
"""

FILES = {
    "src/app/layout.tsx": LAYOUT,
    "src/app/page.tsx": HOME_PAGE,
    "src/app/account/page.tsx": ACCOUNT_PAGE,
    "src/app/login/page.tsx": LOGIN_PAGE,
    "src/app/logout-button.tsx": LOGOUT_BUTTON,
    "src/app/api/login/route.ts": LOGIN_ROUTE,
    "src/app/logout/route.ts": LOGOUT_ROUTE,
    "src/lib/session.ts": SESSION,
    "src/lib/auth-client.ts": AUTH_CLIENT,
}


def add_auth(app: Path) -> None:
    for relative, text in FILES.items():
        target = app / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    (app / "src/app/page.module.css").unlink(missing_ok=True)
