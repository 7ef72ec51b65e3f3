/* One helper for the live parts: call `refresh` whenever the console says something changed
   (server-sent events), or every two seconds when the stream cannot be kept open. */
window.consoleLive = function (refresh) {
  "use strict";
  var polling = null;
  function poll() {
    if (polling) return;
    polling = window.setInterval(refresh, 2000);
  }
  if (!window.EventSource) { poll(); return; }
  var source = new EventSource("/api/stream");
  var failures = 0;
  source.addEventListener("change", function () { failures = 0; refresh(); });
  source.addEventListener("open", function () { failures = 0; refresh(); });
  source.addEventListener("error", function () {
    failures += 1;
    if (failures > 3) { source.close(); poll(); }
  });
};
