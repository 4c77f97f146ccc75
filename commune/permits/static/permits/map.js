/* Permit maps: show the territory and work areas. Drawing (a request's areas, written as
   GeoJSON into a textarea) is in draw.js, which starts on the "permits:map-ready" event.
   window.communeMaps holds what every permit map shares (the public works map too): the town's
   background tiles with a notice when they do not load, and a minimum drawn size for sites. */
(function () {
  "use strict";
  var DEFAULT_TILES = "https://wmts.geo.admin.ch/1.0.0/ch.swisstopo.pixelkarte-grau/default/current/3857/{z}/{x}/{y}.jpeg";
  // A site drawn smaller than this (in screen pixels) is shown as a circle of this diameter.
  var MIN_SITE_PX = 14;

  function parse(value) { try { return JSON.parse(value); } catch (e) { return null; } }

  /* The town's tiles (data-tiles, data-tiles-attribution on the map's element). When a tile
     fails, the map keeps its plain background and our own outlines, and says so once. */
  function basemap(map, el) {
    var layer = L.tileLayer(el.dataset.tiles || DEFAULT_TILES, {
      attribution: el.dataset.tilesAttribution || "© swisstopo", maxZoom: 19
    });
    var notice = null;
    layer.on("tileerror", function () {
      if (notice) { return; }
      notice = L.control({ position: "topright" });
      notice.onAdd = function () {
        var box = L.DomUtil.create("p", "map-notice");
        box.setAttribute("role", "status");
        box.setAttribute("data-map-notice", "");
        box.textContent = el.dataset.tilesUnavailable || "Background map unavailable";
        box.style.background = "#ffffff";
        box.style.color = "#1b1b1b";
        box.style.border = "1px solid #555555";
        box.style.padding = "4px 8px";
        box.style.margin = "8px";
        box.style.fontWeight = "bold";
        return box;
      };
      notice.addTo(map);
      el.classList.add("tiles-unavailable");
    });
    layer.addTo(map);
    return layer;
  }

  /* Each polygon of `group` that would be drawn smaller than MIN_SITE_PX at the current zoom
     gets a circle of that size at its centre, in its own style (and its popup). */
  function minimumSize(map, group, style) {
    var pairs = [];
    group.eachLayer(function (layer) {
      if (!layer.getBounds) { return; }
      var look = typeof style === "function" ? style(layer.feature) : style;
      var marker = L.circleMarker(layer.getBounds().getCenter(), L.extend({}, look, {
        radius: MIN_SITE_PX / 2, fillOpacity: 0.6, className: "work-site-marker"
      }));
      var popup = layer.getPopup && layer.getPopup();
      if (popup) { marker.bindPopup(popup.getContent()); }
      pairs.push([layer, marker]);
    });
    function update() {
      pairs.forEach(function (pair) {
        var bounds = pair[0].getBounds();
        var a = map.latLngToLayerPoint(bounds.getNorthEast());
        var b = map.latLngToLayerPoint(bounds.getSouthWest());
        var small = Math.max(Math.abs(a.x - b.x), Math.abs(a.y - b.y)) < MIN_SITE_PX;
        if (small && !map.hasLayer(pair[1])) { pair[1].addTo(map); }
        if (!small && map.hasLayer(pair[1])) { map.removeLayer(pair[1]); }
      });
    }
    map.on("zoomend", update);
    update();
  }

  window.communeMaps = { basemap: basemap, minimumSize: minimumSize, MIN_SITE_PX: MIN_SITE_PX };

  function areaStyle(f) {
    // A file in conflict with another is drawn dashed, in the findings' colour.
    var c = f && f.properties && f.properties.conflicts;
    return c && c.length ? { color: "#7a4a00", weight: 4, dashArray: "6 3" } : { color: "#a4161a", weight: 3 };
  }

  function init(el) {
    if (!window.L) { return; }
    var map = L.map(el, { scrollWheelZoom: false });
    el.leafletMap = map;
    basemap(map, el);
    var bounds = null;
    var territory = parse(el.dataset.territory);
    if (territory) {
      var t = L.geoJSON(territory, { style: { color: "#1b1b1b", weight: 2, fill: false, dashArray: "6 4" } }).addTo(map);
      bounds = t.getBounds();
    }
    var areas = parse(el.dataset.areas);
    var areaLayer = null;
    if (areas && areas.features && areas.features.length) {
      areaLayer = L.geoJSON(areas, { style: areaStyle }).addTo(map);
      bounds = areaLayer.getBounds();
    }
    var findings = parse(el.dataset.findings);
    if (findings) { L.geoJSON(findings, { style: { color: "#7a4a00", weight: 2, dashArray: "4 4" } }).addTo(map); }
    if (bounds) { map.fitBounds(bounds, { padding: [20, 20], maxZoom: 19 }); } else { map.setView([46.51, 6.66], 14); }
    if (areaLayer) { minimumSize(map, areaLayer, areaStyle); }
    // Drawing (when the map names a target textarea) is draw.js's: it starts on this event.
    el.dispatchEvent(new CustomEvent("permits:map-ready", { bubbles: true }));
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".map[data-territory]").forEach(init);
  });
})();
