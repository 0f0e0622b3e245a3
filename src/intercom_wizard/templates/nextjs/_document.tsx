import { Head, Html, Main, NextScript } from 'next/document';
import type { DocumentProps } from 'next/document';

// Next.js hands the Document the nonce of the request's Content-Security-Policy: pass it on to the
// tags Next.js renders, as its built-in Document does.
export default function Document({ nonce }: DocumentProps) {
  return (
    <Html>
      <Head nonce={nonce} />
      <body>
        <Main />
        <NextScript nonce={nonce} />
      </body>
    </Html>
  );
}
