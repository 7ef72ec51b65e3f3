(function () {
  "use strict";
  var list = document.getElementById("transcript");
  var id = list.getAttribute("data-id");
  var count = Number(list.getAttribute("data-count"));
  var state = document.getElementById("state");

  function add(m) {
    var item = document.createElement("li");
    item.className = "from-" + m.from;
    var who = document.createElement("span");
    who.className = "who";
    who.textContent = (m.from === "staff" ? m.author : m.from === "citizen" ? "Citizen" : "Assistant") + (m.button ? " (button)" : "");
    var text = document.createElement("span");
    text.className = "text";
    text.textContent = m.text;
    item.appendChild(who);
    item.appendChild(document.createTextNode(" "));
    item.appendChild(text);
    if (m.buttons && m.buttons.length) {
      var buttons = document.createElement("span");
      buttons.className = "buttons";
      buttons.textContent = " [" + m.buttons.join("] [") + "]";
      item.appendChild(buttons);
    }
    list.appendChild(item);
  }

  function refresh(ids) {
    if (ids && ids.indexOf(Number(id)) < 0) return;  // another conversation changed
    fetch("/api/c/" + id, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        data.messages.slice(count).forEach(add);
        count = Math.max(count, data.messages.length);
        var c = data.conversation;
        if (c.status !== state.getAttribute("data-status") || c.holder !== state.getAttribute("data-holder")) {
          state.setAttribute("data-status", c.status);
          state.setAttribute("data-holder", c.holder);
          state.textContent = "Now " + c.status + (c.holder ? ", held by " + c.holder : "") + " — reload to act on it.";
        }
      })
      .catch(function () { /* the next change or poll tries again */ });
  }

  Array.prototype.forEach.call(document.querySelectorAll("button.insert"), function (button) {
    button.addEventListener("click", function () {  // a catalogue fact into the reply, as text
      var reply = document.getElementById("reply-text");
      if (!reply) return;
      reply.value = (reply.value ? reply.value.replace(/\s*$/, "") + "\n" : "") + button.getAttribute("data-fact");
      reply.focus();
    });
  });

  window.consoleLive(refresh);
})();
