/*
 * Starts the intercom-messenger service (added by intercom-wizard) when the
 * app boots in a browser. Under FastBoot there is no page to show it on.
 */
import type ApplicationInstance from '@ember/application/instance';

declare const FastBoot: unknown;

export function initialize(appInstance: ApplicationInstance): void {
  if (typeof FastBoot === 'undefined') {
    appInstance.lookup('service:intercom-messenger').start();
  }
}

export default {
  initialize,
};
