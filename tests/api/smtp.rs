//! A real SMTP server for the digest's tests: Python's aiosmtpd on
//! loopback (`scripts/smtp_sink.py`), in a virtual environment this module
//! makes on first use (`$FOLLOWUP_SMTP_VENV`, by default
//! `~/.cache/followup-aiosmtpd`), so `cargo test` needs nothing installed
//! by hand but Python 3.

#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers fail loudly"
)]

use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The aiosmtpd release the tests run against.
const AIOSMTPD: &str = "aiosmtpd==1.4.6";

fn venv() -> PathBuf {
    if let Ok(dir) = std::env::var("FOLLOWUP_SMTP_VENV") {
        return PathBuf::from(dir);
    }
    let home = std::env::var("HOME").unwrap_or_else(|_| "/tmp".to_owned());
    Path::new(&home).join(".cache/followup-aiosmtpd")
}

/// The virtual environment's Python, made (under a lock shared by the test
/// processes) if it is missing.
fn python() -> PathBuf {
    let venv = venv();
    let python = venv.join("bin/python");
    let ready = |python: &Path| {
        Command::new(python)
            .args(["-c", "import aiosmtpd"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    if ready(&python) {
        return python;
    }
    let parent = venv.parent().expect("the venv has a parent folder");
    std::fs::create_dir_all(parent).unwrap();
    let lock = std::fs::File::create(parent.join("followup-aiosmtpd.lock")).unwrap();
    lock.lock().unwrap();
    if !ready(&python) {
        let made = Command::new("python3")
            .args(["-m", "venv"])
            .arg(&venv)
            .status()
            .expect("python3 runs (the digest's tests need Python 3 for aiosmtpd)");
        assert!(made.success(), "python3 -m venv {} failed", venv.display());
        let installed = Command::new(venv.join("bin/pip"))
            .args([
                "install",
                "--quiet",
                "--disable-pip-version-check",
                AIOSMTPD,
            ])
            .status()
            .unwrap();
        assert!(installed.success(), "pip install {AIOSMTPD} failed");
    }
    lock.unlock().unwrap();
    python
}

/// How the sink answers.
#[derive(Debug, Default, Clone, Copy)]
pub struct Behaviour {
    /// Seconds between taking a message and answering 250.
    pub delay: f64,
    /// Messages answered 451 first.
    pub refuse: u32,
}

/// A running aiosmtpd that writes each message it takes to a folder.
pub struct Sink {
    child: Child,
    port: u16,
    dir: PathBuf,
}

impl Drop for Sink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A received message.
#[derive(Debug, Clone)]
pub struct Mail {
    /// The whole message as the server took it.
    pub raw: Vec<u8>,
}

impl Mail {
    fn parsed(&self) -> mail_parser::Message<'_> {
        mail_parser::MessageParser::default()
            .parse(&self.raw)
            .expect("a parseable message")
    }

    /// The envelope's recipients.
    pub fn rcpt(&self) -> String {
        self.header("X-Sink-Rcpt").unwrap_or_default()
    }

    /// A header's raw value, unfolded and trimmed.
    pub fn header(&self, name: &str) -> Option<String> {
        self.parsed()
            .header_raw(name)
            .map(|v| v.replace("\r\n", "").replace('\n', "").trim().to_owned())
    }

    /// The subject, decoded.
    pub fn subject(&self) -> String {
        self.parsed().subject().unwrap_or_default().to_owned()
    }

    /// The `Date` header as an instant.
    pub fn date(&self) -> chrono::DateTime<chrono::Utc> {
        let date = self.parsed().date().cloned().expect("a Date header");
        chrono::DateTime::from_timestamp(date.to_timestamp(), 0).unwrap()
    }

    /// The text part, decoded.
    pub fn text(&self) -> String {
        self.parsed()
            .body_text(0)
            .map(|t| t.into_owned())
            .unwrap_or_default()
    }

    /// The HTML part, decoded.
    pub fn html(&self) -> String {
        self.parsed()
            .body_html(0)
            .map(|t| t.into_owned())
            .unwrap_or_default()
    }

    /// The first link in the text part that starts with `prefix`.
    pub fn link(&self, prefix: &str) -> String {
        let text = self.text();
        let start = text
            .find(prefix)
            .unwrap_or_else(|| panic!("no link {prefix}… in:\n{text}"));
        text[start..].split_whitespace().next().unwrap().to_owned()
    }
}

impl Sink {
    /// Starts a sink that takes every message at once.
    pub fn start() -> Self {
        Self::start_with(Behaviour::default())
    }

    /// Starts a sink that answers as `behaviour` says.
    pub fn start_with(behaviour: Behaviour) -> Self {
        let python = python();
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/smtp_sink.py");
        let dir = std::env::temp_dir().join(format!("followup-sink-{}", uuid::Uuid::now_v7()));
        for _ in 0..5 {
            let port = std::net::TcpListener::bind("127.0.0.1:0")
                .unwrap()
                .local_addr()
                .unwrap()
                .port();
            let mut child = Command::new(&python)
                .arg(&script)
                .args(["--port", &port.to_string()])
                .arg("--dir")
                .arg(&dir)
                .args(["--delay", &behaviour.delay.to_string()])
                .args(["--refuse", &behaviour.refuse.to_string()])
                .stdout(Stdio::piped())
                .stderr(Stdio::inherit())
                .spawn()
                .unwrap();
            let mut line = String::new();
            let read = BufReader::new(child.stdout.take().unwrap()).read_line(&mut line);
            if read.is_ok() && line.starts_with("ready") {
                return Self { child, port, dir };
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        panic!("aiosmtpd did not start");
    }

    /// `smtp://127.0.0.1:<port>` (plain, as on loopback).
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// What it has taken so far, in order.
    pub fn mails(&self) -> Vec<Mail> {
        let mut names: Vec<PathBuf> = std::fs::read_dir(&self.dir)
            .map(|entries| {
                entries
                    .filter_map(Result::ok)
                    .map(|e| e.path())
                    .filter(|p| p.extension().is_some_and(|x| x == "eml"))
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        names
            .into_iter()
            .map(|p| Mail {
                raw: std::fs::read(p).unwrap(),
            })
            .collect()
    }

    /// Waits (at most 10 s) until it has taken at least `n` messages.
    pub async fn wait_for(&self, n: usize) -> Vec<Mail> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let mails = self.mails();
            if mails.len() >= n {
                return mails;
            }
            assert!(
                Instant::now() < deadline,
                "{} message(s) arrived, {n} expected",
                mails.len()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}
