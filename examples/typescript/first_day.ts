// A seeker's first day against the followup API, through openapi-fetch and
// the types that openapi-typescript generates from openapi/openapi.json
// (`generated/api.d.ts`, made by scripts/clients.sh or `npm run generate`).
//
// Register, add an opportunity at its final round, the hiring manager, and
// the interview three days ago; read what to do next and the agenda; do the
// first e-mail action and log it; read the agenda again and see it changed.
// Prints a short log of the day. Exits non-zero on any unexpected status.
//
// FOLLOWUP_BASE_URL names the server (default http://127.0.0.1:8080).

import createClient, { type Middleware } from "openapi-fetch";
import type { components, paths } from "./generated/api.js";

type NextAction = components["schemas"]["NextAction"];
type InteractionKind = components["schemas"]["InteractionKind"];
type FieldError = components["schemas"]["FieldError"];

const baseUrl = process.env["FOLLOWUP_BASE_URL"] ?? "http://127.0.0.1:8080";

class Unexpected extends Error {}

// openapi-fetch answers `{ data, error, response }` and never throws on a
// status; this turns anything but the documented success into a failure.
function expect<T>(step: string, want: number, result: { data?: T; error?: unknown; response: Response }): T {
    const { data, error, response } = result;
    if (response.status !== want || data === undefined) {
        throw new Unexpected(
            `${step}: expected ${want}, got ${response.status} ${response.statusText}: ${JSON.stringify(error ?? data)}`,
        );
    }
    return data;
}

function daysAgo(days: number): string {
    return new Date(Date.now() - days * 24 * 3600 * 1000).toISOString();
}

function describe(a: NextAction): string {
    const subject = a.draft?.subject ? ` — "${a.draft.subject}"` : "";
    return `${a.due_at}  ${a.action} [${a.priority}, ${a.channel ?? "any"}]${subject}`;
}

function show(title: string, items: NextAction[]): void {
    console.log(`${title}: ${items.length} action(s)`);
    for (const a of items) console.log(`    ${describe(a)}`);
}

// An app's own words for the field errors it expects, from their stable
// `code` and `params` (docs/errors.md), instead of the API's English.
const words: Record<string, (e: FieldError) => string> = {
    too_long: (e) => `Keep ${e.field} under ${String((e.params as Record<string, unknown>)["max"])} characters.`,
    not_a_time_zone: (e) => `Choose a time zone for ${e.field} from the list.`,
    required: (e) => `Fill in ${e.field}.`,
};

// An app's own words for a reason, from its stable `reason_code` and `args`
// (docs/localisation.md): German here, whatever the account's language.
// Instants come as RFC 9557, `2026-11-16T09:00:00+01:00[Europe/Berlin]`.
function wann(value: unknown): string {
    const text = String(value);
    const open = text.indexOf("[");
    const zone = open >= 0 ? text.slice(open + 1, -1) : "UTC";
    const instant = new Date(open >= 0 ? text.slice(0, open) : text);
    const format = new Intl.DateTimeFormat("de-DE", {
        timeZone: zone, weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit",
    });
    return `${format.format(instant)} (${zone})`;
}

const german: Partial<Record<NextAction["reason_code"], (a: NextAction["args"]) => string>> = {
    influence_letter: (a) =>
        `Gespräch am ${wann(a["interviewed_at"])}: Schreiben Sie ${String(a["contact_name"] ?? "dem Arbeitgeber")} ` +
        `bis ${wann(a["window_end"])}, was Sie in den ersten sechs Monaten erreichen würden.`,
    silence: (a) => `Seit ${String(a["last_heard_on"])} keine Nachricht: Melden Sie sich bei ${String(a["contact_name"] ?? "dem Arbeitgeber")}.`,
};

// What to log once an e-mail action is done.
const answers: Partial<Record<NextAction["action"], InteractionKind>> = {
    send_influence_letter: "influence_letter",
    send_follow_up_email: "follow_up_email",
};

