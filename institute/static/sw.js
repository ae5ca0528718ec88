// The reading service worker, served at /sw.js (scope: the whole site) and registered by
// offline.js for signed-in readers. Pages come from the network first; a module, a quiz
// or an attempt page the reader opened is kept, one copy per address, to be read again
// offline. Static files and course files (named by their content) come from the cache.
// Nothing else is kept: no other page, no API answer, no POST. The login and logout
// answers clear all of it (Clear-Site-Data: "storage").
"use strict";
var CACHE = "gdi-reading-1";
var OFFLINE = "/offline";
var KEPT = [/^\/courses\/[^/]+\/modules\/[^/]+$/, /^\/quizzes\/\d+$/, /^\/attempts\/\d+$/];
var NAMED = [/^\/static\/.+[?&]v=[0-9a-f]+$/, /^\/courses\/[^/]+\/files\/[0-9a-f]{64}\//];

function matches(patterns, text) {
  return patterns.some(function (pattern) { return pattern.test(text); });
}

function address(url) { return url.origin + url.pathname + url.search; }  // one copy per address

function keep(key, response) {
  var copy = response.clone();
  return caches.open(CACHE).then(function (cache) { return cache.put(key, copy); });
}

// A page the reader may read again offline: kept; one no longer theirs: forgotten.
function file(url, response) {
  if (!matches(KEPT, url.pathname)) { return Promise.resolve(); }
  if (response.status === 200 && response.type === "basic" && !response.redirected &&
      (response.headers.get("Content-Type") || "").indexOf("text/html") === 0) {
    return keep(address(url), response);
  }
  if ([401, 403, 404, 410].indexOf(response.status) >= 0 || response.redirected ||
      response.type === "opaqueredirect") {  // e.g. to the login page: no longer the reader's
    return caches.open(CACHE).then(function (cache) { return cache.delete(address(url)); });
  }
  return Promise.resolve();
}

function page(event, url) {
  return fetch(event.request).then(function (response) {
    event.waitUntil(file(url, response));
    return response;
  }, function () {
    return caches.match(address(url), { ignoreVary: true }).then(function (kept) {
      return kept || caches.match(OFFLINE, { ignoreVary: true });
    }).then(function (answer) { return answer || Response.error(); });
  });
}

function named(request) {
  return caches.match(request, { ignoreVary: true }).then(function (kept) {
    return kept || fetch(request).then(function (response) {
      if (response.status === 200 && response.type === "basic") { return keep(request, response).then(function () { return response; }); }
      return response;
    });
  });
}

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.add(OFFLINE); })
    .then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) { return name !== CACHE; })
      .map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin || url.pathname.indexOf("/api/") === 0) { return; }
  if (request.mode === "navigate") { event.respondWith(page(event, url)); }
  else if (matches(NAMED, url.pathname + url.search)) { event.respondWith(named(request)); }
});

// From offline.js: the page opened before the worker took over ("keep"), to keep if it is
// one that is kept; the reader's language, for the offline page.
self.addEventListener("message", function (event) {
  var data = event.data || {};
  var work = [];
  if (typeof data.keep === "string") {
    var url = new URL(data.keep, self.location.origin);
    if (url.origin === self.location.origin && matches(KEPT, url.pathname)) {
      work.push(fetch(address(url), { credentials: "same-origin" }).then(function (response) {
        return file(url, response);
      }, function () {}));
    }
  }
  if (typeof data.lang === "string") {
    work.push(caches.match(OFFLINE).then(function (kept) {
      if (!kept || kept.headers.get("Content-Language") !== data.lang) {
        return caches.open(CACHE).then(function (cache) { return cache.add(OFFLINE); });
      }
    }).catch(function () {}));
  }
  event.waitUntil(Promise.all(work));
});
