// Swagger UI on /api/v1/docs, from our own static files (vendor/swagger-ui, installed from
// npm by `make vendor`): no CDN and no inline script, as the Content-Security-Policy asks.
(function () {
  "use strict";
  var root = document.querySelector("[data-js-api-docs]");
  if (!root || typeof window.SwaggerUIBundle !== "function") {
    return;
  }
  window.SwaggerUIBundle({
    url: root.getAttribute("data-openapi-url"),
    domNode: root,
    deepLinking: true,
    layout: "BaseLayout",
    presets: [window.SwaggerUIBundle.presets.apis],
    // No call to the public validator service: it is outside the site.
    validatorUrl: null,
  });
})();
