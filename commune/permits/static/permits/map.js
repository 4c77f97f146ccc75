/* Permit maps: show the territory and work areas. Drawing (a request's areas, written as
   GeoJSON into a textarea) is in draw.js, which starts on the "permits:map-ready" event. */
(function () {
  "use strict";
  function parse(value) { try { return JSON.parse(value); } catch (e) { return null; } }
  function init(el) {
    if (!window.L) { return; }
    var map = L.map(el, { scrollWheelZoom: false });
    el.leafletMap = map;
    L.tileLayer("https://wmts.geo.admin.ch/1.0.0/ch.swisstopo.pixelkarte-grau/default/current/3857/{z}/{x}/{y}.jpeg", {
      attribution: "© swisstopo", maxZoom: 19
    }).addTo(map);
    var bounds = null;
    var territory = parse(el.dataset.territory);
    if (territory) {
      var t = L.geoJSON(territory, { style: { color: "#1b1b1b", weight: 2, fill: false, dashArray: "6 4" } }).addTo(map);
      bounds = t.getBounds();
    }
    var areas = parse(el.dataset.areas);
    if (areas && areas.features && areas.features.length) {
      // A file in conflict with another is drawn dashed, in the findings' colour.
      var a = L.geoJSON(areas, { style: function (f) {
        var c = f && f.properties && f.properties.conflicts;
        return c && c.length ? { color: "#7a4a00", weight: 4, dashArray: "6 3" } : { color: "#a4161a", weight: 3 };
      } }).addTo(map);
      bounds = a.getBounds();
    }
    var findings = parse(el.dataset.findings);
    if (findings) { L.geoJSON(findings, { style: { color: "#7a4a00", weight: 2, dashArray: "4 4" } }).addTo(map); }
    if (bounds) { map.fitBounds(bounds, { padding: [20, 20] }); } else { map.setView([46.51, 6.66], 14); }
    // Drawing (when the map names a target textarea) is draw.js's: it starts on this event.
    el.dispatchEvent(new CustomEvent("permits:map-ready", { bubbles: true }));
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".map[data-territory]").forEach(init);
  });
})();
