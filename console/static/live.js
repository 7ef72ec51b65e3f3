/* One helper for the live parts: call `refresh(ids)` whenever the console says conversations
   changed (server-sent events, with their ids), or `refresh(null)` every two seconds when the
   stream cannot be kept open. */
window.consoleLive = function (refresh) {
  "use strict";
  var polling = null;
  function poll() {
    if (polling) return;
    polling = window.setInterval(function () { refresh(null); }, 2000);
  }
  if (!window.EventSource) { poll(); return; }
  var source = new EventSource("/api/stream");
  var failures = 0;
  source.addEventListener("change", function (event) {
    failures = 0;
    var ids = null;
    try { ids = JSON.parse(event.data).ids; } catch (e) { /* no ids: refresh anyway */ }
    refresh(Array.isArray(ids) ? ids : null);
  });
  source.addEventListener("open", function () { failures = 0; refresh(null); });
  source.addEventListener("error", function () {
    failures += 1;
    if (failures > 3) { source.close(); poll(); }
  });
};
