// Starts Swagger UI on the page's #swagger-ui element. A file of its own, not an inline
// script: the page's Content-Security-Policy runs only scripts served by the platform.
window.addEventListener("load", function () {
  var root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.dataset.specUrl,
    domNode: root,
    deepLinking: true,
    // A bearer token or an API key typed into "Authorize" stays in this page only.
    persistAuthorization: false,
    displayRequestDuration: true,
    // Only the platform's own API: no call to the validator service of swagger.io.
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    // Each module's operations open from its tag: Swagger UI renders an OpenAPI 3.1
    // operation slowly, and halts with more than about a hundred open at once. The
    // schemas show within each operation, not as a list of their own.
    docExpansion: "none",
    defaultModelsExpandDepth: -1,
  });
});
