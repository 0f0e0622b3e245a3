/*
 * Intercom identity verification: a short-lived JWT for the signed-in user.
 *
 * Added by intercom-wizard. The Messenger fetches this token and boots with it, so Intercom
 * can trust who the user is. The signing secret is read from INTERCOM_IDENTITY_SECRET (set it in
 * .env.local or the host's environment; never as a NEXT_PUBLIC_ variable) and never leaves the
 * server. Signed with jose.
 */
import type { NextApiRequest, NextApiResponse } from 'next';
import { SignJWT } from 'jose';
// iw:if auth=nextauth
import { getServerSession } from 'next-auth/next';
import { authOptions } from '__IW_AUTH_MODULE__';
// iw:end
// iw:if auth=nextauth-token
import { getToken } from 'next-auth/jwt';
// iw:end
// iw:if auth=clerk
import { getAuth } from '@clerk/nextjs/server';
// iw:end

const TOKEN_LIFETIME_SECONDS = 2 * 60 * 60;

// iw:if key=webcrypto
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
// iw:end
// iw:if key=bytes
// The secret's bytes, read on first use, when the environment is complete. Next.js 11 runs API
// routes on Node.js 12.22 and newer, where there is no global Web Crypto: jose 4 signs with the
// bytes through node:crypto.
let signingKey: Uint8Array | null = null;

function identitySigningKey(): Uint8Array | null {
  if (signingKey === null) {
    const secret = process.env.INTERCOM_IDENTITY_SECRET;
    if (!secret) {
      return null;
    }
    signingKey = new TextEncoder().encode(secret);
  }
  return signingKey;
}
// iw:end

type IntercomUser = {
  id: string | number;
  email?: string | null;
  name?: string | null;
};

// getSignedInUser(req, res): the signed-in user of an API request, or null. Like a NextApiHandler it is
// given the request and the response, and takes what its session lookup reads of them.
type SignedInUserLookup = (
  req: NextApiRequest,
  res: NextApiResponse,
) => Promise<IntercomUser | null>;

// iw:if auth=nextauth
const getSignedInUser: SignedInUserLookup = async (req, res) => {
  const session = await getServerSession(req, res, authOptions);
  const user = session?.user;
  const id = user && 'id' in user && user.id ? String(user.id) : null;
  return user && id ? { id, email: user.email, name: user.name } : null;
};
// iw:end
// iw:if auth=nextauth-token
// NextAuth is configured inline (no authOptions to pass to getServerSession): read the session's JWT
// from the request's cookie with the secret NextAuth signs it with. NextAuth put the user's id in `sub`.
const getSignedInUser: SignedInUserLookup = async (req) => {
  const token = await getToken({ req, secret: __IW_NEXTAUTH_SECRET__ });
  const id = token?.sub;
  return token && id ? { id, email: token.email, name: token.name } : null;
};
// iw:end
// iw:if auth=clerk
const getSignedInUser: SignedInUserLookup = async (req) => {
  const { userId } = getAuth(req);
  return userId ? { id: userId } : null;
};
// iw:end
// iw:if auth=none
// Fail-closed adapter: no authentication was recognised in this app, so nobody counts as signed in
// and this answers 401 for everyone. Return the signed-in user ({ id, email, name }) from your
// session here, with the user's primary key as id: never a flag, a literal or a name. It is called
// with (req, res): read the session cookie from req.cookies, or give both to your session library.
const getSignedInUser: SignedInUserLookup = async () => null;
// iw:end

export default async function handler(
  req: NextApiRequest,
  res: NextApiResponse,
): Promise<void> {
  res.setHeader('Cache-Control', 'no-store');
  if (req.method !== 'GET') {
    res.setHeader('Allow', 'GET');
    res.status(405).json({ error: 'Method not allowed' });
    return;
  }
  const user = await getSignedInUser(req, res);
  if (!user || user.id == null || user.id === '') {
    res.status(401).json({ error: 'Not signed in' });
    return;
  }
  const key = identitySigningKey();
  if (!key) {
    console.error(
      'INTERCOM_IDENTITY_SECRET is not set: cannot sign Intercom identity tokens',
    );
    res.status(500).json({ error: 'Identity verification is not configured' });
    return;
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
    .sign(__IW_SIGNING_KEY__);
  res.status(200).json({ token });
}
