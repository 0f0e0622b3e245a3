/*
 * Starts the Intercom Messenger once the app has mounted; added by intercom-wizard.
 * Render <IntercomMessenger /> once, near the root of the app. It renders nothing.
 */
import { useEffect } from 'react';
import { startIntercomMessenger } from '__IW_CORE_IMPORT__';

export function IntercomMessenger() {
  useEffect(() => {
    // Starting is idempotent, so StrictMode's second effect run in development is harmless.
    startIntercomMessenger();
  }, []);

  return null;
}
