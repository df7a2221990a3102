// Map beside the list of places. The list is the source of truth and the accessible
// equivalent: the map is a visual complement, hidden from assistive technologies
// (aria-hidden) and kept out of the keyboard order. It stays hidden when Leaflet or
// the GeoJSON feed is missing; tiles that do not load leave an empty background.
(function () {
  "use strict";

  var container = document.querySelector("[data-js-map]");
  if (!container || typeof window.L === "undefined" || !window.fetch) {
    return;
  }
  var L = window.L;
  var layout = document.querySelector("[data-js-search-layout]");

  function escapeHtml(text) {
    var element = document.createElement("span");
    element.textContent = text;
    return element.innerHTML;
  }

  // Nothing inside an aria-hidden region may take the keyboard focus.
  function keepOutOfTabOrder() {
    container.querySelectorAll("a, button, input, [tabindex]").forEach(function (element) {
      element.setAttribute("tabindex", "-1");
    });
  }

  function show() {
    if (container.hidden) {
      container.hidden = false;
      if (layout) {
        layout.classList.add("has-map");
      }
      map.invalidateSize();
    }
  }

  function hide() {
    container.hidden = true;
    if (layout) {
      layout.classList.remove("has-map");
    }
  }

  var map = L.map(container, {
    keyboard: false,
    scrollWheelZoom: false,
    zoomSnap: 0.5,
  });
  map.attributionControl.setPrefix(false);
  L.tileLayer(container.dataset.tileUrl, {
    attribution: escapeHtml(container.dataset.tileAttribution || ""),
    maxZoom: 19,
  }).addTo(map);
  var markers = L.layerGroup().addTo(map);

  function popupContent(properties) {
    var lines = [
      '<a href="' + escapeHtml(properties.url) + '" tabindex="-1">' + escapeHtml(properties.name) + "</a>",
      escapeHtml(properties.status),
    ];
    if (properties.distance) {
      lines.push(escapeHtml(properties.distance));
    }
    return lines.join("<br>");
  }

  function draw(collection) {
    markers.clearLayers();
    var points = [];
    (collection.features || []).forEach(function (feature) {
      var coordinates = feature.geometry.coordinates;
      var latLng = [coordinates[1], coordinates[0]];
      var properties = feature.properties;
      var state = properties.is_open === true ? "open" : properties.is_open === false ? "closed" : "unknown";
      var icon = L.divIcon({
        className: "map-marker map-marker-" + state,
        html: String(properties.number),
        iconSize: [30, 30],
        iconAnchor: [15, 15],
        popupAnchor: [0, -15],
      });
      L.marker(latLng, { icon: icon, keyboard: false, title: properties.name })
        .bindPopup(popupContent(properties))
        .addTo(markers);
      points.push(latLng);
    });
    if (collection.origin) {
      var origin = [collection.origin[1], collection.origin[0]];
      L.circleMarker(origin, { radius: 7, className: "map-origin", interactive: false }).addTo(markers);
      points.push(origin);
    }
    if (points.length === 0) {
      hide();
      return;
    }
    show();
    if (points.length === 1) {
      map.setView(points[0], 14);
    } else {
      map.fitBounds(points, { padding: [24, 24], maxZoom: 15 });
    }
    keepOutOfTabOrder();
  }

  function refresh() {
    var source = document.querySelector("[data-js-map-source]");
    var url = source && source.dataset.geojsonUrl;
    if (!url) {
      markers.clearLayers();
      hide();
      return;
    }
    fetch(url, { headers: { Accept: "application/geo+json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("GeoJSON " + response.status);
        }
        return response.json();
      })
      .then(draw)
      .catch(hide);
  }

  map.on("popupopen", keepOutOfTabOrder);
  document.body.addEventListener("htmx:afterSettle", function (event) {
    if (event.target && event.target.id === "results") {
      refresh();
    }
  });
  keepOutOfTabOrder();
  refresh();
})();
