//! `followup demo` as a newcomer runs it (README, "The first five
//! minutes"): the binary loads its story into an empty database and prints
//! how to sign in and what to try; each printed request answers as the
//! README says. A database with accounts, and production, are refused.

use std::io::{BufRead as _, BufReader};
use std::process::{Child, Command, Stdio};

use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_followup");

struct Demo {
    child: Child,
    printed: Vec<String>,
}

impl Drop for Demo {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `followup demo` on `database` and reads what it prints, up to
/// its last request.
fn start(database: &str) -> Demo {
    let mut child = Command::new(BIN)
        .args([
            "demo",
            "--listen",
            "127.0.0.1:0",
            "--database-url",
            database,
        ])
        .args(["--log-level", "warn"])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut printed = Vec::new();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    for line in lines.by_ref() {
        let line = line.unwrap();
        let last = line.contains("/next-actions?at=");
        printed.push(line);
        if last {
            break;
        }
    }
    // Keep reading what else it prints, so its stdout stays open.
    std::thread::spawn(move || lines.for_each(drop));
    assert!(
        printed.iter().any(|l| l.contains("/next-actions?at=")),
        "the demo printed:\n{}",
        printed.join("\n")
    );
    Demo { child, printed }
}

/// The value after `label` on the printed line that has it.
fn after<'a>(printed: &'a [String], label: &str) -> &'a str {
    printed
        .iter()
        .find_map(|l| l.split_once(label).map(|(_, rest)| rest.trim()))
        .unwrap_or_else(|| panic!("no {label:?} in:\n{}", printed.join("\n")))
}

/// The printed `curl -s 'URL' -H 'authorization: Bearer KEY'` lines, as
/// (comment above, URL, key).
fn requests(printed: &[String]) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for (n, line) in printed.iter().enumerate() {
        let Some(rest) = line.trim().strip_prefix("curl -s '") else {
            continue;
        };
        let Some((url, rest)) = rest.split_once("' -H 'authorization: Bearer ") else {
            continue;
        };
        let key = rest.trim_end_matches('\'').to_owned();
        let comment = printed[..n]
            .iter()
            .rev()
            .find(|l| l.starts_with('#'))
            .cloned()
            .unwrap_or_default();
        out.push((comment, url.to_owned(), key));
    }
    out
}

fn actions(agenda: &Value) -> Vec<&Value> {
    agenda["items"].as_array().unwrap().iter().collect()
}

fn has(agenda: &Value, action: &str) -> bool {
    actions(agenda).iter().any(|a| a["action"] == action)
}

