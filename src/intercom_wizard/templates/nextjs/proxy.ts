/*
 * Content Security Policy with a fresh nonce for every request, added by intercom-wizard.
 *
 * Next.js reads the nonce from the request's Content-Security-Policy header while it renders and
 * puts it on its own scripts; 'strict-dynamic' extends that trust to the scripts they add, which
 * is how the Intercom Messenger (loaded by @intercom/messenger-js-sdk from the app's bundle) runs.
 * __IW_RENDERING__
 */
import { NextResponse, type NextRequest } from 'next/server';

// Every directive but script-src is the same for all requests. Intercom's sources are those of a
// __IW_REGION__-hosted workspace, from __IW_HELP_URL__
const DIRECTIVES: Record<string, string[]> = {
__IW_DIRECTIVES__
};

function contentSecurityPolicy(nonce: string): string {
  const scriptSrc = ["'self'", `'nonce-${nonce}'`, "'strict-dynamic'"];
  if (process.env.NODE_ENV === 'development') {
    // React rebuilds server error stacks with eval, in development only.
    scriptSrc.push("'unsafe-eval'");
  }
  return Object.entries({ ...DIRECTIVES, 'script-src': scriptSrc })
    .map(([directive, sources]) => [directive, ...sources].join(' '))
    .join('; ');
}

export function __IW_FUNCTION__(request: NextRequest): NextResponse {
  const nonce = Buffer.from(crypto.randomUUID()).toString('base64');
  const policy = contentSecurityPolicy(nonce);
  // Next.js finds the nonce in the request's policy; x-nonce hands it to the app's own code.
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set('x-nonce', nonce);
  requestHeaders.set('Content-Security-Policy', policy);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set('Content-Security-Policy', policy);
  return response;
}

export const config = {
  matcher: [
    // Documents only: a policy means nothing on API answers, static files, optimized images or
    // the favicon, nor on <Link> prefetches, which fetch route data rather than HTML.
    {
      source: '/((?!api|_next/static|_next/image|favicon.ico).*)',
      missing: [
        { type: 'header', key: 'next-router-prefetch' },
        { type: 'header', key: 'purpose', value: 'prefetch' },
      ],
    },
  ],
};
