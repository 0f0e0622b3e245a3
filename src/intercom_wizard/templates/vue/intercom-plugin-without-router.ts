/*
 * The Intercom Messenger as a Vue plugin, added by intercom-wizard.
 *
 * Installed in the app's entry with `app.use(intercomMessenger)`: it starts the
 * Messenger in the browser (never during server-side rendering). The sign-in and
 * sign-out hooks, intercomLogin() and intercomLogout(), are in __IW_CORE_IMPORT__.
 * If the app adopts vue-router, call intercomPageChanged() from router.afterEach.
 */
import { startIntercomMessenger } from '__IW_CORE_IMPORT__';

export const intercomMessenger = {
  install(): void {
    startIntercomMessenger();
  },
};
