/*
 * The Intercom Messenger for the Pages Router, added by intercom-wizard: call
 * useIntercomMessenger() from pages/_app to start the Messenger in the browser and report
 * client-side navigation.
 */
import { useRouter } from 'next/router';
import { useEffect } from 'react';

import { intercomPageChanged, startIntercomMessenger } from '__IW_CORE_IMPORT__';

export function useIntercomMessenger(): void {
  const router = useRouter();
  useEffect(() => {
    startIntercomMessenger();
    router.events.on('routeChangeComplete', intercomPageChanged);
    return () => {
      router.events.off('routeChangeComplete', intercomPageChanged);
    };
  }, [router.events]);
}
