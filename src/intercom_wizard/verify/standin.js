/*
 * Offline Intercom Messenger stand-in, served by `intercom-wizard verify` in place of
 * https://widget.intercom.io/widget/<app id>.
 *
 * It behaves like the real widget as far as the page can tell, so that a page's Messenger code
 * can be proven without reaching Intercom:
 * - on load it takes over the calls queued on the loader stub (window.Intercom.q), then replaces
 *   window.Intercom with the command API (boot, update, shutdown, show, hide, showNewMessage,
 *   trackEvent, getVisitorId, onShow, onHide, onUnreadCountChange, onUserEmailSupplied, reattach_activator);
 * - with no boot queued, it boots from window.intercomSettings, as the widget does;
 * - on boot and update it POSTs a ping to api_base (default https://api-iam.intercom.io) with
 *   app_id and the user data, including intercom_user_jwt, like the real widget; the verifier
 *   answers those pings as enforced identity verification would;
 * - it keeps a visitor id and, for an identified boot, a session in first-party cookies until
 *   shutdown, like the widget's intercom-id-* and intercom-session-* cookies: a page that never
 *   calls shutdown on sign-out carries the previous user's session into the anonymous boot;
 * - it draws a launcher only after a ping was accepted, as the real Messenger does.
 * Every call is kept on window.__intercomStandIn.calls (command, settings, time).
 */
