// The public works map: the town's background tiles (map.js's communeMaps; a notice when they
// do not load), the territory and the works from the page's GeoJSON link, each site at least
// a few pixels wide. The table beside the map carries the same information.
(function () {
  "use strict";
  var element = document.getElementById("works-map");
  if (!element || !window.L) { return; }
  var colours = { full: "#b00020", one_lane: "#b35900", none: "#0b4f8a" };
  var map = L.map(element);
  element.leafletMap = map;
  if (window.communeMaps) { window.communeMaps.basemap(map, element); }
  var territory = L.geoJSON(JSON.parse(document.getElementById("works-territory").textContent), {
    style: { color: "#333333", weight: 2, fill: true, fillOpacity: 0.04 }
  }).addTo(map);
  map.fitBounds(territory.getBounds());
  function style(feature) {
    return { color: colours[feature.properties.road_closure] || "#0b4f8a", weight: 2, fillOpacity: 0.45 };
  }
  fetch(element.dataset.geojson, { headers: { Accept: "application/geo+json" } })
    .then(function (response) { return response.json(); })
    .then(function (data) {
      var works = L.geoJSON(data, {
        style: style,
        onEachFeature: function (feature, layer) {
          var p = feature.properties;
          var text = document.createElement("div");
          [p.reference + " — " + p.kind_label, p.address || "", p.organisation || "", p.start + " → " + p.end, p.road_closure_label]
            .filter(Boolean).forEach(function (line) {
              var row = document.createElement("p");
              row.textContent = line;
              text.appendChild(row);
            });
          layer.bindPopup(text);
        }
      }).addTo(map);
      if (window.communeMaps) { window.communeMaps.minimumSize(map, works, style); }
      element.dataset.worksLoaded = String(data.features.length);
    });
}());
