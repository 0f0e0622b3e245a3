'use client';

/*
 * The Intercom Messenger for the App Router, added by intercom-wizard: rendered once from the
 * root layout, it starts the Messenger in the browser and reports client-side navigation.
 */
import { usePathname } from 'next/navigation';
import { Suspense, useEffect } from 'react';

import { intercomPageChanged, startIntercomMessenger } from '__IW_CORE_IMPORT__';

function PageChanges(): null {
  const pathname = usePathname();
  useEffect(() => {
    intercomPageChanged(); // does nothing until the Messenger has booted
  }, [pathname]);
  return null;
}

export default function IntercomMessenger() {
  useEffect(() => {
    startIntercomMessenger();
  }, []);
  // usePathname() may suspend while a route with unknown params prerenders: keep that local.
  return (
    <Suspense fallback={null}>
      <PageChanges />
    </Suspense>
  );
}
