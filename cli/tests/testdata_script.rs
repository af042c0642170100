//! `scripts/testdata.sh` against a local `file://` mirror (no network): a
//! mirror is built in a scratch folder from the data this machine has
//! (`../shared`, the variables or `testdata/`), laid out as
//! raw.githubusercontent.com lays out the pinned commits, and the script
//! runs on the lines of the real manifest whose files the mirror has, so
//! the real checksums check the local copies byte for byte. Then the real
//! `iris` runs on what it installed.

#![cfg(unix)]

mod common;

use common::{iris, text};

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// This checkout (from this crate's own path, so that the script tested
/// is the one beside it).
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// One manifest line: checksum, upstream path, install path.
struct Entry {
    line: String,
    source: String,
    path: String,
}

/// The repository's manifest.
fn manifest() -> Vec<Entry> {
    let path = root().join("scripts/testdata.sha256");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            assert_eq!(fields.len(), 3, "manifest line: {line}");
            Entry {
                line: line.to_string(),
                source: fields[1].to_string(),
                path: fields[2].to_string(),
            }
        })
        .collect()
}

/// Where this machine has the file the manifest installs at `path`.
fn local_copy(path: &str) -> Option<PathBuf> {
    let file = if let Some(rest) = path.strip_prefix("wasm-testsuite/core/") {
        test_data::spec_dir_or_panic().join(rest)
    } else if let Some(rest) = path.strip_prefix("ewasm-tests/") {
        test_data::ewasm_dir_or_panic().join(rest)
    } else {
        // The licences: ../shared keeps them beside the data, and so may a
        // variable's folder; a missing one is left out.
        let spec = test_data::spec_dir_or_panic();
        spec.parent()?.join(path.strip_prefix("wasm-testsuite/")?)
    };
    file.is_file().then_some(file)
}

/// A mirror of every file this machine has, and the manifest of those
/// lines.
struct Mirror {
    dir: tempfile::TempDir,
    entries: Vec<(Entry, PathBuf)>,
}

impl Mirror {
    fn build() -> Self {
        let dir = tempfile::tempdir().expect("scratch folder");
        let entries: Vec<(Entry, PathBuf)> = manifest()
            .into_iter()
            .filter_map(|entry| local_copy(&entry.path).map(|file| (entry, file)))
            .collect();
        assert!(
            entries.iter().any(|(e, _)| e.path.ends_with(".wast"))
                && entries.iter().any(|(e, _)| e.path.ends_with(".json")),
            "this machine has neither spec scripts nor vectors the manifest names"
        );
        let mut lines = String::new();
        for (entry, file) in &entries {
            let at = dir.path().join("mirror").join(&entry.source);
            std::fs::create_dir_all(at.parent().expect("a parent")).expect("mirror folder");
            std::fs::copy(file, &at).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            lines.push_str(&entry.line);
            lines.push('\n');
        }
        std::fs::write(dir.path().join("manifest"), lines).expect("manifest");
        Self { dir, entries }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Runs the script against the mirror, installing into `dest`.
    fn fetch(&self, dest: &Path, args: &[&str]) -> Output {
        self.fetch_with(&root().join("scripts/testdata.sh"), dest, args)
    }

    /// Runs `script` against the mirror, installing into `dest`.
    fn fetch_with(&self, script: &Path, dest: &Path, args: &[&str]) -> Output {
        Command::new("bash")
            .arg(script)
            .args(args)
            .env(
                "IRIS_TESTDATA_MIRROR",
                format!("file://{}", self.path("mirror").display()),
            )
            .env("IRIS_TESTDATA_MANIFEST", self.path("manifest"))
            .env("IRIS_TESTDATA_DIR", dest)
            .env_remove("IRIS_SPEC_DIR")
            .env_remove("IRIS_EWASM_TESTS")
            .output()
            .expect("bash runs the script")
    }

    /// Scratch folders the script left beside its installs.
    fn leftovers(&self) -> Vec<String> {
        std::fs::read_dir(self.dir.path())
            .expect("scratch folder")
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|name| name.starts_with(".testdata"))
            .collect()
    }
}

