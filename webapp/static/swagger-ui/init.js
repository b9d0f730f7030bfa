// Starts Swagger UI on /docs. A file, not an inline script: the Content-Security-Policy
// allows scripts from our own origin only. The schema's URL is the page's data-openapi-url.
(function () {
  "use strict";
  var holder = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: holder.dataset.openapiUrl,
    dom_id: "#swagger-ui",
    deepLinking: true,
    showExtensions: true,
    showCommonExtensions: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
  });
})();
