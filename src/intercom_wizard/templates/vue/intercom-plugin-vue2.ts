/*
 * The Intercom Messenger as a Vue 2 plugin, added by intercom-wizard.
 *
 * Installed in the app's entry with `Vue.use(intercomMessenger, { router })`
 * before `new Vue({ router, ... })`: it starts the Messenger in the browser
 * (never during server-side rendering) and tells it about every completed
 * navigation of the router (vue-router 3 runs `afterEach` hooks for confirmed
 * navigations only). The sign-in and sign-out hooks, intercomLogin() and
 * intercomLogout(), are in __IW_CORE_IMPORT__.
 */
import type { PluginObject } from 'vue';
import type VueRouter from 'vue-router';

import { intercomPageChanged, startIntercomMessenger } from '__IW_CORE_IMPORT__';

export interface IntercomMessengerOptions {
  /** The app's router: each completed navigation is reported to the Messenger. */
  router?: VueRouter;
}

export const intercomMessenger: PluginObject<IntercomMessengerOptions> = {
  install(_Vue, options) {
    if (options && options.router) {
      options.router.afterEach(() => {
        intercomPageChanged();
      });
    }
    startIntercomMessenger();
  },
};