#[tokio::test]
async fn the_demo_prints_how_to_sign_in_and_each_printed_request_tells_the_story() {
    let dir = std::env::temp_dir().join(format!("followup-demo-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();
    let database = format!("sqlite://{}/demo.db", dir.display());
    let demo = start(&database);
    let printed = &demo.printed;
    let base = after(printed, "The demo is ready at ")
        .split_whitespace()
        .next()
        .unwrap()
        .to_owned();
    let client = reqwest::Client::new();

    // Everyone signs in as printed.
    for who in [
        "Jane Doe, seeker",
        "Sam Rivera, seeker",
        "Casey Coach, coach",
    ] {
        let (email, password) = after(printed, who).split_once(" / ").unwrap();
        let login = client
            .post(format!("{base}/v1/auth/login"))
            .json(&json!({"email": email, "password": password}))
            .send()
            .await
            .unwrap();
        assert_eq!(login.status(), 200, "{who}");
    }

    let requests = requests(printed);
    assert_eq!(requests.len(), 4, "{printed:#?}");
    let mut answers = Vec::new();
    for (comment, url, key) in &requests {
        assert!(url.contains("at=2010-01-11T13:00:00Z"), "{url}");
        let answer = client.get(url).bearer_auth(key).send().await.unwrap();
        assert_eq!(answer.status(), 200, "{comment}: {url}");
        answers.push(answer.json::<Value>().await.unwrap());
    }
    let (jane, clients, comparisons, sam) = (&answers[0], &answers[1], &answers[2], &answers[3]);

    // Jane on Mon 11 Jan 2010: the promised call did not come; e-mail Mark
    // at 09:00 New York to offer to help, and keep applying. Nothing else.
    let mut jane_actions: Vec<(&str, &str)> = actions(jane)
        .iter()
        .map(|a| (a["action"].as_str().unwrap(), a["rule"].as_str().unwrap()))
        .collect();
    jane_actions.sort_unstable();
    assert_eq!(
        jane_actions,
        [
            ("apply_more", "accelerate_search"),
            ("offer_collaboration", "missed_promise_call")
        ],
        "{jane}"
    );
    let follow_up = actions(jane)
        .into_iter()
        .find(|a| a["action"] == "offer_collaboration")
        .unwrap();
    assert_eq!(follow_up["due_at"], "2010-01-11T14:00:00Z");
    assert!(
        follow_up["draft"]["to"]
            .as_str()
            .unwrap()
            .starts_with("mark@")
    );

    // Casey's clients that morning: Jane needs her (a broken promise), Sam
    // is busy with the offer.
    let items = clients["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{clients}");
    let by_name = |name: &str| {
        items
            .iter()
            .find(|c| c["display_name"] == name)
            .unwrap_or_else(|| panic!("{name} not in {clients}"))
    };
    let jane_row = by_name("Jane Doe");
    assert_eq!(jane_row["stalled"]["value"], true, "{jane_row}");
    assert!(
        jane_row["stalled"]["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .any(
                |r| r["reason"].as_str().unwrap().contains("broke a promise")
                    && r["reason_code"] == "promises_broken"
                    && r["args"]["promises"] == 1
            ),
        "{jane_row}"
    );
    // Not "no activity in 16 years": the list is read on 11 Jan 2010.
    assert!(
        jane_row["stalled"]["reasons"]
            .to_string()
            .contains("No activity in 24 days"),
        "{jane_row}"
    );
    assert_eq!(jane_row["last_activity"], "2009-12-17T23:00:00Z");
    let sam_row = by_name("Sam Rivera");
    assert_eq!(sam_row["finals"], 2, "{sam_row}");

    // Sam's opportunities compared.
    let compared = comparisons.to_string();
    for company in [
        "Northwind Press",
        "Harbor Daily",
        "Thames Digital",
        "Summit Books",
    ] {
        assert!(compared.contains(company), "{company} not in {comparisons}");
    }

    // Sam's agenda: every other kind of advice.
    for action in [
        "decide_offer",
        "ask_for_extension",
        "share_status",
        "confirm_rejection",
        "send_gracious_close",
        "prepare_interview",
    ] {
        assert!(has(sam, action), "no {action} in {sam}");
    }
    let call = actions(sam)
        .into_iter()
        .find(|a| a["action"] == "call")
        .unwrap_or_else(|| panic!("no call in {sam}"));
    let constraints = call["constraints"].to_string();
    for constraint in [
        "no_voicemail",
        "no_message_with_assistant",
        "best_time_only",
    ] {
        assert!(constraints.contains(constraint), "{call}");
    }
    // Tuesday 19 Jan, 14:00 New York: inside the assistant's best time.
    assert_eq!(call["due_at"], "2010-01-19T19:00:00Z", "{call}");
    // Oliver, in London, at 09:00 London.
    assert!(
        actions(sam)
            .iter()
            .any(|a| a["action"] == "share_status" && a["due_at"] == "2010-01-08T09:00:00Z"),
        "{sam}"
    );
    // Chris is out of the office until the 18th.
    assert!(
        actions(sam).iter().any(|a| a["action"] == "send_follow_up_email"
            && a["due_at"] == "2010-01-18T14:00:00Z"),
        "{sam}"
    );

    // As Jane herself, with the printed password.
    let (email, password) = after(printed, "Jane Doe, seeker")
        .split_once(" / ")
        .unwrap();
    let login: Value = client
        .post(format!("{base}/v1/auth/login"))
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let next_line = printed
        .iter()
        .find(|l| l.contains("/next-actions?at="))
        .unwrap();
    let url = next_line
        .trim()
        .strip_prefix("curl -s '")
        .and_then(|rest| rest.split_once('\''))
        .map(|(url, _)| url.to_owned())
        .unwrap();
    let next: Value = client
        .get(&url)
        .bearer_auth(login["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(next.to_string().contains("offer_collaboration"), "{next}");
    drop(demo);

    // Again on the same database: refused, it has accounts.
    let again = Command::new(BIN)
        .args([
            "demo",
            "--listen",
            "127.0.0.1:0",
            "--database-url",
            &database,
        ])
        .output()
        .unwrap();
    assert!(!again.status.success());
    let said = String::from_utf8_lossy(&again.stderr);
    assert!(said.contains("already has accounts"), "{said}");
    // Production: refused.
    let production = Command::new(BIN)
        .args([
            "demo",
            "--listen",
            "127.0.0.1:0",
            "--environment",
            "production",
        ])
        .args([
            "--database-url",
            &format!("sqlite://{}/other.db", dir.display()),
        ])
        .output()
        .unwrap();
    assert!(!production.status.success());
    let said = String::from_utf8_lossy(&production.stderr);
    assert!(said.contains("refuses production"), "{said}");
    let _ = std::fs::remove_dir_all(&dir);
}
