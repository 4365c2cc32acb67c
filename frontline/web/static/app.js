// Frontline workspace: the little behaviour HTMX does not cover. No inline scripts (the CSP forbids them).
(function () {
  "use strict";

  function onReady(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }

  // Queue: the header checkbox selects every row.
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target && target.id === "select-all") {
      document.querySelectorAll('input[name="ids"]').forEach(function (box) { box.checked = target.checked; });
    }
  });

  // Destructive actions ask first: a form with data-confirm submits only once the agent agrees.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form && form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) { event.preventDefault(); }
  });

  // Collision warning: tell the presence endpoint whether this agent is typing a reply.
  function setActivity(value) {
    var field = document.getElementById("activity");
    if (field && field.value !== value) {
      field.value = value;
      document.body.dispatchEvent(new CustomEvent("presence"));
    }
  }
  document.addEventListener("focusin", function (event) {
    if (event.target && event.target.id === "reply-body") { setActivity("replying"); }
  });
  document.addEventListener("focusout", function (event) {
    if (event.target && event.target.id === "reply-body" && !event.target.value) { setActivity("viewing"); }
  });

  // Keyboard: "/" jumps to the search box, unless the agent is typing somewhere.
  document.addEventListener("keydown", function (event) {
    var tag = (event.target && event.target.tagName) || "";
    if (event.key === "/" && !/INPUT|TEXTAREA|SELECT/.test(tag)) {
      var box = document.getElementById("q");
      if (box) { event.preventDefault(); box.focus(); }
    }
  });

  onReady(function () {
    var body = document.getElementById("reply-body");
    if (body && window.location.hash === "#reply") { body.focus(); setActivity("viewing"); }
  });
})();
