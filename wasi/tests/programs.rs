//! The C programs in `tests/programs` (compiled with wasi-libc; `build.sh`
//! rebuilds them), each run in a fresh sandbox. Every program checks
//! itself and ends with `ok N checks`; here each is run, its status and
//! output asserted, and the directory outside the sandbox checked
//! untouched.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use engine::{Engine, Linker, Module, Store};
use wasi::{OutputPipe, RunError, WasiCtx};

fn program(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/programs")
        .join(format!("{name}.wasm"))
}

/// The tree every program runs in (described in `tests/programs/README.md`).
fn fixture() -> tempfile::TempDir {
    let root = tempfile::tempdir().expect("a temporary directory");
    let at = |p: &str| root.path().join(p);
    fs::create_dir_all(at("sandbox/sub")).expect("sandbox");
    fs::create_dir_all(at("other")).expect("other");
    fs::create_dir_all(at("outside")).expect("outside");
    fs::write(at("sandbox/hello.txt"), "hello, world\n").expect("hello.txt");
    fs::write(at("sandbox/sub/a.txt"), "a").expect("a.txt");
    fs::write(at("outside/secret.txt"), "secret\n").expect("secret.txt");
    root
}

/// What a run left behind.
struct Run {
    status: Result<u32, RunError>,
    stdout: String,
    stderr: String,
}

fn run(name: &str, args: &[&str]) -> Run {
    let root = fixture();
    let bytes = fs::read(program(name)).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; rebuild with wasi/tests/programs/build.sh",
            program(name).display()
        )
    });
    let engine = Engine::default();
    let module = Module::new(&engine, &bytes).expect("the program compiles");
    let (stdout, stderr) = (OutputPipe::new(), OutputPipe::new());
    let ctx = WasiCtx::builder()
        .arg(format!("{name}.wasm"))
        .args(args)
        .env("IRIS_TEST", "1")
        .env("EMPTY", "")
        .stdin_bytes(&b"line one\nline two\n"[..])
        .stdout(stdout.clone())
        .stderr(stderr.clone())
        .preopened_dir(root.path().join("sandbox"), "/sandbox")
        .expect("sandbox pre-opens")
        .preopened_dir(root.path().join("other"), "/other")
        .expect("other pre-opens")
        .build();
    let mut linker = Linker::new(&engine);
    wasi::add_to_linker(&mut linker, |ctx: &mut WasiCtx| ctx).expect("wasi links");
    let mut store = Store::new(&engine, ctx);
    let status = wasi::run_start(&linker, &mut store, &module);
    drop(store);
    assert_outside_untouched(root.path());
    Run {
        status,
        stdout: String::from_utf8_lossy(&stdout.contents()).into_owned(),
        stderr: String::from_utf8_lossy(&stderr.contents()).into_owned(),
    }
}

/// Nothing was created, changed or removed outside the pre-opened
/// directories.
fn assert_outside_untouched(root: &Path) {
    let names = |dir: &Path| -> BTreeSet<String> {
        fs::read_dir(dir)
            .expect("readable")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect()
    };
    let expected: BTreeSet<String> = ["other", "outside", "sandbox"].map(String::from).into();
    assert_eq!(names(root), expected, "the fixture root changed");
    assert_eq!(
        names(&root.join("outside")),
        BTreeSet::from(["secret.txt".to_string()]),
        "something was created in or removed from outside/"
    );
    assert_eq!(
        fs::read_to_string(root.join("outside/secret.txt")).expect("secret.txt"),
        "secret\n"
    );
}

/// Asserts the program passed all its checks and returns how many, with
/// its standard output. (The counts are exact: a program that skipped
/// checks would show it.)
fn passed(name: &str, args: &[&str]) -> (usize, String) {
    let run = run(name, args);
    let status = run
        .status
        .unwrap_or_else(|e| panic!("{name}: {e}\nstderr:\n{}", run.stderr));
    assert!(
        !run.stderr.contains("FAIL"),
        "{name} failed checks:\n{}",
        run.stderr
    );
    assert_eq!(status, 0, "{name} exit status; stderr:\n{}", run.stderr);
    let last = run.stdout.lines().last().unwrap_or_default();
    let count = last
        .strip_prefix("ok ")
        .and_then(|rest| rest.strip_suffix(" checks"))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{name}: last line {last:?}\nstdout:\n{}", run.stdout));
    assert!(count > 0, "{name} checked nothing");
    (count, run.stdout)
}

