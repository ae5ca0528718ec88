// Autosave and a countdown for quiz attempts. The page works without it: the
// "Save answers" button posts the same form.
(function () {
  "use strict";
  var form = document.getElementById("attempt-form");
  if (!form) { return; }
  var status = document.getElementById("autosave-status");
  var dirty = false;
  // Its words come from the page, translated there (data-said-*); English if a page has none.
  function say(name, fallback) { return form.dataset[name] || fallback; }
  // A refusal is the site's one error envelope, {"error": {code, message, details}}; say it
  // as a page's flash does (institute/web.py error_messages): the details, else the message.
  function refusal(body) {
    var error = (body && body.error) || {};
    var said = (error.details || []).map(function (d) { return d.message; }).filter(Boolean);
    return said.length ? said.join("; ") : (error.message || say("saidNotSaved", "Not saved"));
  }
  function save() {
    if (!dirty) { return; }
    dirty = false;
    fetch(form.dataset.autosave, {
      method: "POST", body: new FormData(form), credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (type.indexOf("application/json") !== 0) {  // e.g. the login page after the session ended
        dirty = true; status.textContent = say("saidReload", "Not saved: reload the page"); return;
      }
      return response.json().then(function (body) {
        if (response.ok) { status.textContent = say("saidSaved", "Saved at {time}").replace("{time}", new Date().toLocaleTimeString(document.documentElement.lang || undefined)); }
        else { status.textContent = refusal(body); }
      });
    }).catch(function () { dirty = true; status.textContent = say("saidOffline", "Not saved: offline?"); });
  }
  form.addEventListener("change", function () { dirty = true; });
  form.addEventListener("input", function () { dirty = true; });
  setInterval(save, 20000);
  // Leaving or closing the page: a beacon is delivered even while the page unloads.
  window.addEventListener("pagehide", function () {
    if (dirty && navigator.sendBeacon) { dirty = !navigator.sendBeacon(form.dataset.autosave, new FormData(form)); }
    else { save(); }
  });
  var timer = document.getElementById("time-left");
  if (timer) {
    var left = parseInt(timer.dataset.seconds, 10);
    setInterval(function () {
      left = Math.max(0, left - 1);
      timer.textContent = (timer.dataset.said || "Time left: {m} min {s} s")
        .replace("{m}", Math.floor(left / 60)).replace("{s}", left % 60);
      if (left === 0) { save(); window.location.reload(); }
    }, 1000);
  }
})();
