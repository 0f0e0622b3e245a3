/*
 * The Intercom Messenger as an Ember service, added by intercom-wizard. A
 * classic class: Ember before 3.10 has no decorators to inject a service into a
 * native class with.
 *
 * The intercom-messenger instance-initializer starts it in the browser; from
 * then on it tells the Messenger about every route change. Call `login()`
 * after your app signs a user in and `logout()` before it clears the session.
 */
import Service, { inject as service } from '@ember/service';
import {
  intercomLogin,
  intercomLogout,
  intercomPageChanged,
  startIntercomMessenger,
} from '__IW_CORE_MODULE__';

export default Service.extend({
  router: service(),

  started: false,

  /** Loads and boots the Messenger once; later calls do nothing. */
  start() {
    if (this.started) {
      return;
    }
    this.set('started', true);
    this.router.on('routeDidChange', this, this.routeDidChange);
    startIntercomMessenger();
  },

  /** After the app signed a user in: boot the Messenger as that user. */
  login() {
    return intercomLogin();
  },

  /** Before the app clears its session: end the user's Messenger session. */
  logout() {
    intercomLogout();
  },

  routeDidChange() {
    intercomPageChanged();
  },

  willDestroy() {
    this._super(...arguments);
    if (this.started) {
      this.router.off('routeDidChange', this, this.routeDidChange);
    }
  },
});
