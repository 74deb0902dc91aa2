// Stands in for VS Code's webview API in the browser tests: records what the panel posts,
// keeps its state in localStorage (as VS Code keeps it across a reload), and records any
// Content-Security-Policy violation and uncaught error so the tests can fail on them.
(function () {
  'use strict';
  var STATE_KEY = 'gan-studio-harness-state';
  var harness = {
    posted: [],
    stateWrites: 0,
    cspViolations: [],
    errors: [],
  };
  window.__harness = harness;

  document.addEventListener('securitypolicyviolation', function (event) {
    harness.cspViolations.push(event.violatedDirective + ' ' + (event.blockedURI || '') + ' ' + (event.sourceFile || '') + ':' + (event.lineNumber || ''));
  });
  window.addEventListener('error', function (event) {
    harness.errors.push(String(event.message));
  });
  window.addEventListener('unhandledrejection', function (event) {
    harness.errors.push('unhandled rejection: ' + String(event.reason && event.reason.stack ? event.reason.stack : event.reason));
  });

  window.ganStudioHostShim = {
    postMessage: function (message) {
      // A structured clone, as the real channel would make.
      harness.posted.push(JSON.parse(JSON.stringify(message)));
    },
    getState: function () {
      var saved = localStorage.getItem(STATE_KEY);
      return saved ? JSON.parse(saved) : undefined;
    },
    setState: function (state) {
      harness.stateWrites++;
      localStorage.setItem(STATE_KEY, JSON.stringify(state));
    },
  };
})();
