import { __IW_CORE_IMPORTS__ } from '@angular/core';
import { isPlatformBrowser } from '@angular/common';
// iw:if router=plain|teardown|constructor
import { NavigationEnd, Router } from '@angular/router';
// iw:end
// iw:if router=teardown
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
// iw:end
// iw:if router=plain|teardown|constructor
import { filter } from '__IW_RXJS_OPERATORS__';
// iw:end

import { __IW_MESSENGER_IMPORTS__ } from '__IW_CORE_MODULE__';

/**
 * The Intercom Messenger, added by intercom-wizard. Started once by the app initializer, in the
 * browser only (server-side rendering skips it), told about every completed navigation, and
 * signed in or out together with the app's own session.
 */
@Injectable({ providedIn: 'root' })
export class IntercomMessengerService {
  // iw:if injection=function
  private readonly platformId = inject(PLATFORM_ID);
  // iw:end
  // iw:if zone=function
  private readonly zone = inject(NgZone);
  // iw:end
  // iw:if router=plain|teardown
  private readonly router = inject(Router);
  // iw:end
  // iw:if router=teardown
  private readonly destroyRef = inject(DestroyRef);
  // iw:end
  private started = false;
  // iw:if injection=constructor

  constructor(
    @Inject(PLATFORM_ID) private readonly platformId: object,
  // iw:end
  // iw:if zone=constructor
    private readonly zone: NgZone,
  // iw:end
  // iw:if router=constructor
    private readonly router: Router,
  // iw:end
  // iw:if injection=constructor
  ) {}
  // iw:end

  /** Loads the Messenger and boots it as the signed-in user, or anonymously. */
  start(): void {
    if (!isPlatformBrowser(this.platformId) || this.started) {
      return;
    }
    this.started = true;
    // iw:if zone=function|constructor
    // The widget's timers and listeners need no change detection.
    this.zone.runOutsideAngular(() => startIntercomMessenger());
    // iw:end
    // iw:if zone=no
    startIntercomMessenger();
    // iw:end
    // iw:if router=plain|teardown|constructor
    this.router.events
      .pipe(
        filter((event) => event instanceof NavigationEnd),
    // iw:end
    // iw:if router=teardown
        takeUntilDestroyed(this.destroyRef),
    // iw:end
    // iw:if router=plain|teardown|constructor
      )
      .subscribe(() => intercomPageChanged());
    // iw:end
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