#[test]
fn the_script_installs_the_checked_files_and_iris_runs_them() {
    let mirror = Mirror::build();
    let dest = mirror.path("testdata");
    let out = mirror.fetch(&dest, &["--fetch"]);
    assert!(
        out.status.success(),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    assert!(
        text(&out.stdout).contains(&format!("installed {} files", mirror.entries.len())),
        "{}",
        text(&out.stdout)
    );
    for (entry, file) in &mirror.entries {
        let installed = dest.join(&entry.path);
        let got = std::fs::read(&installed).unwrap_or_else(|e| panic!("{}: {e}", entry.path));
        assert!(
            got == std::fs::read(file).expect("local copy"),
            "{}",
            entry.path
        );
    }
    assert!(mirror.leftovers().is_empty(), "{:?}", mirror.leftovers());

    // Installed once: a second run fetches nothing.
    let again = mirror.fetch(&dest, &[]);
    assert!(again.status.success(), "{}", text(&again.stderr));
    assert!(
        text(&again.stdout).contains("nothing fetched"),
        "{}",
        text(&again.stdout)
    );

    // The real binary on the installed tree: the vectors pass, and so do
    // the spec scripts of the folder.
    let vectors = iris(&[Path::new("statetest"), &dest.join("ewasm-tests")]);
    let report = text(&vectors.stdout);
    assert_eq!(vectors.status.code(), Some(0), "{report}");
    let last = report.lines().last().unwrap_or_default();
    assert!(
        last.ends_with(" passed, 0 failed") && !last.starts_with("0 "),
        "{last}"
    );
    let spec = iris(&[
        Path::new("wast"),
        &dest.join("wasm-testsuite/core/i32.wast"),
        &dest.join("wasm-testsuite/core/br_table.wast"),
    ]);
    assert_eq!(spec.status.code(), Some(0), "{}", text(&spec.stdout));
    assert!(text(&spec.stdout).ends_with(" passed, 0 failed\n"));
}

#[test]
fn a_tampered_file_fails_the_script_and_installs_nothing() {
    let mirror = Mirror::build();
    let (entry, _) = mirror
        .entries
        .iter()
        .find(|(e, _)| e.path.ends_with(".json"))
        .expect("a vector");
    let at = mirror.path("mirror").join(&entry.source);
    let mut bytes = std::fs::read(&at).expect("mirrored vector");
    bytes.extend_from_slice(b" ");
    std::fs::write(&at, bytes).expect("tampered vector");

    let dest = mirror.path("testdata");
    let out = mirror.fetch(&dest, &["--fetch"]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("checksum mismatch, nothing installed"),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("{}: FAILED", entry.path)),
        "{stderr}"
    );
    assert!(
        !dest.exists(),
        "a failed fetch installed {}",
        dest.display()
    );
    assert!(mirror.leftovers().is_empty(), "{:?}", mirror.leftovers());
}

#[test]
fn a_missing_file_fails_the_script_and_keeps_what_was_installed() {
    let mirror = Mirror::build();
    let dest = mirror.path("testdata");
    std::fs::create_dir(&dest).expect("an older install");
    std::fs::write(dest.join("older"), "kept").expect("older file");
    let (entry, _) = mirror.entries.last().expect("an entry");
    std::fs::remove_file(mirror.path("mirror").join(&entry.source)).expect("removed");

    let out = mirror.fetch(&dest, &["--fetch"]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("download failed; nothing installed"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(dest.join("older")).ok().as_deref(),
        Some("kept")
    );
    assert!(mirror.leftovers().is_empty(), "{:?}", mirror.leftovers());
}

#[test]
fn with_the_data_present_the_script_fetches_nothing() {
    let mirror = Mirror::build();
    let dest = mirror.path("testdata");
    let out = Command::new("bash")
        .arg(root().join("scripts/testdata.sh"))
        .env("IRIS_TESTDATA_MIRROR", "file:///nonexistent")
        .env("IRIS_TESTDATA_DIR", &dest)
        .env("IRIS_SPEC_DIR", test_data::spec_dir_or_panic())
        .env("IRIS_EWASM_TESTS", test_data::ewasm_dir_or_panic())
        .output()
        .expect("bash runs the script");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("test data present, nothing fetched"),
        "{}",
        text(&out.stdout)
    );
    assert!(!dest.exists());
}