(function () {
  'use strict';

  var DEFAULT_API_BASE = 'https://api-iam.intercom.io';
  var REGION_API_BASES = { us: DEFAULT_API_BASE, eu: 'https://api-iam.eu.intercom.io', ap: 'https://api-iam.au.intercom.io', au: 'https://api-iam.au.intercom.io' };

  if (window.__intercomStandIn) {
    // A second loader ran: the real widget would load twice too. Keep the first instance.
    window.__intercomStandIn.loads += 1;
    window.__intercomStandIn.warnings.push('the Messenger script was loaded more than once on this page');
    return;
  }

  var script = document.currentScript;
  var scriptAppId = script && script.src ? script.src.split('/widget/')[1] || null : null;
  var state = {
    loads: 1,
    appId: scriptAppId,
    calls: [],
    pings: [],
    warnings: [],
    pending: 0,
    ready: false,
    booted: false,
    settings: null,
    launcherVisible: false,
    messengerOpen: false,
    draft: null,
    unreadCount: 0,
  };
  window.__intercomStandIn = state;
  var handlers = { show: [], hide: [], unread: [] };

  function cookieName(kind, appId) {
    return 'intercom-' + kind + '-' + appId;
  }

  function readCookie(name) {
    var prefix = name + '=';
    var parts = document.cookie ? document.cookie.split('; ') : [];
    for (var i = 0; i < parts.length; i++) {
      if (parts[i].indexOf(prefix) === 0) {
        return decodeURIComponent(parts[i].slice(prefix.length));
      }
    }
    return null;
  }

  function writeCookie(name, value) {
    var expiry = value === null ? 'Thu, 01 Jan 1970 00:00:00 GMT' : new Date(Date.now() + 270 * 864e5).toUTCString();
    document.cookie = name + '=' + encodeURIComponent(value || '') + '; path=/; expires=' + expiry + '; SameSite=Lax';
  }

  function visitorId(appId) {
    var name = cookieName('id', appId);
    var id = readCookie(name);
    if (!id) {
      id = 'standin-' + Math.random().toString(36).slice(2) + Date.now().toString(36);
      writeCookie(name, id);
    }
    return id;
  }

  // A JSON-safe copy that keeps track of keys whose value is undefined (lost by JSON otherwise).
  function describe(value) {
    var undefinedKeys = [];
    var copy = value;
    if (value && typeof value === 'object') {
      copy = {};
      Object.keys(value).forEach(function (key) {
        if (value[key] === undefined) {
          undefinedKeys.push(key);
        } else if (typeof value[key] === 'function') {
          copy[key] = '[function]';
        } else {
          copy[key] = value[key];
        }
      });
    } else if (typeof value === 'function') {
      copy = '[function]';
    }
    return { value: copy === undefined ? null : copy, undefinedKeys: undefinedKeys };
  }

  function record(command, args, note) {
    var first = describe(args[0]);
    var entry = {
      command: command,
      settings: first.value,
      undefinedKeys: first.undefinedKeys,
      time: Date.now(),
      url: window.location.href,
      note: note || null,
    };
    state.calls.push(entry);
    return entry;
  }

  function apiBase(settings) {
    if (settings.api_base) {
      return String(settings.api_base).replace(/\/+$/, '');
    }
    if (settings.region && REGION_API_BASES[settings.region]) {
      return REGION_API_BASES[settings.region];
    }
    return DEFAULT_API_BASE;
  }

  var USER_KEYS = ['user_id', 'email', 'name', 'phone', 'created_at', 'intercom_user_jwt', 'user_hash', 'company', 'companies'];

  function userData(settings) {
    var data = {};
    USER_KEYS.forEach(function (key) {
      if (settings[key] !== undefined) {
        data[key] = settings[key];
      }
    });
    return data;
  }

  function ping(source, settings) {
    var appId = settings.app_id;
    var body = new URLSearchParams({
      app_id: appId,
      v: '3',
      platform: 'web',
      source: source,
      anonymous_session: visitorId(appId),
      session: readCookie(cookieName('session', appId)) || '',
      referer: window.location.href,
      page_title: document.title,
      user_data: JSON.stringify(userData(settings)),
    });
    var entry = { source: source, url: apiBase(settings) + '/messenger/web/ping', status: null, body: null };
    state.pings.push(entry);
    state.pending += 1;
    // Shaped like any ordinary call (method, headers, credentials, body): pages wrap window.fetch (fake
    // back ends, polyfills, API clients) and read opts.headers or opts.method of every request.
    var request = {
      method: 'POST',
      headers: { Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded;charset=UTF-8' },
      credentials: 'same-origin',
      body: body.toString(),
    };
    return fetch(entry.url, request)
      .then(function (response) {
        entry.status = response.status;
        return response.json().catch(function () {
          return null;
        });
      })
      .then(function (json) {
        entry.body = json;
        if (entry.status !== 200) {
          var reason = json && json.errors && json.errors[0] ? json.errors[0].message : 'HTTP ' + entry.status;
          console.error('[Intercom stand-in] the Messenger did not start: ' + reason);
          state.booted = false;
          renderLauncher();
          return;
        }
        if (json && json.session) {
          writeCookie(cookieName('session', appId), json.session);
        }
        state.unreadCount = 0;
        handlers.unread.forEach(function (fn) {
          fn(state.unreadCount);
        });
        renderLauncher();
      })
      .catch(function (error) {
        entry.status = 0;
        console.error('[Intercom stand-in] ping failed', error);
      })
      .then(function () {
        state.pending -= 1;
      });
  }

  function boot(settings) {
    settings = settings || window.intercomSettings || {};
    if (!settings.app_id) {
      state.warnings.push('boot without app_id was ignored');
      return;
    }
    if (state.booted && state.settings && state.settings.intercom_user_jwt && !settings.intercom_user_jwt) {
      state.warnings.push('anonymous boot while a user was booted, without a shutdown in between');
    }
    state.settings = Object.assign({}, settings);
    state.booted = true;
    visitorId(settings.app_id);
    ping('apiBoot', state.settings);
  }

  function update(settings) {
    // The real widget ignores update before boot (the page must boot first).
    if (state.booted) {
      Object.assign(state.settings, settings || {});
      ping('apiUpdate', state.settings);
    }
  }

  function shutdown() {
    var appId = (state.settings && state.settings.app_id) || state.appId;
    if (appId) {
      writeCookie(cookieName('session', appId), null);
      writeCookie(cookieName('id', appId), null);
    }
    state.booted = false;
    state.settings = null;
    setMessengerOpen(false);
    renderLauncher();
  }

  function setMessengerOpen(open, message) {
    var changed = state.messengerOpen !== open;
    state.messengerOpen = open;
    state.draft = open ? (message === undefined ? state.draft : message) : null;
    renderLauncher();
    if (changed) {
      (open ? handlers.show : handlers.hide).forEach(function (fn) {
        fn();
      });
    }
  }

  var launcher = null;
  var panel = null;

  function renderLauncher() {
    if (!document.body) {
      document.addEventListener('DOMContentLoaded', renderLauncher);
      return;
    }
    var visible = state.booted && !(state.settings && state.settings.hide_default_launcher) && !!lastPingAccepted();
    state.launcherVisible = visible;
    if (!launcher) {
      launcher = document.createElement('div');
      launcher.className = 'intercom-lightweight-app-launcher intercom-standin-launcher';
      launcher.setAttribute('role', 'button');
      launcher.setAttribute('aria-label', 'Open Intercom Messenger (offline stand-in)');
      launcher.style.cssText =
        'position:fixed;right:20px;bottom:20px;z-index:2147483000;width:48px;height:48px;border-radius:50%;' +
        'background:#1f8ded;color:#fff;font:bold 22px/48px sans-serif;text-align:center;cursor:pointer;' +
        'box-shadow:0 1px 6px rgba(0,0,0,.2)';
      launcher.textContent = '\u2709';
      launcher.addEventListener('click', function () {
        setMessengerOpen(!state.messengerOpen);
      });
      panel = document.createElement('div');
      panel.className = 'intercom-standin-messenger';
      panel.style.cssText =
        'position:fixed;right:20px;bottom:80px;z-index:2147483000;width:260px;padding:12px;border-radius:8px;' +
        'background:#fff;color:#222;font:13px/1.4 sans-serif;box-shadow:0 4px 16px rgba(0,0,0,.25)';
      document.body.appendChild(panel);
      document.body.appendChild(launcher);
    }
    var who = 'visitor (lead)';
    var accepted = lastPingAccepted();
    if (accepted && accepted.user && accepted.user.role === 'user') {
      who = 'user ' + accepted.user.user_id;
    }
    launcher.title = 'Intercom stand-in: ' + who;
    launcher.style.display = visible ? 'block' : 'none';
    panel.style.display = visible && state.messengerOpen ? 'block' : 'none';
    panel.textContent = 'Intercom Messenger (offline stand-in) \u2014 ' + who + (state.draft ? ': ' + state.draft : '');
  }

  function lastPingAccepted() {
    var last = state.pings[state.pings.length - 1];
    return last && last.status === 200 ? last.body || {} : null;
  }

  function handle(command, first, second) {
    switch (command) {
      case 'boot':
        boot(first);
        return undefined;
      case 'update':
        update(first);
        return undefined;
      case 'shutdown':
        shutdown();
        return undefined;
      case 'show':
        setMessengerOpen(true);
        return undefined;
      case 'hide':
        setMessengerOpen(false);
        return undefined;
      case 'showNewMessage':
        setMessengerOpen(true, typeof first === 'string' ? first : '');
        return undefined;
      case 'trackEvent':
        if (state.booted) {
          ping('trackEvent:' + first, Object.assign({}, state.settings, { event: { name: first, metadata: second || null } }));
        }
        return undefined;
      case 'getVisitorId':
        return visitorId((state.settings && state.settings.app_id) || state.appId);
      case 'onShow':
        handlers.show.push(first);
        return undefined;
      case 'onHide':
        handlers.hide.push(first);
        return undefined;
      case 'onUnreadCountChange':
        handlers.unread.push(first);
        return undefined;
      case 'onUserEmailSupplied':
        // Documented in Intercom's JavaScript API; react-use-intercom registers it on every load. The
        // stand-in shows no email form, so the handler is never called.
        return undefined;
      case 'reattach_activator':
        renderLauncher();
        return undefined;
      default:
        state.warnings.push('unknown command ' + command);
        return undefined;
    }
  }

  function run(args) {
    var command = args[0];
    var result;
    var note = null;
    if (command === 'update' && !state.booted) {
      note = 'ignored: the Messenger is not booted';
    }
    record(command, Array.prototype.slice.call(args, 1), note);
    try {
      result = handle(command, args[1], args[2]);
    } catch (error) {
      state.warnings.push(command + ' failed: ' + error);
    }
    return command === 'getVisitorId' ? result : undefined;
  }

  var stub = window.Intercom;
  var queued = typeof stub === 'function' && stub.q ? stub.q.slice() : [];

  function Intercom() {
    return run(arguments);
  }
  Object.defineProperty(Intercom, 'booted', {
    get: function () {
      return state.booted;
    },
  });
  window.Intercom = Intercom;

  var bootQueued = queued.some(function (args) {
    return args[0] === 'boot';
  });
  queued.forEach(run);
  if (!bootQueued && window.intercomSettings && window.intercomSettings.app_id) {
    // The widget boots by itself from intercomSettings; going through window.Intercom lets
    // anything observing the page's calls see that boot too.
    window.Intercom('boot', window.intercomSettings);
  }
  state.ready = true;
})();
