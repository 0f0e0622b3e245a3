"""A Next.js app whose users sign in on the monorepo's own Express API, as a small repository of our own.

The shape of a Turborepo starter in the corpus (turbo-next-express, docs/corpus.md): `apps/web` is
Next.js 15 with t3-env (`env.NEXT_PUBLIC_API_URL` from its own `createEnv` module), a fetch wrapper
and a tRPC link that send credentials to that base, and React Query mutation hooks `useSignIn` /
`useSignOut` whose `onSuccess` runs after the request succeeded (beside them an exported `signOut()`
fetch helper nothing imports); `apps/api` is Express with express-session + passport. Before the fix
the install wrote a Next.js route handler with a fail-closed adapter (nobody could be signed in
there) and put the logout hook in the dead helper: `incomplete`.
"""

from __future__ import annotations

import json
from pathlib import Path

from conftest import git, install_and_check_uninstall, install_quietly, write_files

WEB_PACKAGE = {
    "name": "@repo/web",
    "private": True,
    "scripts": {"build": "next build", "start": "next start"},
    "dependencies": {"next": "15.1.4", "react": "^19.0.0", "react-dom": "^19.0.0", "@t3-oss/env-nextjs": "^0.11.1", "@trpc/react-query": "11.0.0-rc.700"},
    "devDependencies": {"typescript": "^5.7.3"},
}
API_PACKAGE = {
    "name": "@repo/api",
    "private": True,
    "scripts": {"dev": "tsx watch src/index.ts"},
    "dependencies": {"express": "^4.21.2", "express-session": "^1.18.1", "passport": "^0.7.0", "cors": "^2.8.5", "jsonwebtoken": "^9.0.2"},
    "devDependencies": {"typescript": "^5.7.3", "@types/jsonwebtoken": "^9.0.7"},
}

FILES = {
    "package.json": json.dumps({"private": True, "packageManager": "pnpm@9.15.3"}, indent=2) + "\n",
    "pnpm-workspace.yaml": "packages:\n  - 'apps/*'\n",
    "turbo.json": "{}\n",
    ".gitignore": "node_modules\n.env\n.env.local\n",
    "apps/web/package.json": json.dumps(WEB_PACKAGE, indent=2) + "\n",
    "apps/web/tsconfig.json": '{\n  "compilerOptions": {"strict": true, "paths": {"@/*": ["./src/*"]}}\n}\n',
    "apps/web/src/config/env.ts": """
        import { createEnv } from '@t3-oss/env-nextjs';
        import { z } from 'zod';

        export const env = createEnv({
          client: { NEXT_PUBLIC_API_URL: z.string().url() },
          experimental__runtimeEnv: { NEXT_PUBLIC_API_URL: process.env.NEXT_PUBLIC_API_URL },
        });
        """,
    "apps/web/src/lib/api.ts": """
        import { env } from '@/config/env';

        export async function request<T>(path: string, method = 'GET'): Promise<T> {
          const response = await fetch(`${env.NEXT_PUBLIC_API_URL}${path}`, { method, credentials: 'include' });
          return (await response.json()) as T;
        }
        """,
    "apps/web/src/trpc/client.tsx": """
        'use client';
        import { env } from '@/config/env';
        import { httpBatchLink } from '@trpc/client';

        const getUrl = () => {
          const base = env.NEXT_PUBLIC_API_URL;
          return `${base}/trpc`;
        };

        export const link = httpBatchLink({
          url: getUrl(),
          fetch(url, options) {
            return fetch(url, { ...options, credentials: 'include' });
          },
        });
        """,
    "apps/web/src/features/auth/sign-in.ts": """
        import { trpc } from '@/trpc/react';

        export const useSignIn = ({ onSuccess }: { onSuccess?: () => void }) => {
          const utils = trpc.useUtils();
          return trpc.auth.signIn.useMutation({
            onSuccess: () => {
              utils.user.me.invalidate();
              onSuccess?.();
            },
          });
        };
        """,
    "apps/web/src/features/auth/sign-out.ts": """
        import { request } from '@/lib/api';
        import { trpc } from '@/trpc/react';

        export const signOut = async () => {
          return await request('/auth/sign-out', 'POST');
        };

        export const useSignOut = ({ onSuccess }: { onSuccess?: () => void }) => {
          const utils = trpc.useUtils();
          return trpc.auth.signOut.useMutation({
            onSuccess: () => {
              utils.user.me.invalidate();
              onSuccess?.();
            },
          });
        };
        """,
    "apps/web/src/components/sign-out-button.tsx": """
        'use client';
        import { useSignOut } from '@/features/auth/sign-out';

        export function SignOutButton() {
          const { mutate: signOut } = useSignOut({});
          return <button onClick={() => signOut()}>Sign out</button>;
        }
        """,
    "apps/web/src/app/layout.tsx": """
        export default function RootLayout({ children }: { children: React.ReactNode }) {
          return (
            <html lang="en">
              <body>
                {children}
              </body>
            </html>
          );
        }
        """,
    "apps/web/src/app/page.tsx": "export default function Home() {\n  return <main>Home</main>;\n}\n",
    "apps/api/package.json": json.dumps(API_PACKAGE, indent=2) + "\n",
    "apps/api/tsconfig.json": '{\n  "compilerOptions": {"strict": true, "module": "commonjs", "esModuleInterop": true}\n}\n',
    "apps/api/src/index.ts": "import { app } from './server';\n\napp.listen(3001);\n",
    "apps/api/src/server.ts": """
        import cors from 'cors';
        import express, { type Express } from 'express';
        import session from 'express-session';
        import passport from 'passport';

        const app: Express = express();

        app.use(cors({ origin: process.env.APP_ORIGIN, credentials: true }));
        app.use(session({ secret: process.env.SESSION_SECRET ?? '', resave: false, saveUninitialized: false }));
        app.use(passport.initialize());
        app.use(passport.session());

        passport.serializeUser((user: Express.User, done) => done(null, (user as { id: string }).id));

        app.post('/auth/sign-out', (req, res) => {
          req.logout(() => res.json({ success: true }));
        });

        export { app };
        """,
}


