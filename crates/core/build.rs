//! Finds the translations: every `locales/<tag>.ftl` becomes a locale, so a
//! translator adds a language with a file and no code.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::{env, fs};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR")?).join("locales");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut locales: Vec<(String, PathBuf)> = fs::read_dir(&dir)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "ftl"))
        .filter_map(|p| {
            let tag = p.file_stem()?.to_str()?.to_owned();
            Some((tag, p))
        })
        .collect();
    locales.sort();
    let mut out = String::from(
        "/// Every `locales/<tag>.ftl`: the tag and the file's text, by tag.\n\
         pub(crate) static LOCALES: &[(&str, &str)] = &[\n",
    );
    for (tag, path) in &locales {
        println!("cargo:rerun-if-changed={}", path.display());
        let _ = writeln!(
            out,
            "    ({tag:?}, include_str!({:?})),",
            path.display().to_string()
        );
    }
    out.push_str("];\n");
    let target = PathBuf::from(env::var("OUT_DIR")?).join("locales.rs");
    fs::write(target, out)?;
    Ok(())
}
