/*
 * Added by `intercom-wizard verify` to every page before the page's own scripts run.
 *
 * It records every window.Intercom(...) call the page makes - on the loader stub before the
 * Messenger loaded as well as on the Messenger itself, offline (stand-in) or live (real widget) -
 * by wrapping whatever function the page assigns to window.Intercom in a transparent Proxy.
 * Each call is reported to the verifier through the __intercomWizardRecord binding, which
 * survives page loads, so a sign-out that reloads the page is still seen in order.
 *
 * It also reports Content Security Policy violations (__intercomWizardViolation): a policy that
 * blocks the Messenger leaves no other trace than a console line, and the verifier has to say
 * which directive refused what.
 */
(function () {
  'use strict';
  if (window !== window.top || window.__intercomWizardLoadId) {
    return;
  }
  var loadId = Date.now().toString(36) + Math.random().toString(36).slice(2);
  var sequence = 0;
  window.__intercomWizardLoadId = loadId;
  window.__intercomWizardCalls = [];

  function describe(value) {
    var undefinedKeys = [];
    if (value === undefined) {
      return { value: null, undefinedKeys: undefinedKeys };
    }
    if (typeof value === 'function') {
      return { value: '[function]', undefinedKeys: undefinedKeys };
    }
    if (!value || typeof value !== 'object') {
      return { value: value, undefinedKeys: undefinedKeys };
    }
    var copy = {};
    Object.keys(value).forEach(function (key) {
      var item = value[key];
      if (item === undefined) {
        undefinedKeys.push(key);
      } else if (typeof item === 'function') {
        copy[key] = '[function]';
      } else {
        try {
          copy[key] = JSON.parse(JSON.stringify(item));
        } catch (error) {
          copy[key] = String(item);
        }
      }
    });
    return { value: copy, undefinedKeys: undefinedKeys };
  }

  function record(args) {
    var first = describe(args[1]);
    var entry = {
      load_id: loadId,
      seq: sequence++,
      command: typeof args[0] === 'string' ? args[0] : String(args[0]),
      settings: first.value,
      undefined_keys: first.undefinedKeys,
      extra_args: args.length > 2 ? describe(args[2]).value : null,
      time: Date.now(),
      url: window.location.href,
    };
    window.__intercomWizardCalls.push(entry);
    if (typeof window.__intercomWizardRecord === 'function') {
      window.__intercomWizardRecord(entry);
    }
  }

  var current;
  Object.defineProperty(window, 'Intercom', {
    configurable: true,
    enumerable: true,
    get: function () {
      return current;
    },
    set: function (value) {
      if (typeof value !== 'function') {
        current = value;
        return;
      }
      current = new Proxy(value, {
        apply: function (target, self, args) {
          try {
            record(args);
          } catch (error) {
            // Recording must never change what the page does.
          }
          return Reflect.apply(target, self, args);
        },
      });
    },
  });

  function mentionsIntercom(target) {
    if (!target || target.nodeType !== 1) {
      return false;
    }
    // Only inline code is worth reading; for other elements, their id and class say enough.
    var name = target.nodeName;
    var text = name === 'SCRIPT' || name === 'STYLE' ? target.textContent || '' : (target.id || '') + ' ' + (target.getAttribute('class') || '');
    return /intercom/i.test(text);
  }

  window.__intercomWizardViolations = [];
  document.addEventListener(
    'securitypolicyviolation',
    function (event) {
      try {
        var entry = {
          load_id: loadId,
          blocked: event.blockedURI,
          effective_directive: event.effectiveDirective,
          violated_directive: event.violatedDirective,
          disposition: event.disposition,
          source_file: event.sourceFile,
          line: event.lineNumber,
          policy: event.originalPolicy,
          url: window.location.href,
          mentions_intercom: mentionsIntercom(event.target),
        };
        window.__intercomWizardViolations.push(entry);
        if (typeof window.__intercomWizardViolation === 'function') {
          window.__intercomWizardViolation(entry);
        }
      } catch (error) {
        // Recording must never change what the page does.
      }
    },
    true
  );
})();
