// Reading offline, for signed-in readers (base.html loads it only for them). It registers
// the service worker (sw.js: modules and quizzes opened are kept to read offline), and a
// "Mark as done" pressed while offline is kept in IndexedDB and sent once the connection
// returns. The pages work the same without it: the form posts as it always does.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !("serviceWorker" in navigator) || !window.indexedDB || !window.fetch) { return; }
  // Its words come from the page, translated there (data-said-*); English if a page has none.
  function say(name, fallback) { return script.dataset[name] || fallback; }

  navigator.serviceWorker.register(script.dataset.worker, { scope: "/" }).then(function () {
    return navigator.serviceWorker.ready;
  }).then(function (registration) {
    // A page loaded before the worker took over was not kept: the worker asks for it again.
    var here = navigator.serviceWorker.controller ? null : location.pathname + location.search;
    registration.active.postMessage({ keep: here, lang: document.documentElement.lang });
  }).catch(function () {});

  // The marks waiting to be sent, one per form address: { url, fields: [[name, value]…] }.
  function marks(mode, work) {
    return new Promise(function (resolve, reject) {
      var open = indexedDB.open("gdi-reading", 1);
      open.onupgradeneeded = function () { open.result.createObjectStore("marks", { keyPath: "url" }); };
      open.onerror = function () { reject(open.error); };
      open.onsuccess = function () {
        var db = open.result, transaction = db.transaction("marks", mode);
        var request = work(transaction.objectStore("marks"));
        transaction.oncomplete = function () { db.close(); resolve(request && request.result); };
        transaction.onerror = function () { db.close(); reject(transaction.error); };
      };
    });
  }

  function note(after, text) {
    var said = document.createElement("p");
    said.className = "flash";
    said.setAttribute("role", "status");
    said.textContent = text;
    if (after) { after.insertAdjacentElement("afterend", said); }
    else { document.getElementById("main").prepend(said); }
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (navigator.onLine || !form.hasAttribute("data-queue-offline")) { return; }
    event.preventDefault();
    var fields = [];
    new FormData(form).forEach(function (value, name) { fields.push([name, String(value)]); });
    marks("readwrite", function (store) { return store.put({ url: form.action, fields: fields }); }).then(function () {
      form.querySelector("button").disabled = true;
      note(form, say("saidQueued", "Saved; it will be sent when you are back online."));
    }, function () { form.submit(); });
  });

  // Each mark is sent with the CSRF token of the page it was made on: the server takes it
  // while that login lasts, and only then (see README, "Reading offline in the browser").
  function send() {
    if (!navigator.onLine) { return; }
    marks("readonly", function (store) { return store.getAll(); }).then(function (waiting) {
      (waiting || []).forEach(function (mark) {
        var body = new FormData();
        mark.fields.forEach(function (field) { body.append(field[0], field[1]); });
        fetch(mark.url, { method: "POST", body: body, credentials: "same-origin",
                          headers: { "Accept": "application/json" } }).then(function (response) {
          if (response.status >= 500) { return; }  // tried again later
          var done = response.ok && (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
          return marks("readwrite", function (store) { return store.delete(mark.url); }).then(function () {
            note(null, done ? say("saidSent", "Sent: the module is marked as done.")
              : say("saidRefused", "A module marked as done offline could not be sent: open it and mark it again."));
          });
        }, function () {});  // still offline: kept
      });
    }).catch(function () {});
  }
  window.addEventListener("online", send);
  send();
})();
