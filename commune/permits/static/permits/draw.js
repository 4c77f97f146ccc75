/* Drawing a request's work areas on a permit map (map.js), written as GeoJSON (WGS84) into the
   textarea the map names (data-target). Areas (polygons) and trenches (lines, whose width is
   the form's "line_width_m" field) are drawn by clicks; a finished shape's corners can be
   dragged, and clicked to remove them; the last shape can be deleted, or all cleared. The
   keyboard's way is the list of corners under the map (_corners.html), kept in step by events:
   "permits:areas-drawn" when the map wrote the text, "permits:areas-load" to draw it again.
   What the textarea holds when the page opens (a draft, a form sent back with an error, a
   point placed from coordinates) is drawn and can be edited. Features the map cannot show
   (LV95 coordinates pasted from a plan) are kept as they are. Without JS the textarea alone
   works. */
(function () {
  "use strict";
  var COLOUR = "#a4161a";

  function parse(value) { try { return JSON.parse(value); } catch (e) { return null; } }
  function isWgs84(pair) {
    return Array.isArray(pair) && Math.abs(pair[0]) <= 180 && Math.abs(pair[1]) <= 90;
  }
  function toLatLngs(positions) {
    return positions.map(function (p) { return L.latLng(p[1], p[0]); });
  }
  function positions(latlngs) {
    return latlngs.map(function (p) { return [+p.lng.toFixed(8), +p.lat.toFixed(8)]; });
  }

  function start(el) {
    if (el.drawingStarted || !el.leafletMap || !el.dataset.target) { return; }
    var target = document.getElementById(el.dataset.target);
    if (!target) { return; }
    el.drawingStarted = true;
    var map = el.leafletMap;
    var controls = document.querySelector("[data-draw-controls]");
    var widthInput = document.getElementById("id_line_width_m");
    var status = document.querySelector("[data-map-status]");
    if (controls) { controls.hidden = false; }
    function button(name) { return document.querySelector("[data-map-" + name + "]"); }
    function mode() {
      var checked = document.querySelector("input[name=draw-mode]:checked");
      return checked ? checked.value : "area";
    }
    function width() {
      var value = widthInput ? parseFloat(String(widthInput.value).replace(",", ".")) : NaN;
      return isFinite(value) && value > 0 ? value : null;
    }

    var shapes = [];   // {kind: "area"|"line", latlngs, properties, layer, markers}
    var kept = [];     // features the map cannot show, written back unchanged
    var points = [], preview = null, previewMarkers = [];

    function say(text) { if (status) { status.textContent = text; } }
    function describe() {
      var areas = shapes.filter(function (s) { return s.kind === "area"; }).length;
      var lines = shapes.length - areas;
      return (el.dataset.textCount || "{areas} / {lines}").replace("{areas}", areas).replace("{lines}", lines);
    }

    function write() {
      var features = shapes.map(function (shape) {
        var coords = positions(shape.latlngs);
        var properties = Object.assign({}, shape.properties);
        if (shape.kind === "line") {
          var w = width();
          if (w) { properties.width = w; }
          return { type: "Feature", properties: properties, geometry: { type: "LineString", coordinates: coords } };
        }
        coords.push(coords[0]);
        return { type: "Feature", properties: properties, geometry: { type: "Polygon", coordinates: [coords] } };
      });
      features = features.concat(kept);
      target.value = features.length ? JSON.stringify({ type: "FeatureCollection", features: features }) : "";
      say(describe());
      // the list of corners to type (_corners.html) follows what is drawn
      target.dispatchEvent(new CustomEvent("permits:areas-drawn", { bubbles: true }));
    }

    function vertexIcon() {
      return L.divIcon({ className: "leaflet-div-icon draw-vertex", iconSize: [14, 14] });
    }
    function render(shape) {
      if (shape.layer) { map.removeLayer(shape.layer); }
      shape.markers.forEach(function (m) { map.removeLayer(m); });
      shape.layer = shape.kind === "line"
        ? L.polyline(shape.latlngs, { color: COLOUR, weight: 6 }).addTo(map)
        : L.polygon(shape.latlngs, { color: COLOUR }).addTo(map);
      var least = shape.kind === "line" ? 2 : 3;
      shape.markers = shape.latlngs.map(function (latlng, index) {
        var marker = L.marker(latlng, { draggable: true, icon: vertexIcon(), keyboard: false }).addTo(map);
        marker.on("drag", function (e) { shape.latlngs[index] = e.target.getLatLng(); shape.layer.setLatLngs(shape.latlngs); });
        marker.on("dragend", function () { render(shape); write(); });
        marker.on("click", function () {   // a corner clicked is removed, while the shape stays one
          if (shape.latlngs.length <= least) { return; }
          shape.latlngs.splice(index, 1);
          render(shape); write();
        });
        return marker;
      });
    }
    function add(kind, latlngs, properties) {
      var shape = { kind: kind, latlngs: latlngs, properties: properties || {}, layer: null, markers: [] };
      shapes.push(shape);
      render(shape);
      return shape;
    }
    function remove(shape) {
      if (shape.layer) { map.removeLayer(shape.layer); }
      shape.markers.forEach(function (m) { map.removeLayer(m); });
    }
    function clearCurrent() {
      points = [];
      if (preview) { map.removeLayer(preview); preview = null; }
      previewMarkers.forEach(function (m) { map.removeLayer(m); });
      previewMarkers = [];
    }
    function drawCurrent() {
      if (preview) { map.removeLayer(preview); }
      previewMarkers.forEach(function (m) { map.removeLayer(m); });
      preview = L.polyline(points, { color: COLOUR, dashArray: "4 4" }).addTo(map);
      previewMarkers = points.map(function (p) { return L.circleMarker(p, { radius: 4, color: COLOUR }).addTo(map); });
    }

    function load() {
      shapes.forEach(remove);
      shapes = []; kept = [];
      clearCurrent();
      var data = parse(target.value);
      if (!data) { say(describe()); return; }
      var features = data.type === "FeatureCollection" ? (data.features || [])
        : data.type === "Feature" ? [data] : [{ type: "Feature", properties: {}, geometry: data }];
      features.forEach(function (feature) {
        var g = feature && feature.geometry, props = (feature && feature.properties) || {};
        if (!g || !Array.isArray(g.coordinates)) { kept.push(feature); return; }
        var parts = g.type === "Polygon" || g.type === "LineString" ? [g.coordinates]
          : g.type === "MultiPolygon" || g.type === "MultiLineString" ? g.coordinates : null;
        var flat = parts && (g.type.indexOf("Polygon") >= 0 ? parts.map(function (p) { return p[0] || []; }) : parts);
        if (!flat || !flat.every(function (c) { return c.length && c.every(isWgs84); })) { kept.push(feature); return; }
        flat.forEach(function (coords) {
          if (g.type.indexOf("Polygon") >= 0) {
            add("area", toLatLngs(coords.slice(0, -1)), props);
          } else {
            add("line", toLatLngs(coords), props);
            if (widthInput && !widthInput.value && props.width) { widthInput.value = props.width; }
          }
        });
      });
      if (shapes.length) {
        var group = L.featureGroup(shapes.map(function (s) { return s.layer; }));
        map.fitBounds(group.getBounds(), { padding: [30, 30], maxZoom: 19 });
      }
      say(describe());
    }

    map.on("click", function (e) {
      points.push(e.latlng);
      drawCurrent();
    });
    button("close").addEventListener("click", function () {
      var kind = mode();
      if (points.length < (kind === "line" ? 2 : 3)) { say(el.dataset.textTooFew || ""); return; }
      if (kind === "line" && !width()) { say(el.dataset.textWidth || ""); if (widthInput) { widthInput.focus(); } return; }
      var latlngs = points.slice();
      clearCurrent();
      add(kind, latlngs, {});
      write();
    });
    button("undo").addEventListener("click", function () {
      if (points.length) { points.pop(); drawCurrent(); }
    });
    button("delete").addEventListener("click", function () {
      if (points.length) { clearCurrent(); return; }
      var last = shapes.pop();
      if (last) { remove(last); write(); }
    });
    button("clear").addEventListener("click", function () {
      shapes.forEach(remove);
      shapes = []; kept = [];
      clearCurrent();
      write();
    });
    target.addEventListener("change", function () {
      load();
      target.dispatchEvent(new CustomEvent("permits:areas-drawn", { bubbles: true }));
    });
    // the areas moved by typing a corner's coordinates (request_form.js): drawn again
    target.addEventListener("permits:areas-load", load);
    if (widthInput) { widthInput.addEventListener("change", function () { if (shapes.length) { write(); } }); }
    load();
  }

  document.addEventListener("permits:map-ready", function (e) { start(e.target); });
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".map[data-target]").forEach(start);
  });
})();
