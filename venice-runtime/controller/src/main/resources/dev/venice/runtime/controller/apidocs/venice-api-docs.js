// Starts Swagger UI on this controller's own description. A file rather than an inline script so
// the page's content security policy allows this origin's scripts only.
'use strict';
window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: '/openapi.yaml',
    dom_id: '#swagger-ui',
    deepLinking: true
  });
});
