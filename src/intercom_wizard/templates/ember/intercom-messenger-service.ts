/*
 * The Intercom Messenger as an Ember service, added by intercom-wizard.
 *
 * The intercom-messenger instance-initializer starts it in the browser; from
 * then on it tells the Messenger about every route change. Call `login()`
 * after your app signs a user in and `logout()` before it clears the session.
 */
// iw:if decorator=service
import Service, { service } from '@ember/service';
// iw:end
// iw:if decorator=inject
import Service, { inject as service } from '@ember/service';
// iw:end
import type RouterService from '@ember/routing/router-service';
import {
  intercomLogin,
  intercomLogout,
  intercomPageChanged,
  startIntercomMessenger,
} from '__IW_CORE_MODULE__';

export default class IntercomMessengerService extends Service {
  @service declare router: RouterService;

  #started = false;

  /** Loads and boots the Messenger once; later calls do nothing. */
  start(): void {
    if (this.#started) {
      return;
    }
    this.#started = true;
    this.router.on('routeDidChange', this.#routeDidChange);
    startIntercomMessenger();
  }

  /** After the app signed a user in: boot the Messenger as that user. */
  login(): Promise<void> {
    return intercomLogin();
  }

  /** Before the app clears its session: end the user's Messenger session. */
  logout(): void {
    intercomLogout();
  }

  willDestroy(): void {
    super.willDestroy();
    if (this.#started) {
      this.router.off('routeDidChange', this.#routeDidChange);
    }
  }

  #routeDidChange = (): void => {
    intercomPageChanged();
  };
}

declare module '@ember/service' {
  interface Registry {
    'intercom-messenger': IntercomMessengerService;
  }
}
