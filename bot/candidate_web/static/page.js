// The candidate page's only script: pick the browser's time zone once, and click-drag on the grid.
// Everything works without it (the select + "Show times" button, one checkbox per hour).
(function () {
  "use strict";
  var select = document.getElementById("tz");
  if (select && select.getAttribute("data-auto-tz") === "1") {
    var zone = "";
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { zone = ""; }
    var known = Array.prototype.some.call(select.options, function (o) { return o.value === zone; });
    if (zone && known && select.value !== zone) {
      select.value = zone;
      select.form.submit();
    }
  }
  var grid = document.getElementById("grid");
  if (!grid) { return; }
  var dragging = false, mode = true, moved = false;
  function box(target) {
    var cell = target.closest ? target.closest("td") : null;
    return cell ? cell.querySelector("input[type=checkbox]") : null;
  }
  grid.addEventListener("pointerdown", function (e) {
    var b = box(e.target);
    if (!b || e.button !== 0) { return; }
    e.preventDefault();
    dragging = true; moved = true; mode = !b.checked; b.checked = mode; b.focus();
  });
  grid.addEventListener("pointerover", function (e) {
    var b = box(e.target);
    if (dragging && b) { b.checked = mode; }
  });
  document.addEventListener("pointerup", function () { dragging = false; });
  grid.addEventListener("click", function (e) {
    // The click that ends a pointer press was handled above; keyboard toggles (detail 0) go through.
    if (moved && e.detail > 0 && box(e.target)) { e.preventDefault(); }
    moved = false;
  });
})();
