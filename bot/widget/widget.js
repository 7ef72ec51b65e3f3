/*
 * Life-event assistant chat widget. Embed with one tag:
 *
 *   <script src="https://assistant.example.md/widget.js"
 *           data-server="https://assistant.example.md:5005"   (the Rasa server)
 *           data-lang="ro"                                      (en | ro | ru)
 *           data-title="Asistent servicii publice"
 *           data-color="#0b5ed7"
 *           data-push="https://helpdesk.example.md"></script>     (optional: the helpdesk console's push endpoint)
 *
 * It talks to Rasa's REST channel, lives in a Shadow DOM (the host page's CSS
 * cannot reach it and its CSS cannot leak out), defines no globals, and keeps
 * the conversation across page reloads in localStorage. Text from the
 * assistant or the citizen is only ever inserted as text; links become <a>.
 *
 * Language: the page's (data-lang, else <html lang>) until the assistant says
 * which language the conversation is in with a custom reply element
 * {"custom": {"language": "ru"}} (a Rasa json_message); from then on the
 * widget's own texts are in that language, it is kept with the conversation
 * and sent as the messages' metadata.language. Custom elements never become
 * chat bubbles.
 *
 * Helpdesk: with data-push, while the widget is open it listens (server-sent events, polling when
 * those fail) for what helpdesk staff write in this conversation, shown with the writer's name
 * ("Ana, helpdesk"); the last one received is kept, so a reload catches up without repeats.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script || script.getAttribute("data-lifeevents-loaded")) return;
  script.setAttribute("data-lifeevents-loaded", "1");

  var UI = {
    en: { title: "Public services assistant", placeholder: "Write what happened…", send: "Send", open: "Ask the assistant",
          close: "Close", unavailable: "Sorry, the assistant cannot be reached right now. Your message is still in the box: please try again in a minute.",
          typing: "The assistant is writing…", fresh: "New conversation", forget: "Forget this conversation",
          confirmForget: "Delete this conversation from this device and from the assistant? This cannot be undone.",
          forgotten: "The conversation was deleted." },
    ro: { title: "Asistentul serviciilor publice", placeholder: "Scrieți ce s-a întâmplat…", send: "Trimite", open: "Întrebați asistentul",
          close: "Închide", unavailable: "Îmi pare rău, asistentul nu poate fi contactat acum. Mesajul este încă în casetă: încercați din nou peste un minut.",
          typing: "Asistentul scrie…", fresh: "Conversație nouă", forget: "Uitați această conversație",
          confirmForget: "Ștergeți conversația de pe acest dispozitiv și de la asistent? Nu se poate anula.",
          forgotten: "Conversația a fost ștearsă." },
    ru: { title: "Помощник по госуслугам", placeholder: "Напишите, что произошло…", send: "Отправить", open: "Спросить помощника",
          close: "Закрыть", unavailable: "Извините, помощник сейчас недоступен. Ваше сообщение осталось в поле ввода: попробуйте через минуту.",
          typing: "Помощник печатает…", fresh: "Новый разговор", forget: "Забыть этот разговор",
          confirmForget: "Удалить этот разговор с этого устройства и у помощника? Отменить будет нельзя.",
          forgotten: "Разговор удалён." }
  };
  var URL_PATTERN = /https?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)\]]/g;
  var MAX_KEPT = 200;

  var server = (script.getAttribute("data-server") || "http://127.0.0.1:5005").replace(/\/+$/, "");
  var wanted = (script.getAttribute("data-lang") || document.documentElement.lang || "en").slice(0, 2).toLowerCase();
  var pageLang = known(wanted) ? wanted : "en";  // the page's language unless the tag says otherwise
  var pageTitle = script.getAttribute("data-title");  // the page's own title stays as it is in every language
  var color = /^#[0-9a-fA-F]{3,8}$/.test(script.getAttribute("data-color") || "") ? script.getAttribute("data-color") : "#0b5ed7";
  var storageKey = "lifeevents-widget:" + server;
  var push = (script.getAttribute("data-push") || "").replace(/\/+$/, "");

  function known(code) {
    return typeof code === "string" && Object.prototype.hasOwnProperty.call(UI, code);
  }

  function newId() {
    var bytes = new Uint8Array(16);  // 128 random bits: the conversation's secret name
    (window.crypto || window.msCrypto).getRandomValues(bytes);
    return "web-" + Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function load() {
    try {
      var saved = JSON.parse(window.localStorage.getItem(storageKey) || "null");
      if (saved && typeof saved.sender === "string" && /^web-[0-9a-f]{32}$/.test(saved.sender) &&
          Array.isArray(saved.messages)) {
        if (!known(saved.lang)) delete saved.lang;
        return saved;
      }
    } catch (e) { /* storage blocked or corrupt: start afresh */ }
    return { sender: newId(), messages: [], open: false };
  }

  var state = load();  // state.lang: the conversation's language once the assistant has said it
  var lang = state.lang || pageLang;
  var text = UI[lang];

  function save() {
    state.messages = state.messages.slice(-MAX_KEPT);
    try { window.localStorage.setItem(storageKey, JSON.stringify(state)); } catch (e) { /* private mode */ }
  }

  var host = document.createElement("div");
  host.setAttribute("data-lifeevents-widget", "");
  var root = host.attachShadow({ mode: "open" });
  root.innerHTML =
    "<style>" +
    ":host{all:initial;position:fixed;right:20px;bottom:20px;z-index:2147483000}" +
    /* the font on .widget, not :host: the page's own rules (e.g. * {font-family}) outrank :host's */
    ".widget{font:15px/1.4 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1d1d1f}" +
    "*{box-sizing:border-box}" +
    ".launcher{border:0;border-radius:28px;padding:14px 20px;background:var(--accent);color:#fff;font:inherit;font-weight:600;cursor:pointer;box-shadow:0 4px 14px rgba(0,0,0,.25)}" +
    ".panel{display:none;flex-direction:column;width:min(380px,calc(100vw - 40px));height:min(560px,calc(100vh - 40px));background:#fff;border-radius:14px;box-shadow:0 8px 30px rgba(0,0,0,.3);overflow:hidden}" +
    ".open .panel{display:flex}.open .launcher{display:none}" +
    "header{display:flex;align-items:center;justify-content:space-between;padding:12px 14px;background:var(--accent);color:#fff;font-weight:600}" +
    "header button{border:0;background:transparent;color:#fff;font-size:22px;line-height:1;cursor:pointer}" +
    ".tools{display:flex;gap:10px;justify-content:flex-end;padding:4px 12px;background:#fff;border-bottom:1px solid #e3e5e8}" +
    ".tools button{border:0;background:transparent;color:#44464b;font:inherit;font-size:14px;text-decoration:underline;cursor:pointer;padding:4px 0}" +
    ".log{flex:1;overflow-y:auto;margin:0;padding:12px;background:#f6f7f9}" +
    ".msg{max-width:88%;margin:6px 0;padding:9px 12px;border-radius:12px;white-space:pre-wrap;word-wrap:break-word}" +
    ".bot{background:#fff;border:1px solid #e3e5e8}.user{margin-left:auto;background:var(--accent);color:#fff}" +
    ".error{background:#fff4e5;border:1px solid #f0b35a}" +
    ".staff{background:#eefbea;border:1px solid #9cc98c}.author{display:block;font-weight:600;font-size:13px;color:#2d5a1f}" +
    ".msg a{color:inherit;text-decoration:underline}" +
    ".buttons{display:flex;flex-wrap:wrap;gap:6px;margin:4px 0 8px}" +
    ".buttons button{border:1px solid var(--accent);background:#fff;color:var(--accent);border-radius:16px;padding:6px 12px;font:inherit;cursor:pointer}" +
    ".buttons button:disabled{opacity:.45;cursor:default}" +
    ".typing{display:none;padding:0 14px 8px;color:#666;font-size:14px;background:#f6f7f9}.busy .typing{display:block}" +
    "form{display:flex;gap:8px;padding:10px;border-top:1px solid #e3e5e8;background:#fff}" +
    "input{flex:1;min-width:0;border:1px solid #c8ccd2;border-radius:10px;padding:9px 10px;font:inherit;color:#1d1d1f;background:#fff}" +
    "form button{border:0;border-radius:10px;padding:9px 14px;background:var(--accent);color:#fff;font:inherit;font-weight:600;cursor:pointer}" +
    "button:focus-visible,input:focus-visible,a:focus-visible{outline:3px solid #ffbf47;outline-offset:2px}" +
    "@media (max-width:480px){input{font-size:16px}}" +  /* phones do not zoom into the page on focus */
    ".sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}" +
    "</style>" +
    "<div class='widget'>" +
    "<button class='launcher' type='button'></button>" +
    "<section class='panel' role='dialog'>" +
    "<header><span class='title'></span><button class='close' type='button'>×</button></header>" +
    "<div class='tools'><button class='fresh' type='button'></button><button class='forget' type='button'></button></div>" +
    "<div class='log' role='log' aria-live='polite' tabindex='0'></div>" +
    "<div class='typing' role='status'></div>" +
    "<form><label class='sr-only' for='lifeevents-input'></label>" +
    "<input id='lifeevents-input' name='message' autocomplete='off' maxlength='2000'><button type='submit'></button></form>" +
    "</section></div>";

  var widget = root.querySelector(".widget");
  var log = root.querySelector(".log");
  var input = root.querySelector("input");
  widget.style.setProperty("--accent", color);
  if (pageTitle) root.querySelector(".title").setAttribute("lang", pageLang);

  function useLanguage(code) {
    lang = code;
    text = UI[code];
    var title = pageTitle || text.title;
    widget.setAttribute("lang", code);
    root.querySelector(".launcher").textContent = text.open;
    root.querySelector(".title").textContent = title;
    root.querySelector(".panel").setAttribute("aria-label", title);
    root.querySelector(".close").setAttribute("aria-label", text.close);
    root.querySelector(".typing").textContent = text.typing;
    root.querySelector(".fresh").textContent = text.fresh;
    root.querySelector(".forget").textContent = text.forget;
    root.querySelector("form button").textContent = text.send;
    input.setAttribute("placeholder", text.placeholder);
    root.querySelector("label").textContent = text.placeholder;
    log.setAttribute("aria-label", title);
  }

  useLanguage(lang);

  function withLinks(element, content) {
    var last = 0;
    String(content).replace(URL_PATTERN, function (url, offset) {
      element.appendChild(document.createTextNode(content.slice(last, offset)));
      var link = document.createElement("a");
      link.href = url;
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      link.textContent = url;
      element.appendChild(link);
      last = offset + url.length;
      return url;
    });
    element.appendChild(document.createTextNode(String(content).slice(last)));
  }

  function render(message) {
    var item = document.createElement("div");
    item.className = "msg " + message.from;
    if (message.lang) item.setAttribute("lang", message.lang);  // earlier answers keep their language
    if (message.author) {
      var author = document.createElement("span");
      author.className = "author";
      author.textContent = message.author;
      item.appendChild(author);
    }
    withLinks(item, message.text || "");
    log.appendChild(item);
    if (message.buttons && message.buttons.length) {
      var row = document.createElement("div");
      row.className = "buttons";
      message.buttons.forEach(function (b) {
        var button = document.createElement("button");
        button.type = "button";
        button.textContent = b.title;
        button.disabled = !!message.used;
        button.addEventListener("click", function () {
          message.used = true;
          Array.prototype.forEach.call(row.querySelectorAll("button"), function (x) { x.disabled = true; });
          save();
          send(b.payload, b.title);
        });
        row.appendChild(button);
      });
      log.appendChild(row);
    }
    log.scrollTop = log.scrollHeight;
  }

  function add(message) {
    if (message.from !== "error") {
      state.messages.push(message);
      save();
    }
    render(message);
  }

  var busy = false;

  function send(payload, shown) {
    if (busy || !payload.trim()) return;
    busy = true;
    widget.classList.add("busy");
    add({ from: "user", text: shown });
    fetch(server + "/webhooks/rest/webhook", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      // lang: the page's until the assistant has said the conversation's language, that one afterwards
      body: JSON.stringify({ sender: state.sender, message: payload, metadata: { language: lang, channel: "web" } })
    })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (replies) {
        replies = (Array.isArray(replies) ? replies : []).filter(function (reply) { return reply && typeof reply === "object"; });
        replies.forEach(function (reply) {  // the language first: this turn's answers are already in it
          var custom = reply.custom;
          if (custom && typeof custom === "object" && known(custom.language)) {
            state.lang = custom.language;
            save();
            if (custom.language !== lang) useLanguage(custom.language);
          }  // any other custom element is not for the widget: ignored
        });
        replies.forEach(function (reply) {
          var buttons = Array.isArray(reply.buttons) ? reply.buttons : [];
          if (reply.text || buttons.length) {
            add({ from: "bot", text: reply.text || "", buttons: buttons, lang: lang });
          }
        });
      })
      .catch(function () {
        add({ from: "error", text: text.unavailable, lang: lang });
        if (payload === shown) input.value = payload;  // nothing the citizen typed is lost
      })
      .then(function () {
        busy = false;
        widget.classList.remove("busy");
        input.focus();
      });
  }

  // what helpdesk staff write, pushed by the console while the widget is open
  var stream = null;
  var pollTimer = null;

  function pushed(m) {
    if (!m || typeof m.id !== "number" || m.id <= (state.pushed || 0)) return;  // each message once
    state.pushed = m.id;
    if (m.author) add({ from: "staff", author: String(m.author), text: String(m.text || ""), lang: lang });
    else add({ from: "bot", text: String(m.text || ""), lang: lang });  // the assistant's notice
  }

  function pollOnce() {
    fetch(push + "/push/" + state.sender + "?after=" + (state.pushed || 0))
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { ((data && data.messages) || []).forEach(pushed); })
      .catch(function () { /* the next poll tries again */ });
  }

  function unsubscribe() {
    if (stream) { stream.close(); stream = null; }
    if (pollTimer) { window.clearInterval(pollTimer); pollTimer = null; }
  }

  function subscribe() {
    if (!push || stream || pollTimer) return;
    if (!window.EventSource) { pollOnce(); pollTimer = window.setInterval(pollOnce, 3000); return; }
    var failures = 0;
    stream = new EventSource(push + "/push/" + state.sender + "/stream?after=" + (state.pushed || 0));
    stream.addEventListener("message", function (event) {
      failures = 0;
      try { pushed(JSON.parse(event.data)); } catch (e) { /* not a message */ }
    });
    stream.addEventListener("error", function () {
      failures += 1;
      if (failures > 3) { unsubscribe(); pollOnce(); pollTimer = window.setInterval(pollOnce, 3000); }
    });
  }

  root.querySelector("form").addEventListener("submit", function (event) {
    event.preventDefault();
    var value = input.value;
    input.value = "";
    send(value, value);
  });
  root.querySelector(".launcher").addEventListener("click", function () {
    state.open = true; save(); widget.classList.add("open"); input.focus();
    subscribe();
  });
  function close() {
    state.open = false; save(); widget.classList.remove("open");
    unsubscribe();
    root.querySelector(".launcher").focus();
  }
  root.querySelector(".close").addEventListener("click", close);

  function startAfresh() {  // a new secret id: the old conversation can no longer be reached from here
    unsubscribe();
    state = { sender: newId(), messages: [], open: true, lang: state.lang };
    save();
    subscribe();
    log.textContent = "";
    input.focus();
  }
  root.querySelector(".fresh").addEventListener("click", startAfresh);
  root.querySelector(".forget").addEventListener("click", function () {
    if (!window.confirm(text.confirmForget)) return;
    var sender = state.sender;
    fetch(server + "/webhooks/rest/forget", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ sender: sender })
    }).then(function (reply) {
      if (!reply.ok) throw new Error("HTTP " + reply.status);
      // what the helpdesk console keeps of it too (a simple POST: no preflight, nothing to read back)
      if (push) fetch(push + "/push/" + sender + "/forget", { method: "POST" }).catch(function () { /* best effort */ });
      try { window.localStorage.removeItem(storageKey); } catch (e) { /* private mode */ }
      startAfresh();
      render({ from: "bot", text: text.forgotten });
    }).catch(function () {
      render({ from: "error", text: text.unavailable, lang: lang });
    });
  });
  root.querySelector(".panel").addEventListener("keydown", function (event) {
    if (event.key === "Escape") close();
  });

  state.messages.forEach(render);
  if (state.open) { widget.classList.add("open"); subscribe(); }
  (document.body || document.documentElement).appendChild(host);
})();
