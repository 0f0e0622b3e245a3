/*
 * The Intercom Messenger as a Vue 2 plugin, added by intercom-wizard.
 *
 * Installed in the app's entry with `Vue.use(intercomMessenger)` before
 * `new Vue(...)`: it starts the Messenger in the browser (never during
 * server-side rendering). The sign-in and sign-out hooks, intercomLogin() and
 * intercomLogout(), are in __IW_CORE_IMPORT__.
 */
import type { PluginObject } from 'vue';

import { startIntercomMessenger } from '__IW_CORE_IMPORT__';

export const intercomMessenger: PluginObject<never> = {
  install() {
    startIntercomMessenger();
  },
};
