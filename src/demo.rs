//! `followup demo`: a server with a story in it (README, "The first five
//! minutes"). It loads a coherent data set through the API itself into an
//! empty database, prints how to sign in and what to ask, and serves like
//! `serve`.
//!
//! - Jane, the article's story (docs/cadence.md): a final at a New York
//!   online-media site on Thu 17 Dec 2009, the influence letter that
//!   evening, and a call promised "after New Year's" (Fri 8 Jan 2010). On
//!   Mon 11 Jan 2010 the promise is broken and the agenda says what to do.
//! - Sam, whose opportunities show the other kinds of advice on the same
//!   morning: a competing offer with a deadline, a manager reached through
//!   an assistant at a best time, an out-of-office, a London contact, a
//!   rejection, and an interview coming up.
//! - Casey, a coach both granted access to, with a custom playbook
//!   assigned to Sam.
//!
//! Every instant is fixed, and the printed requests carry `?at=`, so the
//! story reads the same on any day.

use anyhow::{Context as _, bail};
use reqwest::Method;
use serde_json::{Value, json};

/// The morning the story is read at: Mon 11 Jan 2010, 08:00 in New York.
pub const AT: &str = "2010-01-11T13:00:00Z";

/// An account of the demo.
#[derive(Debug, Clone)]
pub struct Person {
    /// Its e-mail.
    pub email: &'static str,
    /// Its password.
    pub password: &'static str,
    /// Its account id.
    pub id: String,
    /// A bearer token for the seeding.
    token: String,
}

/// What the demo made.
#[derive(Debug, Clone)]
pub struct Demo {
    /// The article's seeker.
    pub jane: Person,
    /// The seeker with every other kind of advice.
    pub sam: Person,
    /// Their coach.
    pub casey: Person,
    /// Casey's read-only API key.
    pub api_key: String,
    /// Jane's opportunity.
    pub jane_opportunity: String,
}

struct Api {
    client: reqwest::Client,
    base: String,
}

