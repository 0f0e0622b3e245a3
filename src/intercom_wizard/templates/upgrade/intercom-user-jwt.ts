/*
 * The Intercom identity token for the Messenger library your app already uses, added by
 * intercom-wizard (install --upgrade). Your boot calls pass it as the library's JWT property
 * (react-use-intercom's `intercomUserJwt`, the SDK's `intercom_user_jwt`): Intercom then trusts
 * who the user is from a token the server signed, and the user's id, email and name no longer
 * come from the page. Before the token expires a fresh one is handed to the Messenger.
 */
const TOKEN_URL = '__IW_TOKEN_URL__';
const RETRY_DELAYS_MS = [1000, 3000, 10000];
const REFRESH_BEFORE_EXPIRY_MS = 5 * 60 * 1000;
const MIN_REFRESH_DELAY_MS = 30 * 1000;

type IntercomCommand = (
  command: 'update',
  settings: { intercom_user_jwt: string },
) => void;

let refreshTimer: ReturnType<typeof setTimeout> | undefined;

// Resolves with the signed-in user's JWT, or undefined when nobody is signed in (the Messenger then
// boots the visitor as a lead); rejects when the endpoint keeps failing, so no boot happens with a
// token the app does not have.
export async function fetchIntercomUserJwt(): Promise<string | undefined> {
  const token = await withRetry(requestToken);
  scheduleRefresh(token);
  return token;
}

async function requestToken(): Promise<string | undefined> {
  const headers = { Accept: 'application/json' };
  // method too: pages that patch fetch (fake back ends) read opts.method.
  const request: RequestInit = {
    method: 'GET',
    credentials: 'include',
    headers,
  };
  const response = await fetch(TOKEN_URL, request);
  if (response.status === 401 || response.status === 403) {
    return undefined;
  }
  if (!response.ok) {
    throw new Error(
      `Intercom token endpoint ${TOKEN_URL} answered HTTP ${response.status}`,
    );
  }
  const body = (await response.json()) as { token?: unknown } | null;
  if (!body || typeof body.token !== 'string' || !body.token) {
    throw new Error(
      `Intercom token endpoint ${TOKEN_URL} answered without a token`,
    );
  }
  return body.token;
}

async function withRetry<T>(attempt: () => Promise<T>): Promise<T> {
  for (let tries = 0; ; tries += 1) {
    try {
      return await attempt();
    } catch (error) {
      const wait = RETRY_DELAYS_MS[tries];
      if (wait === undefined) {
        throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}

// One timer for the whole app: a new sign-in replaces the previous user's refresh, and a refresh
// that finds nobody signed in (401) stops without touching the Messenger.
function scheduleRefresh(token: string | undefined): void {
  if (refreshTimer !== undefined) {
    clearTimeout(refreshTimer);
    refreshTimer = undefined;
  }
  if (token === undefined) {
    return;
  }
  const payload = token.split('.')[1] ?? '';
  const base64 = payload.replace(/-/g, '+').replace(/_/g, '/');
  const padding = '==='.slice((base64.length + 3) % 4);
  const claims = JSON.parse(window.atob(base64 + padding)) as { exp: number };
  const refreshIn = claims.exp * 1000 - Date.now() - REFRESH_BEFORE_EXPIRY_MS;
  const wait = Math.max(refreshIn, MIN_REFRESH_DELAY_MS);
  refreshTimer = setTimeout(() => {
    void fetchIntercomUserJwt().then((fresh) => {
      const page = window as unknown as { Intercom?: IntercomCommand };
      const intercom = page.Intercom;
      if (fresh !== undefined && intercom) {
        intercom('update', { intercom_user_jwt: fresh });
      }
    });
  }, wait);
}
