/**
 * Starts Swagger UI on /docs: the devstack's own contract, with its one server replaced by this
 * page's origin, so "Try it out" calls the devstack the page came from whatever its port.
 * Served as a file, so the page's policy needs no inline script.
 */
const showError = (text) => {
  const note = document.createElement('p');
  note.className = 'devstack-note';
  note.setAttribute('role', 'alert');
  note.textContent = text;
  document.getElementById('swagger-ui')?.replaceChildren(note);
};

const start = async () => {
  const response = await fetch('/openapi.json', { headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`GET /openapi.json answered ${response.status}`);
  const spec = await response.json();
  spec.servers = [{ url: window.location.origin, description: 'This devstack' }];
  const { SwaggerUIBundle } = window;
  window.ui = SwaggerUIBundle({
    spec,
    dom_id: '#swagger-ui',
    deepLinking: true,
    layout: 'BaseLayout',
    presets: [SwaggerUIBundle.presets.apis],
    // The online validator badge would call swagger.io.
    validatorUrl: null,
    displayRequestDuration: true,
    persistAuthorization: false,
  });
};

start().catch((error) => showError(`The reference could not start: ${error.message}`));