#[test]
fn fetch_refetches_over_an_install_and_a_damaged_install_is_repaired() {
    let mirror = Mirror::build();
    // A checkout with no `../shared` beside it (this one may have one).
    let script = checkout_copy(&mirror.path("checkout"));
    let fetch = |args: &[&str]| mirror.fetch_with(&script, &mirror.path("testdata"), args);
    let dest = mirror.path("testdata");
    let out = fetch(&[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let installed = format!("installed {} files", mirror.entries.len());
    assert!(text(&out.stdout).contains(&installed));

    // `--fetch` fetches even over an intact install: a new tree replaces it.
    std::fs::write(dest.join("marker"), "old install").expect("marker");
    let out = fetch(&["--fetch"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains(&installed),
        "{}",
        text(&out.stdout)
    );
    assert!(!dest.join("marker").exists(), "--fetch fetched nothing");

    // A deleted file, then an edited one, is noticed and fetched again.
    let (first, source) = &mirror.entries[0];
    let (last, _) = mirror.entries.last().expect("an entry");
    std::fs::remove_file(dest.join(&first.path)).expect("deleted");
    let out = fetch(&[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("fetching again"),
        "{}",
        text(&out.stdout)
    );
    assert_eq!(
        std::fs::read(dest.join(&first.path)).expect("repaired"),
        std::fs::read(source).expect("local copy")
    );
    let edited = dest.join(&last.path);
    let mut bytes = std::fs::read(&edited).expect("installed");
    bytes.push(b'\n');
    std::fs::write(&edited, bytes).expect("edited");
    let out = fetch(&[]);
    assert!(
        text(&out.stdout).contains("fetching again"),
        "{}",
        text(&out.stdout)
    );
    let out = fetch(&[]);
    assert!(
        text(&out.stdout).contains("intact, nothing fetched"),
        "{}",
        text(&out.stdout)
    );
    assert!(mirror.leftovers().is_empty(), "{:?}", mirror.leftovers());
}

/// A copy of the script and its manifest in `checkout/scripts/`, as in a
/// fresh clone at `checkout`.
fn checkout_copy(checkout: &Path) -> PathBuf {
    let scripts = checkout.join("scripts");
    std::fs::create_dir_all(&scripts).expect("scripts folder");
    for name in ["testdata.sh", "testdata.sha256"] {
        let from = root().join("scripts").join(name);
        std::fs::copy(&from, scripts.join(name)).expect("copied");
    }
    scripts.join("testdata.sh")
}

/// Runs a checkout's script with no variable pointing at data and a
/// mirror that does not exist (so that any fetch fails).
fn run_checkout_script(script: &Path) -> Output {
    Command::new("bash")
        .arg(script)
        .env("IRIS_TESTDATA_MIRROR", "file:///nonexistent")
        .env_remove("IRIS_SPEC_DIR")
        .env_remove("IRIS_EWASM_TESTS")
        .env_remove("IRIS_TESTDATA_DIR")
        .env_remove("IRIS_TESTDATA_MANIFEST")
        .output()
        .expect("bash runs the script")
}

#[test]
fn a_shared_folder_beside_the_checkout_is_used_and_nothing_fetched() {
    let dir = tempfile::tempdir().expect("scratch");
    let checkout = dir.path().join("iris");
    let script = checkout_copy(&checkout);
    let shared = dir.path().join("shared");
    std::fs::create_dir_all(shared.join("wasm-testsuite/core")).expect("spec folder");
    std::fs::create_dir_all(shared.join("ewasm-tests")).expect("vectors folder");

    let out = run_checkout_script(&script);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", text(&out.stderr));
    assert!(
        stdout.contains("test data present, nothing fetched"),
        "{stdout}"
    );
    assert!(stdout.contains("shared/wasm-testsuite/core"), "{stdout}");
    assert!(stdout.contains("shared/ewasm-tests"), "{stdout}");
    assert!(!checkout.join("testdata").exists());

    // Without it, the same checkout fetches (and, with no mirror, fails
    // saying what to do).
    std::fs::remove_dir_all(&shared).expect("shared removed");
    let out = run_checkout_script(&script);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    assert!(text(&out.stderr).contains("download failed; nothing installed"));
    assert!(!checkout.join("testdata").exists());
}
