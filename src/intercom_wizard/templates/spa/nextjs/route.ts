/*
 * Intercom identity verification: a short-lived JWT for the signed-in user.
 *
 * Added by intercom-wizard. The Messenger fetches this token and boots with it, so Intercom
 * can trust who the user is. The signing secret is read from INTERCOM_IDENTITY_SECRET (set it in
 * .env.local or the host's environment; never as a NEXT_PUBLIC_ variable) and never leaves the
 * server. Signed with jose, which runs in both the Node.js and the Edge runtime.
 */
import { SignJWT } from 'jose';
__IW_IMPORTS__

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
    signingKey = crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  }
  return signingKey;
}
__IW_SEGMENT_CONFIG__

type IntercomUser = { id: string | number; email?: string | null; name?: string | null };

__IW_USER_LOOKUP__

export async function GET(): Promise<Response> {
  __IW_REQUEST_TIME__
  const user = await getSignedInUser();
  if (!user || user.id == null || user.id === '') {
    return Response.json({ error: 'Not signed in' }, { status: 401, headers: NO_STORE });
  }
  const key = identitySigningKey();
  if (!key) {
    console.error('INTERCOM_IDENTITY_SECRET is not set: cannot sign Intercom identity tokens');
    return Response.json({ error: 'Identity verification is not configured' }, { status: 500, headers: NO_STORE });
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
  return Response.json({ token }, { headers: NO_STORE });
}
