/*
 * The Intercom Messenger as a Vue plugin, added by intercom-wizard.
 *
 * Installed in the app's entry with `app.use(intercomMessenger, { router })` (or
 * after the app's own plugins installed its router): it starts the Messenger in the
 * browser (never during server-side rendering) and tells it about every client-side
 * navigation of the router. The sign-in and
 * sign-out hooks, intercomLogin() and intercomLogout(), are in __IW_CORE_IMPORT__.
 */
import type { App } from 'vue';
import type { Router } from 'vue-router';

import { intercomPageChanged, startIntercomMessenger } from '__IW_CORE_IMPORT__';

export interface IntercomMessengerOptions {
  /** The app's router: each completed navigation is reported to the Messenger. */
  router?: Router;
}

export const intercomMessenger = {
  install(app: App, options: IntercomMessengerOptions = {}): void {
    // Without the option: the router the app installed before this plugin (in a plugins function
    // of its own, as Vuetify's template does), which vue-router puts on the app as $router.
    const router: Router | undefined = options.router ?? app.config.globalProperties.$router;
    router?.afterEach((_to, _from, failure) => {
      if (!failure) {
        intercomPageChanged();
      }
    });
    startIntercomMessenger();
  },
};
