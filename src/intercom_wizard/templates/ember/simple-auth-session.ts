/*
 * The app's session service: ember-simple-auth's own, extended as its
 * documentation describes, so the Intercom Messenger follows the session.
 * Added by intercom-wizard: after authentication the Messenger boots as the
 * signed-in user; before invalidation it ends that user's Messenger session.
 */
import SessionService from 'ember-simple-auth/services/session';
import { intercomLogin, intercomLogout } from '__IW_CORE_MODULE__';

export default class AppSessionService extends SessionService {
  handleAuthentication(routeAfterAuthentication: string): void {
    super.handleAuthentication(routeAfterAuthentication);
    void intercomLogin();
  }

  handleInvalidation(routeAfterInvalidation: string): void {
    intercomLogout();
    super.handleInvalidation(routeAfterInvalidation);
  }
}
