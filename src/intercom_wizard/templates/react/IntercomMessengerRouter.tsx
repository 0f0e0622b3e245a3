/*
 * Starts the Intercom Messenger once the app has mounted and tells it about client-side
 * navigation; added by intercom-wizard. Render <IntercomMessenger /> once, inside the router
 * (it reads the current location). It renders nothing.
 */
import { useEffect } from 'react';
import { useLocation } from '__IW_ROUTER_PACKAGE__';
import { intercomPageChanged, startIntercomMessenger } from '__IW_CORE_IMPORT__';

export function IntercomMessenger() {
  const location = useLocation();

  useEffect(() => {
    // Starting is idempotent, so StrictMode's second effect run in development is harmless.
    startIntercomMessenger();
  }, []);

  useEffect(() => {
    intercomPageChanged();
  }, [location]);

  return null;
}
