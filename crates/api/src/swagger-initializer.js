// Starts Swagger UI at /docs/, in place of the swagger-initializer.js that
// utoipa-swagger-ui bundles: the same settings (`followupConfig`, from
// `utoipa_swagger_ui::Config`, prepended by the server), plus a response
// interceptor that signs the page in. When "Try it out" on register, login
// or refresh answers with an `access_token`, the following calls carry it
// (the `bearer` scheme), without copying it into "Authorize"; with
// `persistAuthorization` it survives a reload.
window.onload = function () {
  var signIn = ["/v1/auth/register", "/v1/auth/login", "/v1/auth/refresh"];

  function responseInterceptor(response) {
    try {
      var path = new URL(response.url, window.location.href).pathname;
      var body = response.body;
      if (
        response.ok &&
        signIn.indexOf(path) !== -1 &&
        body &&
        typeof body.access_token === "string"
      ) {
        window.ui.preauthorizeApiKey("bearer", body.access_token);
        // What "Authorize" does after authorizing: store it in localStorage
        // when `persistAuthorization` is on (preauthorizeApiKey does not).
        window.ui.authActions.persistAuthorizationIfNeeded();
      }
    } catch (error) {
      console.warn("followup: could not sign Swagger UI in", error);
    }
    return response;
  }

  window.ui = SwaggerUIBundle(
    Object.assign({}, followupConfig, {
      presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
      plugins: [SwaggerUIBundle.plugins.DownloadUrl],
      responseInterceptor: responseInterceptor,
    })
  );
};
