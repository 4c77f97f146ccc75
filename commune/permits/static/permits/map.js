/* Permit maps: show the territory and work areas; when a target textarea is named, let the
   user draw a polygon by clicking and write it as GeoJSON (WGS84) into that textarea. */
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
    var target = el.dataset.target && document.getElementById(el.dataset.target);
    if (!target) { return; }
    var closeBtn = document.querySelector("[data-map-close]");
    var clearBtn = document.querySelector("[data-map-clear]");
    closeBtn.hidden = false; clearBtn.hidden = false;
    var points = [], line = null, polygons = [];
    function write() {
      var features = polygons.map(function (ring) {
        var coords = ring.map(function (p) { return [p.lng, p.lat]; });
        coords.push(coords[0]);
        return { type: "Feature", properties: {}, geometry: { type: "Polygon", coordinates: [coords] } };
      });
      target.value = JSON.stringify({ type: "FeatureCollection", features: features });
    }
    map.on("click", function (e) {
      points.push(e.latlng);
      if (line) { map.removeLayer(line); }
      line = L.polyline(points, { color: "#a4161a" }).addTo(map);
    });
    closeBtn.addEventListener("click", function () {
      if (points.length < 3) { return; }
      L.polygon(points, { color: "#a4161a" }).addTo(map);
      polygons.push(points); points = [];
      if (line) { map.removeLayer(line); line = null; }
      write();
    });
    clearBtn.addEventListener("click", function () {
      polygons = []; points = []; target.value = "";
      map.eachLayer(function (layer) { if (layer instanceof L.Polygon || layer instanceof L.Polyline) { map.removeLayer(layer); } });
      if (territory) { L.geoJSON(territory, { style: { color: "#1b1b1b", weight: 2, fill: false } }).addTo(map); }
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".map[data-territory]").forEach(init);
  });
})();
