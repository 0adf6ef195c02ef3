/* global window, document */
'use strict';
// Runs in the sandboxed reference frame (reference.html): renders the contract the portal page posts, with
// Scalar (OpenAPI) or the AsyncAPI React component's standalone bundle, and reports back.
(function () {
  var VENDOR = {
    scalar: '/portal/vendor/scalar/standalone.js',
    asyncapi: '/portal/vendor/asyncapi/standalone.js',
    asyncapiCss: '/portal/vendor/asyncapi/default.min.css',
  };
  // Sandboxed without allow-same-origin, the frame has no Web Storage and reading it throws; Scalar reads it for
  // its preferences. An in-memory stand-in, gone with the frame.
  function memoryStorage() {
    var items = new Map();
    return {
      get length() {
        return items.size;
      },
      key: function (i) {
        return Array.from(items.keys())[i] ?? null;
      },
      getItem: function (k) {
        return items.has(String(k)) ? items.get(String(k)) : null;
      },
      setItem: function (k, v) {
        items.set(String(k), String(v));
      },
      removeItem: function (k) {
        items.delete(String(k));
      },
      clear: function () {
        items.clear();
      },
    };
  }
  ['localStorage', 'sessionStorage'].forEach(function (name) {
    try {
      void window[name];
    } catch {
      Object.defineProperty(window, name, { value: memoryStorage(), configurable: true });
    }
  });

  // This frame has an opaque origin; the portal page is on the origin this file was served from.
  var portalOrigin = new URL(document.URL).origin;
  var status = document.getElementById('status');
  var rendered = false;

  function post(message) {
    message.source = 'concord-reference';
    window.parent.postMessage(message, portalOrigin);
  }

  function load(tag, attrs) {
    return new Promise(function (resolve, reject) {
      var el = document.createElement(tag);
      Object.keys(attrs).forEach(function (k) {
        el[k] = attrs[k];
      });
      el.onload = function () {
        resolve();
      };
      el.onerror = function () {
        reject(new Error('could not load ' + (attrs.src || attrs.href)));
      };
      document.head.appendChild(el);
    });
  }

  function fail(err) {
    status.textContent = 'The reference could not be rendered: ' + (err && err.message ? err.message : String(err));
    status.className = 'failed';
    status.hidden = false;
    post({ type: 'error', message: status.textContent });
  }

  function renderOpenApi(doc) {
    return load('script', { src: VENDOR.scalar }).then(function () {
      window.Scalar.createApiReference(document.getElementById('reference'), {
        content: doc,
        urlRouting: false,
        layout: 'modern',
        theme: 'default',
        forceDarkModeState: 'light',
        hideDarkModeToggle: true,
        withDefaultFonts: false,
        telemetry: false,
        showDeveloperTools: 'never',
        hideClientButton: true,
        // The portal's own try-it panel calls the sandbox with the app's credentials.
        hideTestRequestButton: true,
        documentDownloadType: 'json',
        mcp: { disabled: true },
        agent: { disabled: true },
        baseServerURL: portalOrigin,
      });
    });
  }

  function renderAsyncApi(doc) {
    return Promise.all([load('link', { rel: 'stylesheet', href: VENDOR.asyncapiCss }), load('script', { src: VENDOR.asyncapi })]).then(function () {
      window.AsyncApiStandalone.render(
        {
          schema: doc,
          config: { show: { sidebar: true, info: true, servers: true, operations: true, messages: true, schemas: true, errors: true } },
        },
        document.getElementById('reference'),
      );
    });
  }

  window.addEventListener('message', function (event) {
    if (event.source !== window.parent || event.origin !== portalOrigin) return;
    var data = event.data;
    if (!data || data.type !== 'render' || rendered) return;
    rendered = true;
    (data.kind === 'asyncapi' ? renderAsyncApi(data.document) : renderOpenApi(data.document)).then(function () {
      status.hidden = true;
      post({ type: 'rendered' });
    }, fail);
  });
  window.addEventListener('error', function (event) {
    post({ type: 'warning', message: String(event.message) });
  });

  post({ type: 'ready' });
})();
