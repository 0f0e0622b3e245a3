/*
 * Intercom identity verification: a short-lived JWT for the signed-in user.
 *
 * Added by intercom-wizard. The Messenger fetches this token and boots with it, so Intercom
 * can trust who the user is. The signing secret is read from INTERCOM_IDENTITY_SECRET (set it in
 * .env.local or the host's environment; never as a NEXT_PUBLIC_ variable) and never leaves the
 * server. Signed with jose, which runs in both the Node.js and the Edge runtime.
 */
import { SignJWT } from 'jose';
__IW_NEXT_SERVER_IMPORT__
// iw:if auth=authjs
import { auth } from '__IW_AUTH_MODULE__';
// iw:end
// iw:if auth=nextauth
import { getServerSession } from 'next-auth';
import { authOptions } from '__IW_AUTH_MODULE__';
// iw:end
// iw:if auth=nextauth-token
import type { NextRequest } from 'next/server';
import { getToken } from 'next-auth/jwt';
// iw:end
// iw:if auth=clerk
import { currentUser } from '@clerk/nextjs/server';
// iw:end
// iw:if auth=session
import { getSession } from '__IW_AUTH_MODULE__';
// iw:end

const TOKEN_LIFETIME_SECONDS = 2 * 60 * 60;
const NO_STORE = { 'Cache-Control': 'no-store' };

// The signing key, imported once from the secret: given the secret's bytes, jose imports a new key
// on every call (about half of each token's cost). Imported on first use, when the environment is
// complete. Web Crypto, so it works in both the Node.js and the Edge runtime.
let signingKey: Promise<CryptoKey> | null = null;

function identitySigningKey(): Promise<CryptoKey> | null {
  if (signingKey === null) {
    const secret = process.env.INTERCOM_IDENTITY_SECRET;
    if (!secret) {
      return null;
    }
    signingKey = crypto.subtle.importKey(
      'raw',
      new TextEncoder().encode(secret),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign'],
    );
  }
  return signingKey;
}
// iw:if request=segment

// The token is per user and per request: never prerender or cache this route.
export const dynamic = 'force-dynamic';
// iw:end

type IntercomUser = {
  id: string | number;
  email?: string | null;
  name?: string | null;
};

// iw:if auth=authjs|nextauth
async function getSignedInUser(): Promise<IntercomUser | null> {
// iw:end
// iw:if auth=authjs
  const session = await auth();
// iw:end
// iw:if auth=nextauth
  const session = await getServerSession(authOptions);
// iw:end
// iw:if auth=authjs|nextauth
  const user = session?.user;
  const id = user && 'id' in user && user.id ? String(user.id) : null;
  return user && id ? { id, email: user.email, name: user.name } : null;
}
// iw:end
// iw:if auth=nextauth-token
// NextAuth is configured inline (no authOptions to pass to getServerSession): read the session's JWT
// from the request's cookie with the secret NextAuth signs it with. NextAuth put the user's id in `sub`.
async function getSignedInUser(
  request: NextRequest,
): Promise<IntercomUser | null> {
  const token = await getToken({
    req: request,
    secret: __IW_NEXTAUTH_SECRET__,
  });
  const id = token?.sub;
  return token && id ? { id, email: token.email, name: token.name } : null;
}
// iw:end
// iw:if auth=clerk
async function getSignedInUser(): Promise<IntercomUser | null> {
  const user = await currentUser();
  if (!user) {
    return null;
  }
  const email = user.primaryEmailAddress?.emailAddress;
  return { id: user.id, email, name: user.fullName };
}
// iw:end
// iw:if auth=session
async function getSignedInUser(): Promise<IntercomUser | null> {
  const session = await getSession();
  return session?.user ?? null;
}
// iw:end
// iw:if auth=none
// Fail-closed adapter: no authentication was recognised in this app, so nobody counts as signed in
// and this answers 401 for everyone. Return the signed-in user ({ id, email, name }) from your
// session here, with the user's primary key as id: never a flag, a literal or a name. A route
// handler reads the request's cookies with `await cookies()` from next/headers.
async function getSignedInUser(): Promise<IntercomUser | null> {
  return null;
}
// iw:end

// iw:if auth=nextauth-token
export async function GET(request: NextRequest): Promise<Response> {
// iw:end
// iw:if auth=authjs|nextauth|clerk|session|none
export async function GET(): Promise<Response> {
// iw:end
  // iw:if request=connection
  await connection(); // per user and per request: never prerendered
  // iw:end
  // iw:if auth=nextauth-token
  const user = await getSignedInUser(request);
  // iw:end
  // iw:if auth=authjs|nextauth|clerk|session|none
  const user = await getSignedInUser();
  // iw:end
  if (!user || user.id == null || user.id === '') {
    return __IW_RESPONSE__.json(
      { error: 'Not signed in' },
      { status: 401, headers: NO_STORE },
    );
  }
  const key = identitySigningKey();
  if (!key) {
    console.error(
      'INTERCOM_IDENTITY_SECRET is not set: cannot sign Intercom identity tokens',
    );
    return __IW_RESPONSE__.json(
      { error: 'Identity verification is not configured' },
      { status: 500, headers: NO_STORE },
    );
  }
  const now = Math.floor(Date.now() / 1000);
  const token = await new SignJWT({
    user_id: String(user.id),
    email: user.email || undefined,
    name: user.name || undefined,
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuedAt(now)
    .setExpirationTime(now + TOKEN_LIFETIME_SECONDS)
    .sign(await key);
  return __IW_RESPONSE__.json({ token }, { headers: NO_STORE });
}
