/*
 * Added by intercom-wizard (install --upgrade): tells the Messenger about each client-side route
 * change, as Intercom asks of single-page apps (`update` looks for new messages and keeps the page
 * the visitor is on current). Rendered inside your router and your IntercomProvider.
 */
import { useEffect, useRef } from 'react';
import { useLocation } from '__IW_ROUTER_PACKAGE__';
import { useIntercom } from 'react-use-intercom';

export function IntercomRouteUpdate() {
  const location = useLocation();
  const { update } = useIntercom();
  const shown = useRef(location.pathname + location.search);

  useEffect(() => {
    const path = location.pathname + location.search;
    if (path === shown.current) {
      return; // the first render is no route change
    }
    shown.current = path;
    update();
  }, [location.pathname, location.search, update]);

  return null;
}
