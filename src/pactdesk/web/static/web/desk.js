/* Pactdesk pages: live SLA countdowns and keyboard shortcuts. No dependencies. */
(function () {
  "use strict";

  // --- SLA countdowns: every [data-due] ticks every 15 seconds, in minutes. The server's
  // clock is the reference: the panel says what time it was when rendered (data-server-now).
  var skew = 0;
  function readSkew(root) {
    var panel = (root || document).querySelector("[data-server-now]");
    if (panel) {
      var server = Date.parse(panel.getAttribute("data-server-now"));
      if (!isNaN(server)) { skew = server - Date.now(); }
    }
  }
  // Minutes, not seconds: "1h 05m left", "overdue 3d 2h 10m".
  function span(ms) {
    var m = Math.floor(Math.abs(ms) / 60000), d = Math.floor(m / 1440),
        h = Math.floor(m % 1440 / 60), min = m % 60;
    var parts = [];
    if (d) { parts.push(d + "d"); }
    if (d || h) { parts.push(h + "h"); }
    parts.push((parts.length && min < 10 ? "0" : "") + min + "m");
    return parts.join(" ");
  }
  function tick() {
    var now = Date.now() + skew;
    document.querySelectorAll("[data-due]").forEach(function (el) {
      var due = Date.parse(el.getAttribute("data-due"));
      if (isNaN(due)) { return; }
      var left = due - now;
      el.textContent = left >= 0 ? span(left) + " left" : "overdue " + span(left);
      el.classList.toggle("overdue", left < 0);
      el.classList.toggle("soon", left >= 0 && left < 15 * 60 * 1000);
    });
  }
  document.addEventListener("DOMContentLoaded", function () { readSkew(); tick(); });
  document.addEventListener("htmx:afterSwap", function (e) { readSkew(e.target.parentNode); tick(); });
  setInterval(tick, 15000);

  // --- The viewer's time zone: pages show times in it (the server reads this cookie
  // unless the user chose a zone). Reload once when it first learns or changes it.
  try {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    var had = (document.cookie.match(/(?:^|; )tz=([^;]*)/) || [])[1];
    if (zone && decodeURIComponent(had || "") !== zone) {
      document.cookie = "tz=" + encodeURIComponent(zone) + "; path=/; max-age=31536000; SameSite=Lax";
      var stored = document.cookie.indexOf("tz=" + encodeURIComponent(zone)) >= 0;  // no loop without cookies
      if (stored && document.body && document.body.hasAttribute("data-zone-from-browser")) { window.location.reload(); }
    }
  } catch (e) { /* no Intl: times stay in UTC, and say so */ }

  // --- Keys: r reply, n note, / search, j/k move in a list, Enter/o open.
  function typing(el) {
    return el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
  }
  function rows() { return Array.prototype.slice.call(document.querySelectorAll("[data-keynav] tr[data-href]")); }
  function move(step) {
    var list = rows();
    if (!list.length) { return; }
    var at = list.findIndex(function (r) { return r.classList.contains("selected"); });
    var next = Math.max(0, Math.min(list.length - 1, at < 0 ? 0 : at + step));
    if (at >= 0) { list[at].classList.remove("selected"); }
    list[next].classList.add("selected");
    list[next].scrollIntoView({block: "nearest"});
  }
  function focus(id) {
    var el = document.getElementById(id);
    if (el) { el.focus(); el.scrollIntoView({block: "center"}); return true; }
    return false;
  }
  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) { return; }
    if (e.key === "Escape" && typing(e.target)) { e.target.blur(); return; }
    if (typing(e.target)) { return; }
    var handled = true;
    switch (e.key) {
      case "r": handled = focus("reply-body"); break;
      case "n": handled = focus("note-body"); break;
      case "/": handled = focus("search"); break;
      case "t":  // take the next ticket (the header's button, staff only)
        var next = document.getElementById("next-ticket");
        if (next) { next.click(); } else { handled = false; }
        break;
      case "p":  // the header's presence switch, at the current status
        var current = document.querySelector("#presence button[aria-pressed=true]");
        if (current) { current.focus(); } else { handled = false; }
        break;
      case "j": move(1); break;
      case "k": move(-1); break;
      case "o": case "Enter":
        var row = document.querySelector("[data-keynav] tr.selected[data-href]");
        if (row) { window.location = row.getAttribute("data-href"); } else { handled = false; }
        break;
      default: handled = false;
    }
    if (handled) { e.preventDefault(); }
  });
  document.addEventListener("click", function (e) {
    var row = e.target.closest && e.target.closest("[data-keynav] tr[data-href]");
    if (row && !e.target.closest("a, button, input, select, textarea")) {
      window.location = row.getAttribute("data-href");
    }
  });

  // --- Forms that ask first (revoke a key, retry every failed mail): data-confirm.
  document.addEventListener("submit", function (e) {
    var form = e.target.closest && e.target.closest("form[data-confirm]");
    if (form && !window.confirm(form.getAttribute("data-confirm"))) { e.preventDefault(); }
  });
})();

// --- The header's "More" menu (a <details>): Esc or a click elsewhere closes it.
(function () {
  "use strict";
  function closeMenus(except) {
    document.querySelectorAll("details.more[open]").forEach(function (menu) {
      if (menu !== except) { menu.removeAttribute("open"); }
    });
  }
  document.addEventListener("click", function (e) {
    closeMenus(e.target.closest ? e.target.closest("details.more") : null);
  });
  document.addEventListener("keydown", function (e) {
    if (e.key !== "Escape") { return; }
    var open = document.querySelector("details.more[open]");
    if (open) { open.removeAttribute("open"); open.querySelector("summary").focus(); }
  });
})();
