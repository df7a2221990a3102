// Search form and place sheet enhancements. Everything here is optional: the form
// and the pages work without JavaScript. Hooks are data-js-* attributes.
(function () {
  "use strict";

  var form = document.querySelector("[data-js-search-form]");

  // The error summary of a reloaded form takes the focus, so that it is read first.
  var summary = document.querySelector("[data-js-error-summary]");
  if (summary) {
    summary.focus();
  }

  // « Imprimer la fiche » on the printable sheet.
  var printButton = document.querySelector("[data-js-print]");
  if (printButton && window.print) {
    printButton.hidden = false;
    printButton.addEventListener("click", function () {
      window.print();
    });
  }

  if (!form) {
    return;
  }

  // « Back » reloads the page from its address instead of restoring an htmx snapshot:
  // the server renders every search from its URL, and a snapshot cannot revive the map.
  if (window.htmx) {
    window.htmx.config.historyCacheSize = 0;
    window.htmx.config.refreshOnHistoryMiss = true;
  }

  // Shareable addresses: leave empty criteria out of the query string.
  document.body.addEventListener("htmx:configRequest", function (event) {
    if (event.detail.elt !== form) {
      return;
    }
    var parameters = event.detail.parameters;
    Object.keys(parameters).forEach(function (name) {
      if (parameters[name] === "") {
        delete parameters[name];
      }
    });
  });

  var where = form.querySelector("[data-js-where]");
  var lat = form.querySelector("[data-js-lat]");
  var lon = form.querySelector("[data-js-lon]");
  var slot = form.querySelector("[data-js-when-slot]");
  var available = form.querySelector("[data-js-when-available]");

  function submit() {
    if (form.requestSubmit) {
      form.requestSubmit();
    } else {
      form.submit();
    }
  }

  // The day and slot only matter for « un jour et un créneau choisis »: hidden and
  // left out of the query string otherwise.
  // Likewise the days and moments of « quand je suis disponible ».
  function syncPanel(panel, value) {
    var chosen = form.querySelector("[data-js-when]:checked");
    var wanted = chosen !== null && chosen.value === value;
    panel.hidden = !wanted;
    panel.querySelectorAll("select, input").forEach(function (field) {
      field.disabled = !wanted;
    });
  }
  function syncSlot() {
    if (slot) {
      syncPanel(slot, "creneau");
    }
    if (available) {
      syncPanel(available, "disponible");
    }
  }
  syncSlot();

  // Ticking a box or choosing a day updates the results at once (htmx swaps the list
  // and the count heading is announced); typing a commune waits for « Chercher ».
  form.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches("[data-js-when]")) {
      syncSlot();
    }
    if (target.matches("input[type=checkbox], input[type=radio], select")) {
      submit();
    }
  });

  // A typed commune replaces a previous position.
  if (where) {
    where.addEventListener("input", function () {
      if (where.value.trim() !== "") {
        lat.value = "";
        lon.value = "";
      }
    });
  }

  // « Utiliser ma position »: the browser asks the person; we round to about 100 m
  // because the position ends up in the address of the page.
  var locate = form.querySelector("[data-js-geolocate]");
  var status = form.querySelector("[data-js-geolocate-status]");
  if (locate && navigator.geolocation) {
    locate.hidden = false;
    locate.addEventListener("click", function () {
      status.textContent = "Recherche de votre position…";
      locate.disabled = true;
      navigator.geolocation.getCurrentPosition(
        function (position) {
          lat.value = position.coords.latitude.toFixed(3);
          lon.value = position.coords.longitude.toFixed(3);
          where.value = "";
          status.textContent = "Position trouvée : recherche des lieux les plus proches.";
          locate.disabled = false;
          submit();
        },
        function () {
          status.textContent =
            "Votre position n'est pas disponible. Indiquez votre commune ou votre code postal.";
          locate.disabled = false;
        },
        { enableHighAccuracy: false, timeout: 10000, maximumAge: 300000 }
      );
    });
  }
})();