def _monorepo(root: Path, files: dict[str, str]) -> Path:
    write_files(root, files)
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "monorepo")
    return root


def test_next_app_signing_in_on_the_workspace_api_uses_its_endpoint(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    root = _monorepo(tmp_path / "repo", FILES)
    result, files = install_and_check_uninstall(cli, root, exit_code=0)
    assert "no Next.js route handler was added" in " ".join((result.stdout + result.stderr).split())
    # The Express API signs the tokens, with its passport session; Next.js gets no route, jose or secret.
    assert "apps/api/src/intercom-jwt.ts" in files
    assert "app.use(intercomJwt);" in files["apps/api/src/server.ts"]
    assert not any(path.startswith("apps/web/src/app/api/") for path in files)
    assert "apps/web/.env.local" not in files
    assert "jose" not in json.loads(files["apps/web/package.json"])["dependencies"]
    # The core builds the token URL on the base the app's own client sends its credentials to.
    core = files["apps/web/src/lib/intercom-messenger.ts"]
    assert "const APP_API_BASE: string | undefined = process.env.NEXT_PUBLIC_API_URL;" in core
    assert "credentials: 'include'" in core
    # The hooks go where the mutations have succeeded, in the hooks the components use.
    assert "onSuccess?.();\n      void intercomLogin();\n    }," in files["apps/web/src/features/auth/sign-in.ts"]
    sign_out = files["apps/web/src/features/auth/sign-out.ts"]
    assert "onSuccess: () => {\n      intercomLogout();\n      utils.user.me.invalidate();" in sign_out
    assert sign_out.count("intercomLogout();") == 1  # not in the signOut() helper nothing imports


def test_next_app_with_its_own_auth_keeps_its_route_beside_the_api(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    """Auth.js in the Next.js app: Next.js has the session, so its own route handler signs the tokens."""
    files = FILES | {
        "apps/web/src/auth.ts": "import NextAuth from 'next-auth';\n\nexport const { auth, handlers } = NextAuth({ providers: [] });\n",
    }
    root = _monorepo(tmp_path / "repo", files)
    result = install_quietly(cli, root)
    assert result.exit_code == 4, result.stdout + result.stderr  # Auth.js' session lacks the id: a manual step
    assert (root / "apps/web/src/app/api/intercom-jwt/route.ts").is_file()
    assert "no Next.js route handler was added" not in " ".join((result.stdout + result.stderr).split())


def test_next_app_whose_client_sends_no_credentials_keeps_its_route(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    """No evidence that the session lives on the API (its client sends no credentials): the route handler
    with the fail-closed adapter, as before, and the step that names it."""
    files = dict(FILES)
    files["apps/web/src/lib/api.ts"] = files["apps/web/src/lib/api.ts"].replace(", credentials: 'include'", "")
    files["apps/web/src/trpc/client.tsx"] = files["apps/web/src/trpc/client.tsx"].replace("{ ...options, credentials: 'include' }", "options")
    root = _monorepo(tmp_path / "repo", files)
    result = install_quietly(cli, root)
    assert result.exit_code == 4, result.stdout + result.stderr
    assert (root / "apps/web/src/app/api/intercom-jwt/route.ts").is_file()
    assert "getSignedInUser()" in " ".join((result.stdout + result.stderr).split())
