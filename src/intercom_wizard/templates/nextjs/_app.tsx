/*
 * The custom App, added by intercom-wizard because the app had none: it renders each page as Next.js's
 * built-in App does, and starts the Intercom Messenger first. `intercom-wizard uninstall` deletes it.
 */
import type { AppProps } from 'next/app';

import { useIntercomMessenger } from '__IW_HOOK_IMPORT__';

export default function App({ Component, pageProps }: AppProps) {
  useIntercomMessenger();
  return <Component {...pageProps} />;
}
