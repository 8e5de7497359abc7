// Drives Swagger UI at BASE/docs/ in Chromium (see scripts/browser.sh):
// register, then GET /v1/me signed in by the page itself, then the same after
// a reload. Throws (exit 1) at the first step that fails.
// Usage: FOLLOWUP_PLAYWRIGHT_PREFIX=… FOLLOWUP_CHROMIUM=… node scripts/browser.mjs BASE
import { createRequire } from "node:module";
import path from "node:path";

const base = process.argv[2];
if (!base) throw new Error("usage: node scripts/browser.mjs BASE_URL");
const prefix = process.env.FOLLOWUP_PLAYWRIGHT_PREFIX;
const require = createRequire(path.join(prefix, "package.json"));
const { chromium } = require("playwright-core");
const { version } = require("playwright-core/package.json");

const email = `browser-${Date.now()}@example.com`;
const register = {
  email,
  password: "a browser passphrase",
  display_name: "Browser Seeker",
  role: "seeker",
  timezone: "Europe/Paris",
};

function check(condition, message) {
  if (!condition) throw new Error(message);
}

// Whether `locator` shows within a few seconds.
async function shows(locator) {
  return locator.waitFor({ timeout: 10000 }).then(
    () => true,
    () => false,
  );
}

const browser = await chromium.launch({
  executablePath: process.env.FOLLOWUP_CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox"],
});
const failures = [];
try {
  const page = await browser.newPage();
  // Swagger UI must work offline: nothing but this server may be asked for.
  page.on("request", (request) => {
    const url = request.url();
    if (!url.startsWith(base) && !url.startsWith("data:")) {
      failures.push(`the page requested ${url}`);
    }
  });
  page.on("pageerror", (error) => failures.push(`page error: ${error.message}`));

  const opblock = (id) => page.locator(`#${id}`);

  // Expands an operation, executes it (with `body` as its JSON request body
  // if given) and returns what the browser received: the network response
  // and what Swagger UI shows.
  async function execute(id, method, route, body) {
    const block = opblock(id);
    await block.waitFor({ timeout: 30000 });
    if (!(await block.locator(".opblock-body").isVisible())) {
      await block.locator(".opblock-summary").first().click();
    }
    const tryOut = block.locator("button.try-out__btn");
    if ((await tryOut.innerText()).trim() === "Try it out") {
      await tryOut.click();
    }
    if (body !== undefined) {
      const textarea = block.locator("textarea.body-param__text");
      await textarea.fill(JSON.stringify(body, null, 2));
    }
    const answered = page.waitForResponse(
      (r) => new URL(r.url()).pathname === route && r.request().method() === method,
      { timeout: 30000 },
    );
    await block.locator("button.execute").click();
    const response = await answered;
    const status = block.locator(".live-responses-table tbody .response-col_status").first();
    await status.waitFor({ timeout: 30000 });
    const shown = (await status.innerText()).trim();
    const shownBody = await block
      .locator(".live-responses-table tbody .response-col_description")
      .first()
      .innerText();
    return {
      status: response.status(),
      authorization: await response.request().headerValue("authorization"),
      json: await response.json().catch(() => null),
      shown,
      shownBody,
    };
  }

  async function me(when) {
    const got = await execute("operations-account-get_me", "GET", "/v1/me");
    check(
      got.authorization && /^Bearer \S+$/.test(got.authorization),
      `${when}: GET /v1/me was sent without a bearer token (${got.authorization})`,
    );
    check(got.status === 200, `${when}: GET /v1/me answered ${got.status}`);
    check(got.shown === "200", `${when}: Swagger UI shows ${got.shown} for GET /v1/me`);
    check(got.json?.email === email, `${when}: GET /v1/me is ${JSON.stringify(got.json)}`);
    check(got.shownBody.includes(email), `${when}: Swagger UI does not show ${email}`);
    console.log(`${when}: GET /v1/me → 200, ${got.json.email}, sent with the token`);
  }

  await page.goto(`${base}/docs/`);
  const registered = await execute("operations-auth-register", "POST", "/v1/auth/register", register);
  check(registered.status === 201, `POST /v1/auth/register answered ${registered.status}`);
  check(registered.shown === "201", `Swagger UI shows ${registered.shown} for register`);
  check(
    typeof registered.json?.access_token === "string",
    "the registration answered no access_token",
  );
  console.log(`POST /v1/auth/register → 201 for ${email}`);
  check(
    await shows(page.locator(".auth-wrapper .authorize.locked")),
    "the Authorize button does not show the page signed in",
  );

  await me("signed in by the registration");

  await page.reload();
  await opblock("operations-account-get_me").waitFor({ timeout: 30000 });
  check(
    await shows(page.locator(".auth-wrapper .authorize.locked")),
    "after the reload, the Authorize button does not show the page signed in",
  );
  await me("after a reload");

  check(failures.length === 0, failures.join("\n"));
  console.log(`Swagger UI signs in by itself (playwright-core ${version}, ${browser.version()})`);
} finally {
  await browser.close();
}