async function main(): Promise<void> {
    const api = createClient<paths>({ baseUrl });
    const stamp = Date.now().toString(36);
    const email = `jane.${stamp}@example.com`;

    const registered = expect("register", 201, await api.POST("/v1/auth/register", {
        body: {
            email,
            password: "a long passphrase",
            display_name: "Jane Doe",
            role: "seeker",
            timezone: "America/New_York",
        },
    }));
    console.log(`registered ${registered.user.display_name} <${registered.user.email}> as a ${registered.user.role}`);

    // Every later call carries the access token.
    const bearer: Middleware = {
        onRequest({ request }) {
            request.headers.set("Authorization", `Bearer ${registered.access_token}`);
            return request;
        },
    };
    api.use(bearer);

    const created = expect("create opportunity", 201, await api.POST("/v1/opportunities", {
        body: { company: "Hearst Digital", title: "Senior Editor", stage: "final" },
    }));
    const opp = created.opportunity;
    console.log(`opportunity: ${opp.title} at ${opp.company}, stage ${opp.stage}`);

    const contact = expect("add contact", 201, await api.POST("/v1/opportunities/{id}/contacts", {
        params: { path: { id: opp.id } },
        body: { name: "Sam Boss", role: "hiring_manager", email: "sam.boss@example.com" },
    })).contact;
    console.log(`contact: ${contact.name} (${contact.role}) <${contact.email ?? "no e-mail"}>`);

    // A form with two mistakes: both come back at once, each with a code.
    const refused = await api.POST("/v1/opportunities/{id}/contacts", {
        params: { path: { id: opp.id } },
        body: { name: "S".repeat(300), role: "recruiter", timezone: "Mars/Olympus" },
    });
    if (refused.response.status !== 422 || refused.error === undefined) {
        throw new Unexpected(`a bad contact: expected 422, got ${refused.response.status}`);
    }
    const problem = refused.error as components["schemas"]["Problem"];
    const codes = (problem.errors ?? []).map((e) => e.code).sort();
    if (problem.code !== "validation_failed" || codes.join(",") !== "not_a_time_zone,too_long") {
        throw new Unexpected(`a bad contact: ${JSON.stringify(problem)}`);
    }
    for (const e of problem.errors ?? []) console.log(`    refused: ${words[e.code]?.(e) ?? e.message}`);

    const interview = expect("log interview", 201, await api.POST("/v1/opportunities/{id}/interactions", {
        params: { path: { id: opp.id } },
        body: { kind: "interview", contact_id: contact.id, occurred_at: daysAgo(3) },
    })).interaction;
    console.log(`logged: ${interview.kind} with ${contact.name} at ${interview.occurred_at}`);

    const next = expect("next actions", 200, await api.GET("/v1/opportunities/{id}/next-actions", {
        params: { path: { id: opp.id } },
    }));
    show(`next actions for ${opp.company}`, next.items);

    const before = expect("agenda", 200, await api.GET("/v1/agenda", {}));
    show("agenda", before.items);

    const todo = before.items.find((a) => answers[a.action] !== undefined);
    if (todo === undefined) throw new Unexpected("no e-mail action on the agenda after an interview");
    const kind = answers[todo.action]!;
    console.log(`doing: ${todo.action} (${todo.reason})`);
    const inGerman = german[todo.reason_code]?.(todo.args);
    if (inGerman === undefined || !inGerman.includes(contact.name.split(" ")[0]!)) {
        throw new Unexpected(`no German words for ${todo.reason_code} from ${JSON.stringify(todo.args)}`);
    }
    console.log(`    in the app's own German: ${inGerman}`);
    if (todo.draft) console.log(`    subject: ${todo.draft.subject ?? "(none)"}`);

    const done = expect("log what was done", 201, await api.POST("/v1/opportunities/{id}/interactions", {
        params: { path: { id: opp.id } },
        body: { kind, contact_id: todo.contact_id ?? contact.id, notes: "Sent from the first-day example." },
    }));
    console.log(`logged: ${done.interaction.kind} at ${done.interaction.occurred_at}`);
    for (const w of done.warnings) console.log(`    warning ${w.code}: ${w.message}`);

    const after = expect("agenda again", 200, await api.GET("/v1/agenda", {}));
    show("agenda now", after.items);
    if (after.items.some((a) => a.id === todo.id)) {
        throw new Unexpected(`the agenda still lists ${todo.action} (${todo.id}) after it was logged`);
    }
    const was = before.items.map((a) => a.id).join(",");
    const now = after.items.map((a) => a.id).join(",");
    if (was === now) throw new Unexpected("the agenda did not change");
    console.log("typescript example: the day went as planned");
}

main().catch((err: unknown) => {
    console.error(`typescript example FAILED: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
});