#[test]
fn args_and_environment() {
    assert_eq!(passed("args_env", &["alpha", "beta gamma"]).0, 39);
}

#[test]
fn clocks_random_scheduling_signals_and_sockets() {
    assert_eq!(passed("clocks", &[]).0, 46);
}

#[test]
fn standard_streams() {
    let (checks, stdout) = passed("stdio", &[]);
    assert_eq!(checks, 19);
    assert!(stdout.contains("stdin: 18 bytes\n"), "{stdout}");
}

#[test]
fn descriptor_operations_on_files() {
    assert_eq!(passed("files", &[]).0, 229);
}

#[test]
fn directories_and_paths() {
    assert_eq!(passed("dirs", &[]).0, 448);
}

#[test]
fn append_mode_survives_truncation_and_pwrite_keeps_the_offset() {
    let (checks, stdout) = passed("append", &[]);
    assert_eq!(checks, 28);
    // Linux (and wasmtime, and WAMR) write at the end of an append-mode
    // file whatever pwrite's offset; Iris leaves that to the host.
    assert!(
        stdout.contains("note: pwrite at 0 on an O_APPEND file -> the file has 7 bytes"),
        "{stdout}"
    );
}

#[test]
fn socket_calls_on_other_descriptors_are_notsock_and_on_closed_ones_badf() {
    assert_eq!(passed("sockets", &[]).0, 72);
}

#[test]
fn truncation_needs_the_directory_right_and_directories_refuse_writing() {
    let (checks, stdout) = passed("open_rights", &[]);
    assert_eq!(checks, 68);
    assert!(
        stdout.contains("note: path_open TRUNC without path_filestat_set_size -> NOTCAPABLE"),
        "{stdout}"
    );
}

#[test]
fn polling_clocks_and_descriptors() {
    assert_eq!(passed("poll", &[]).0, 68);
}

#[test]
fn nothing_outside_the_pre_opens_can_be_reached() {
    let (checks, stdout) = passed("escape", &[]);
    assert_eq!(checks, 69);
    // Every refusal is the sandbox's: `notcapable`, never an OS error.
    let refusals: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with("note: refused"))
        .collect();
    assert!(refusals.len() >= 20, "{stdout}");
    for line in refusals {
        assert!(line.ends_with("NOTCAPABLE"), "{line}");
    }
}

#[test]
fn proc_exit_ends_the_program_with_its_status() {
    let run = run("exit", &["7"]);
    assert_eq!(run.status.expect("exits"), 7);
    assert_eq!(run.stdout, "exiting\n");
}

#[test]
fn a_trap_is_an_error_not_an_exit() {
    let run = run("trap", &[]);
    let error = run.status.expect_err("traps");
    assert!(
        matches!(&error, RunError::Engine(e) if e.as_trap().is_some()),
        "{error}"
    );
    assert_eq!(run.stdout, "before trap\n");
}

/// Every preview-1 function is imported by at least one program, so the
/// programs above exercise each of them.
#[test]
fn the_programs_import_every_function() {
    let engine = Engine::default();
    let mut imported = BTreeSet::new();
    let dir = program("x").with_file_name("");
    for entry in fs::read_dir(&dir).expect("programs") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "wasm") {
            let module = Module::new(&engine, &fs::read(&path).expect("readable")).expect("valid");
            for import in module.imports() {
                assert_eq!(import.module, wasi::MODULE, "{}", path.display());
                imported.insert(import.name.to_string());
            }
        }
    }
    let missing: Vec<_> = wasi::FUNCTIONS
        .iter()
        .filter(|f| !imported.contains(**f))
        .collect();
    assert!(missing.is_empty(), "no program imports {missing:?}");
}
