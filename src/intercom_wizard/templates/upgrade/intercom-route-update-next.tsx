'use client';

/*
 * Added by intercom-wizard (install --upgrade): tells the Messenger about each client-side route
 * change, as Intercom asks of single-page apps (`update` looks for new messages and keeps the page
 * the visitor is on current). Rendered once in the root layout.
 */
import { useEffect, useRef } from 'react';
import { usePathname } from 'next/navigation';
import { update } from '@intercom/messenger-js-sdk';

export function IntercomRouteUpdate() {
  const pathname = usePathname();
  const shown = useRef(pathname);

  useEffect(() => {
    if (pathname === shown.current) {
      return; // the first render is no route change
    }
    shown.current = pathname;
    update({});
  }, [pathname]);

  return null;
}
