// The observatory map: counting sites (circles sized by volume), zones (perimeter outlined),
// the largest flows (lines) and the timetable's stops (blue dots), from the JSON the page embeds. Redrawn after an htmx refresh.
(function () {
  "use strict";
  var map = null;

  function fmt(v) {
    return v === null || v === undefined ? "—" : Math.round(v).toLocaleString(document.documentElement.lang);
  }

  function escapeText(s) {
    var div = document.createElement("div");
    div.textContent = String(s);
    return div.innerHTML;
  }

  function draw() {
    var holder = document.getElementById("observatory-map");
    var source = document.getElementById("observatory-layers");
    if (!holder || !source || typeof L === "undefined") return;
    if (map) { map.remove(); map = null; }
    var layers = JSON.parse(source.textContent);
    map = L.map(holder, { scrollWheelZoom: false, zoomSnap: 0.25 });
    L.tileLayer("https://wmts.geo.admin.ch/1.0.0/ch.swisstopo.pixelkarte-grau/default/current/3857/{z}/{x}/{y}.jpeg", {
      attribution: "© swisstopo", maxZoom: 18
    }).addTo(map);
    var all = L.featureGroup().addTo(map);
    L.geoJSON(layers.zones, {
      style: function (f) {
        return { color: f.properties.perimeter ? "#8a1c1c" : "#52606d", weight: f.properties.perimeter ? 3 : 1,
                 dashArray: f.properties.perimeter ? null : "4 4", fillOpacity: 0.05 };
      },
      onEachFeature: function (f, layer) {
        var p = f.properties;
        layer.bindTooltip(escapeText(p.name) + " — " + fmt(p.trips_out) + " / " + fmt(p.trips_in));
      }
    }).addTo(all);
    var top = Math.max.apply(null, layers.flows.map(function (f) { return f.trips || 0; }).concat([1]));
    layers.flows.forEach(function (f) {
      L.polyline([f.from, f.to], { color: "#1d4f91", weight: 1 + 7 * (f.trips || 0) / top, opacity: 0.7 })
        .bindTooltip(escapeText(f.label) + ": " + fmt(f.trips)).addTo(all);
    });
    var most = Math.max.apply(null, layers.sites.map(function (s) { return s.volume || 0; }).concat([1]));
    layers.sites.forEach(function (s) {
      L.circleMarker([s.lat, s.lon], { radius: 4 + 10 * Math.sqrt((s.volume || 0) / most), color: "#1f2933",
                                      weight: 2, fillColor: "#f0b429", fillOpacity: 0.9 })
        .bindTooltip(escapeText(s.name) + ": " + fmt(s.volume)).addTo(all);
    });
    // Public-transport stops of the day's timetable: blue dots, larger with more departures.
    var stops = layers.stops || [];
    var busiest = Math.max.apply(null, stops.map(function (s) { return s.departures; }).concat([1]));
    stops.forEach(function (s) {
      L.circleMarker([s.lat, s.lon], { radius: 3 + 6 * Math.sqrt(s.departures / busiest), color: "#0b3d91",
                                      weight: 1, fillColor: "#2f6fde", fillOpacity: 0.85, className: "stop-point" })
        .bindTooltip(escapeText(s.label)).addTo(all);
    });
    if (all.getLayers().length) map.fitBounds(all.getBounds().pad(0.05));
    else map.setView([46.51, 6.66], 13);
  }

  document.addEventListener("DOMContentLoaded", draw);
  // After an htmx refresh the results (and the map's holder) are new elements: draw again.
  document.addEventListener("htmx:afterSettle", function () {
    var holder = document.getElementById("observatory-map");
    if (holder && !holder.classList.contains("leaflet-container")) draw();
  });
})();
