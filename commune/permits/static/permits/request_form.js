/* The request form's page: the error summary takes the focus (GOV.UK's pattern: it is read
   out, and its links lead to the fields); choosing an organisation fills in its invoicing
   address when the field is empty or still holds another organisation's; a corner typed in the
   list under the map moves the shape in the text field and on the map (draw.js). */
(function () {
  "use strict";
  function focusSummary(root) {
    var summary = (root || document).querySelector("[data-error-summary]");
    if (summary) { summary.focus(); }
  }
  document.addEventListener("DOMContentLoaded", function () {
    focusSummary(document);
    var select = document.getElementById("id_organisation");
    var invoice = document.getElementById("id_invoice_address");
    if (!select || !invoice) { return; }
    var addresses = {};
    try { addresses = JSON.parse(select.dataset.invoiceAddresses || "{}"); } catch (e) { addresses = {}; }
    var known = Object.keys(addresses).map(function (k) { return String(addresses[k]).trim(); });
    select.addEventListener("change", function () {
      var current = invoice.value.trim();
      if (current && known.indexOf(current) < 0) { return; }   // typed by the applicant: kept
      invoice.value = addresses[select.value] || "";
    });
  });
  document.addEventListener("htmx:afterSwap", function (e) {
    if (e.target.id !== "area-corners") { focusSummary(e.target); return; }
    // a corner typed moved a shape: the text field and the map take the areas as moved
    var moved = e.target.querySelector("[data-corners-geometry]");
    var target = document.getElementById("id_geometry");
    if (!moved || !target) { return; }
    target.value = moved.dataset.cornersGeometry;
    target.dispatchEvent(new CustomEvent("permits:areas-load"));
  });
})();
