// Rule form: offer only the operators the chosen field accepts. Without this script every operator is
// listed and the server explains a wrong pick next to the row.
(function () {
  "use strict";
  function limitOps(fieldSelect) {
    var row = fieldSelect.closest("tr");
    var opSelect = row && row.querySelector("select.cond-op");
    if (!opSelect) { return; }
    var chosen = fieldSelect.options[fieldSelect.selectedIndex];
    var allowed = chosen && chosen.dataset.ops ? chosen.dataset.ops.split(" ") : null;
    Array.prototype.forEach.call(opSelect.options, function (option) {
      var ok = !allowed || !option.value || allowed.indexOf(option.value) >= 0;
      option.hidden = !ok;
      option.disabled = !ok;
    });
    if (opSelect.selectedOptions.length && opSelect.selectedOptions[0].disabled) {
      opSelect.value = allowed ? allowed[0] : "";
    }
  }
  document.addEventListener("change", function (event) {
    if (event.target && event.target.classList && event.target.classList.contains("cond-field")) {
      limitOps(event.target);
    }
  });
  function init() { document.querySelectorAll("select.cond-field").forEach(limitOps); }
  if (document.readyState !== "loading") { init(); } else { document.addEventListener("DOMContentLoaded", init); }
})();
