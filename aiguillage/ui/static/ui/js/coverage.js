// Coverage map: cells where people in difficulty have no help within the chosen
// distance, shaded by how many they are, and the places that help on top. The table
// of the page is the source of truth and the accessible equivalent: the map is a
// visual complement, hidden from assistive technologies (aria-hidden) and kept out
// of the keyboard order. It stays hidden when Leaflet or the data are missing.
(function () {
  "use strict";

  var container = document.querySelector("[data-js-coverage-map]");
  if (!container || typeof window.L === "undefined" || !window.fetch) {
    return;
  }
  var L = window.L;
  var colours = (container.dataset.shadeColours || "").split(",");

  function escapeHtml(text) {
    var element = document.createElement("span");
    element.textContent = text;
    return element.innerHTML;
  }

  function keepOutOfTabOrder() {
    container.querySelectorAll("a, button, input, [tabindex]").forEach(function (element) {
      element.setAttribute("tabindex", "-1");
    });
  }

  function draw(layer) {
    container.hidden = false;
    var map = L.map(container, {
      keyboard: false,
      scrollWheelZoom: false,
      zoomSnap: 0.5,
      preferCanvas: true,
    });
    map.attributionControl.setPrefix(false);
    // The view first: vector layers need the map's size and position when added.
    map.fitBounds(layer.bounds, { padding: [12, 12] });
    L.tileLayer(container.dataset.tileUrl, {
      attribution: escapeHtml(container.dataset.tileAttribution || ""),
      maxZoom: 18,
    }).addTo(map);
    // Thousands of cells: one canvas, not one SVG element each.
    var renderer = L.canvas({ padding: 0.2 });
    (layer.outlines || []).forEach(function (geometry) {
      L.geoJSON(geometry, {
        renderer: renderer,
        interactive: false,
        style: { color: "#555555", weight: 1, fill: false },
      }).addTo(map);
    });
    layer.cells.forEach(function (cell) {
      L.rectangle(
        [
          [cell[0], cell[1]],
          [cell[2], cell[3]],
        ],
        {
          renderer: renderer,
          stroke: false,
          fillColor: colours[cell[5]] || colours[colours.length - 1],
          fillOpacity: 0.75,
          interactive: false,
        }
      ).addTo(map);
    });
    layer.places.forEach(function (place) {
      L.circleMarker([place.lat, place.lon], {
        renderer: renderer,
        radius: 5,
        color: "#ffffff",
        weight: 1.5,
        fillColor: "#1d4e89",
        fillOpacity: 1,
      })
        .bindTooltip(escapeHtml(place.name))
        .addTo(map);
    });
    map.on("popupopen tooltipopen", keepOutOfTabOrder);
    keepOutOfTabOrder();
  }

  fetch(container.dataset.mapUrl, {
    headers: { Accept: "application/json" },
    credentials: "same-origin",
  })
    .then(function (response) {
      if (!response.ok) {
        throw new Error("Carte " + response.status);
      }
      return response.json();
    })
    .then(draw)
    .catch(function () {
      container.hidden = true;
    });
})();