impl Api {
    async fn call(
        &self,
        token: &str,
        method: Method,
        path: &str,
        body: Value,
    ) -> anyhow::Result<Value> {
        let mut request = self
            .client
            .request(method.clone(), format!("{}{path}", self.base))
            .bearer_auth(token);
        if !body.is_null() {
            request = request.json(&body);
        }
        let response = request
            .send()
            .await
            .with_context(|| format!("{method} {path}"))?;
        let status = response.status();
        let text = response.text().await?;
        if !status.is_success() {
            bail!("seeding the demo: {method} {path} answered {status}: {text}");
        }
        Ok(serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    async fn register(
        &self,
        email: &'static str,
        password: &'static str,
        name: &str,
        role: &str,
        timezone: &str,
    ) -> anyhow::Result<Person> {
        let body = json!({"email": email, "password": password, "display_name": name,
                          "role": role, "timezone": timezone});
        let answer = self
            .client
            .post(format!("{}/v1/auth/register", self.base))
            .json(&body)
            .send()
            .await?;
        let status = answer.status();
        let answer: Value = answer.json().await?;
        if !status.is_success() {
            bail!("seeding the demo: registering {email} answered {status}: {answer}");
        }
        let text = |v: &Value| v.as_str().map(str::to_owned).context("a string");
        Ok(Person {
            email,
            password,
            id: text(&answer["user"]["id"])?,
            token: text(&answer["access_token"])?,
        })
    }

    /// Creates an opportunity; returns its id.
    async fn opportunity(&self, who: &Person, body: Value) -> anyhow::Result<String> {
        let made = self
            .call(&who.token, Method::POST, "/v1/opportunities", body)
            .await?;
        id(&made["opportunity"]["id"])
    }

    /// Adds a contact; returns its id.
    async fn contact(
        &self,
        who: &Person,
        opportunity: &str,
        body: Value,
    ) -> anyhow::Result<String> {
        let path = format!("/v1/opportunities/{opportunity}/contacts");
        let made = self.call(&who.token, Method::POST, &path, body).await?;
        id(&made["contact"]["id"])
    }

    /// Logs an interaction.
    async fn log(&self, who: &Person, opportunity: &str, body: Value) -> anyhow::Result<()> {
        let path = format!("/v1/opportunities/{opportunity}/interactions");
        self.call(&who.token, Method::POST, &path, body).await?;
        Ok(())
    }
}

fn id(value: &Value) -> anyhow::Result<String> {
    value
        .as_str()
        .map(str::to_owned)
        .context("the API answered without an id")
}

/// Loads the demo's data through the API at `base` (a server on an empty
/// database).
pub async fn seed(base: &str) -> anyhow::Result<Demo> {
    let api = Api {
        client: reqwest::Client::new(),
        base: base.trim_end_matches('/').to_owned(),
    };
    let ny = "America/New_York";
    let jane = api
        .register(
            "jane@example.com",
            "jane demo password",
            "Jane Doe",
            "seeker",
            ny,
        )
        .await?;
    let sam = api
        .register(
            "sam@example.com",
            "sam demo password",
            "Sam Rivera",
            "seeker",
            ny,
        )
        .await?;
    let casey = api
        .register(
            "casey@example.com",
            "casey demo password",
            "Casey Coach",
            "coach",
            ny,
        )
        .await?;

    // Jane: the article's story, and nothing else.
    let site = api
        .opportunity(
            &jane,
            json!({"company": "Up-and-coming Site", "title": "Editor", "industry": "online media",
                   "stage": "final", "excitement": 5}),
        )
        .await?;
    let mark = api
        .contact(
            &jane,
            &site,
            json!({"name": "Mark Boss", "role": "hiring_manager", "email": "mark@upandcoming.example",
                   "timezone": ny}),
        )
        .await?;
    api.log(
        &jane,
        &site,
        json!({"kind": "interview", "contact_id": mark,
        "occurred_at": "2009-12-17T15:00:00Z",
        "notes": "Final meeting with Mark. He will call after New Year's."}),
    )
    .await?;
    api.log(
        &jane,
        &site,
        json!({"kind": "influence_letter", "contact_id": mark,
        "occurred_at": "2009-12-17T23:00:00Z",
        "notes": "What I would accomplish in my first six months."}),
    )
    .await?;
    api.call(
        &jane.token,
        Method::POST,
        &format!("/v1/opportunities/{site}/promises"),
        json!({"contact_id": mark, "what": "call", "due": "2010-01-08",
               "made_at": "2009-12-17T15:30:00Z"}),
    )
    .await?;

    // Sam: the other kinds of advice, all on the same Monday morning.
    // A competing offer, due Wednesday.
    let northwind = api
        .opportunity(
            &sam,
            json!({"company": "Northwind Press", "title": "Managing Editor", "stage": "offer",
                   "offer_deadline": "2010-01-13", "base_salary": 95000, "currency": "USD",
                   "excitement": 3}),
        )
        .await?;
    let rita = api
        .contact(
            &sam,
            &northwind,
            json!({"name": "Rita Roe", "role": "recruiter", "email": "rita@northwind.example",
                   "timezone": ny}),
        )
        .await?;
    api.log(
        &sam,
        &northwind,
        json!({"kind": "offer_received", "contact_id": rita,
        "occurred_at": "2010-01-07T20:00:00Z", "notes": "Written offer; answer by Wednesday."}),
    )
    .await?;
    // A manager reached through her assistant, Tuesdays and Thursdays 2–3 pm.
    let harbor = api
        .opportunity(
            &sam,
            json!({"company": "Harbor Daily", "title": "Senior Editor", "industry": "news",
                   "stage": "final", "excitement": 5}),
        )
        .await?;
    let dana = api
        .contact(
            &sam,
            &harbor,
            json!({"name": "Dana Cole", "role": "hiring_manager", "phone": "+1 212 555 0142",
                   "preferred_channel": "phone", "timezone": ny,
                   "best_time": {"days": ["tue", "thu"], "from": "14:00", "to": "15:00"}}),
        )
        .await?;
    let pat = api
        .contact(
            &sam,
            &harbor,
            json!({"name": "Pat Green", "role": "assistant", "phone": "+1 212 555 0100",
                   "timezone": ny}),
        )
        .await?;
    api.log(
        &sam,
        &harbor,
        json!({"kind": "interview", "contact_id": dana,
        "occurred_at": "2009-12-21T16:00:00Z"}),
    )
    .await?;
    api.log(
        &sam,
        &harbor,
        json!({"kind": "thank_you", "contact_id": dana,
        "occurred_at": "2009-12-21T22:00:00Z"}),
    )
    .await?;
    api.log(
        &sam,
        &harbor,
        json!({"kind": "call_no_answer", "contact_id": dana,
        "occurred_at": "2010-01-07T15:00:00Z"}),
    )
    .await?;
    api.log(
        &sam,
        &harbor,
        json!({"kind": "call_connected", "contact_id": pat,
        "occurred_at": "2010-01-08T15:00:00Z",
        "notes": "Pat: Dana is best reached Tuesdays and Thursdays, two to three."}),
    )
    .await?;
    // An out-of-office reply: back on the 18th.
    let lighthouse = api
        .opportunity(
            &sam,
            json!({"company": "Lighthouse Media", "title": "Features Editor", "stage": "interviewing"}),
        )
        .await?;
    let chris = api
        .contact(
            &sam,
            &lighthouse,
            json!({"name": "Chris Wong", "role": "hiring_manager", "email": "chris@lighthouse.example",
                   "timezone": ny}),
        )
        .await?;
    api.log(
        &sam,
        &lighthouse,
        json!({"kind": "interview", "contact_id": chris,
        "occurred_at": "2009-12-29T15:00:00Z"}),
    )
    .await?;
    api.log(
        &sam,
        &lighthouse,
        json!({"kind": "follow_up_email", "contact_id": chris,
        "occurred_at": "2010-01-06T14:00:00Z"}),
    )
    .await?;
    api.log(
        &sam,
        &lighthouse,
        json!({"kind": "reply_received", "contact_id": chris,
        "occurred_at": "2010-01-06T14:05:00Z", "out_of_office_until": "2010-01-18",
        "notes": "Automatic reply: out of the office until 18 January."}),
    )
    .await?;
    // A contact in London, on London's business hours and bank holidays.
    let thames = api
        .opportunity(
            &sam,
            json!({"company": "Thames Digital", "title": "Editor", "location": "London",
                   "stage": "final", "holiday_calendar": "gb_england_wales"}),
        )
        .await?;
    let oliver = api
        .contact(
            &sam,
            &thames,
            json!({"name": "Oliver Hughes", "role": "hiring_manager",
                   "email": "oliver@thames.example", "timezone": "Europe/London"}),
        )
        .await?;
    api.log(
        &sam,
        &thames,
        json!({"kind": "interview", "contact_id": oliver,
        "occurred_at": "2010-01-05T11:00:00Z"}),
    )
    .await?;
    api.log(
        &sam,
        &thames,
        json!({"kind": "influence_letter", "contact_id": oliver,
        "occurred_at": "2010-01-05T18:00:00Z"}),
    )
    .await?;
    // A rejection, with the reason given.
    let granite = api
        .opportunity(
            &sam,
            json!({"company": "Granite Group", "title": "Copy Chief", "stage": "interviewing"}),
        )
        .await?;
    let lee = api
        .contact(
            &sam,
            &granite,
            json!({"name": "Lee Park", "role": "recruiter", "email": "lee@granite.example",
                   "timezone": ny}),
        )
        .await?;
    api.log(
        &sam,
        &granite,
        json!({"kind": "rejection_received", "contact_id": lee,
        "occurred_at": "2010-01-08T19:00:00Z", "rejection_reason": "competing_candidate",
        "notes": "They went with an internal candidate."}),
    )
    .await?;
    // An interview on Wednesday: prepare the day before.
    let summit = api
        .opportunity(
            &sam,
            json!({"company": "Summit Books", "title": "Acquisitions Editor", "stage": "interviewing"}),
        )
        .await?;
    let kim = api
        .contact(
            &sam,
            &summit,
            json!({"name": "Kim Ito", "role": "hiring_manager", "email": "kim@summit.example",
                   "timezone": ny}),
        )
        .await?;
    api.log(
        &sam,
        &summit,
        json!({"kind": "interview", "contact_id": kim,
        "occurred_at": "2010-01-13T15:00:00Z", "notes": "Second interview, with the publisher."}),
    )
    .await?;

    // Casey: invited by both, with a playbook of her own for Sam.
    for seeker in [&jane, &sam] {
        let invite = api
            .call(&casey.token, Method::POST, "/v1/coach/invites", Value::Null)
            .await?;
        let code = id(&invite["code"])?;
        api.call(
            &seeker.token,
            Method::POST,
            &format!("/v1/coach/invites/{code}/accept"),
            Value::Null,
        )
        .await?;
    }
    let playbook = api
        .call(
            &casey.token,
            Method::POST,
            "/v1/playbooks",
            json!({"name": "Casey's steady cadence", "extends": "balanced",
                   "rules": {"email_weekly_cap": {"params": {"cap_scope": "contact"}}}}),
        )
        .await?;
    let playbook = id(&playbook["playbook"]["id"])?;
    api.call(
        &casey.token,
        Method::PUT,
        &format!("/v1/coach/clients/{}/playbook", sam.id),
        json!({"playbook": playbook}),
    )
    .await?;
    let key = api
        .call(
            &casey.token,
            Method::POST,
            "/v1/api-keys",
            json!({"name": "followup demo", "scopes": ["read"]}),
        )
        .await?;
    let api_key = key["key"]
        .as_str()
        .or_else(|| key["token"].as_str())
        .map(str::to_owned)
        .context("the API key was not shown")?;
    Ok(Demo {
        jane,
        sam,
        casey,
        api_key,
        jane_opportunity: site,
    })
}

/// What `followup demo` prints once the data is in: who can sign in, and
/// requests to try, each on one `curl` line.
pub fn instructions(base: &str, demo: &Demo) -> String {
    let key = &demo.api_key;
    let curl = |path: String| format!("  curl -s '{base}{path}' -H 'authorization: Bearer {key}'");
    let login = format!(
        "  TOKEN=$(curl -s {base}/v1/auth/login -H 'content-type: application/json' \\\n    -d '{{\"email\":\"{}\",\"password\":\"{}\"}}' | sed -E 's/.*\"access_token\":\"([^\"]+)\".*/\\1/')",
        demo.jane.email, demo.jane.password
    );
    let mut out = String::new();
    out.push_str(&format!(
        "\nThe demo is ready at {base} (Swagger UI: {base}/docs).\n\n\
         Sign in (POST /v1/auth/login, or in Swagger UI):\n\
         \x20 Jane Doe, seeker    {} / {}\n\
         \x20 Sam Rivera, seeker  {} / {}\n\
         \x20 Casey Coach, coach  {} / {}\n\
         Casey's API key (read): {key}\n\n\
         The story reads on Monday 11 January 2010, 08:00 in New York ({AT}),\n\
         whatever today is: every request below carries ?at=.\n\n",
        demo.jane.email,
        demo.jane.password,
        demo.sam.email,
        demo.sam.password,
        demo.casey.email,
        demo.casey.password,
    ));
    out.push_str("# Jane's agenda: Mark promised a call after New Year's and did not call.\n");
    out.push_str(&curl(format!(
        "/v1/coach/clients/{}/agenda?at={AT}",
        demo.jane.id
    )));
    out.push_str("\n# Casey's clients that morning: who needs her, and why.\n");
    out.push_str(&curl(format!("/v1/coach/clients?at={AT}")));
    out.push_str("\n# Sam's opportunities compared: standing, fit, deadlines, broken promises.\n");
    out.push_str(&curl(format!(
        "/v1/coach/clients/{}/comparisons?at={AT}",
        demo.sam.id
    )));
    out.push_str("\n# Sam's agenda: an offer's deadline, an assistant's best time, an out-of-office,\n# London hours, a rejection, an interview to prepare.\n");
    out.push_str(&curl(format!(
        "/v1/coach/clients/{}/agenda?at={AT}",
        demo.sam.id
    )));
    out.push_str("\n# As Jane herself: sign in, then ask what to do next on her opportunity.\n");
    out.push_str(&login);
    out.push_str(&format!(
        "\n  curl -s '{base}/v1/opportunities/{}/next-actions?at={AT}' -H \"authorization: Bearer $TOKEN\"\n",
        demo.jane_opportunity
    ));
    out
}
