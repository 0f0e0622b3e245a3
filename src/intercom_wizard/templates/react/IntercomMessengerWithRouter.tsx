/*
 * Starts the Intercom Messenger once the app has mounted and tells it about client-side
 * navigation; added by intercom-wizard. React Router before 5.1 has no useLocation(), so
 * withRouter() hands the location in. Render <IntercomMessenger /> once, inside the router.
 * It renders nothing.
 */
import { useEffect } from 'react';
import { withRouter } from '__IW_ROUTER_PACKAGE__';
import type { RouteComponentProps } from '__IW_ROUTER_PACKAGE__';
import { intercomPageChanged, startIntercomMessenger } from '__IW_CORE_IMPORT__';

function IntercomMessengerOnRoutes({ location }: RouteComponentProps) {
  useEffect(() => {
    // Starting is idempotent, so StrictMode's second effect run in development is harmless.
    startIntercomMessenger();
  }, []);

  useEffect(() => {
    intercomPageChanged();
  }, [location]);

  return null;
}

export const IntercomMessenger = withRouter(IntercomMessengerOnRoutes);
