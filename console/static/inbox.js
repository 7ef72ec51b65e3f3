(function () {
  "use strict";
  var table = document.getElementById("inbox");
  var tab = table.getAttribute("data-tab");
  var body = document.getElementById("rows");
  var count = document.getElementById("waiting-count");
  var status = document.getElementById("inbox-status");
  var empty = document.getElementById("empty");

  function cell(row, text) {
    var td = document.createElement("td");
    td.textContent = text;
    row.appendChild(td);
    return td;
  }

  function draw(data) {
    var before = Number(count.textContent);
    count.textContent = String(data.waiting);
    document.title = (data.waiting ? "(" + data.waiting + ") " : "") + "Inbox — Helpdesk";
    if (data.waiting > before) status.textContent = data.waiting + " waiting";
    body.textContent = "";
    data.rows.forEach(function (r) {
      var row = document.createElement("tr");
      row.setAttribute("data-id", r.id);
      var link = document.createElement("a");
      link.href = "/c/" + r.id;
      link.textContent = "#" + r.id;
      cell(row, "").appendChild(link);
      cell(row, r.waiting);
      cell(row, r.language);
      cell(row, r.channel);
      cell(row, r.life_event);
      cell(row, r.reason);
      cell(row, r.status + (r.holder ? " (" + r.holder + ")" : "") + (r.outcome ? ": " + r.outcome : ""));
      body.appendChild(row);
    });
    empty.hidden = data.rows.length > 0;
  }

  function refresh() {
    fetch("/api/inbox?tab=" + encodeURIComponent(tab), { credentials: "same-origin" })
      .then(function (r) { if (r.status === 401) { window.location = "/login"; } return r.json(); })
      .then(draw)
      .catch(function () { /* the next change or poll tries again */ });
  }

  window.consoleLive(refresh);
  window.setInterval(function () { refresh(null); }, 15000);  // waiting times move on
})();
