import { __IW_CORE_IMPORTS__ } from '@angular/core';
import { isPlatformBrowser } from '@angular/common';
__IW_ROUTER_IMPORTS__

import { __IW_MESSENGER_IMPORTS__ } from '__IW_CORE_MODULE__';

/**
 * The Intercom Messenger, added by intercom-wizard. Started once by the app initializer, in the
 * browser only (server-side rendering skips it), told about every completed navigation, and
 * signed in or out together with the app's own session.
 */
@Injectable({ providedIn: 'root' })
export class IntercomMessengerService {
  private readonly platformId = inject(PLATFORM_ID);
  __IW_FIELDS__
  private started = false;

  /** Loads the Messenger and boots it as the signed-in user, or anonymously. */
  start(): void {
    if (!isPlatformBrowser(this.platformId) || this.started) {
      return;
    }
    this.started = true;
    __IW_START__
    __IW_ROUTER_SUBSCRIPTION__
  }

  /** Call after the app has signed a user in. */
  login(): Promise<void> {
    return intercomLogin();
  }

  /** Call before the app clears its session on sign-out. */
  logout(): void {
    intercomLogout();
  }
}
