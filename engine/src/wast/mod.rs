//! The spec-script runner: runs `.wast` files of the WebAssembly test suite
//! against the engine. Behind `iris wast` and `engine/tests/spec.rs`.
//!
//! Every module of a script is decoded and validated by the engine itself,
//! even where the text parser already accepts or rejects it; a module the
//! text parser cannot even encode counts as rejected (malformed text).

mod spectest;
mod values;

pub use spectest::define_spectest;

use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

use wast::core::WastArgCore;
use wast::parser::{self, ParseBuffer};
use wast::token::Span;
use wast::{QuoteWat, Wast, WastArg, WastDirective, WastExecute, WastInvoke, Wat};

use crate::{Config, Engine, Error, ExternRef, Instance, Linker, Module, Store, TrapCode, Val};

/// How to run scripts.
#[derive(Debug, Clone, Default)]
pub struct RunConfig {
    /// The engine configuration.
    pub config: Config,
    /// Fuel given before each action when metering is on.
    pub fuel: Option<u64>,
}

/// One failed command.
#[derive(Debug, Clone)]
pub struct Failure {
    /// 1-based line of the command.
    pub line: usize,
    /// 1-based column of the command.
    pub col: usize,
    /// What went wrong.
    pub reason: String,
}

/// The outcome of one script.
#[derive(Debug, Clone, Default)]
pub struct FileReport {
    /// The script's name.
    pub file: String,
    /// Commands that passed: module definitions, registrations, actions
    /// and assertions.
    pub passed: usize,
    /// Commands that failed.
    pub failed: usize,
    /// The failures, in order.
    pub failures: Vec<Failure>,
}

impl FileReport {
    fn fail(&mut self, text: &str, span: Span, reason: String) {
        let (line, col) = span.linecol_in(text);
        self.failed += 1;
        self.failures.push(Failure {
            line: line + 1,
            col: col + 1,
            reason,
        });
    }
}

/// Runs the script at `path`.
pub fn run_file(path: &Path, config: &RunConfig) -> FileReport {
    let name = path.display().to_string();
    match std::fs::read_to_string(path) {
        Ok(text) => run_source(&name, &text, config),
        Err(e) => FileReport {
            file: name,
            passed: 0,
            failed: 1,
            failures: vec![Failure {
                line: 0,
                col: 0,
                reason: format!("cannot read the file: {e}"),
            }],
        },
    }
}

/// Runs a script given as text; `name` labels the report.
pub fn run_source(name: &str, text: &str, config: &RunConfig) -> FileReport {
    let mut report = FileReport {
        file: name.to_string(),
        ..FileReport::default()
    };
    let mut lexer = wast::lexer::Lexer::new(text);
    lexer.allow_confusing_unicode(true);
    let buffer = match ParseBuffer::new_with_lexer(lexer) {
        Ok(buffer) => buffer,
        Err(e) => return parse_failure(report, text, e),
    };
    let wast = match parser::parse::<Wast>(&buffer) {
        Ok(wast) => wast,
        Err(e) => return parse_failure(report, text, e),
    };
    let mut runner = Runner::new(config);
    for directive in wast.directives {
        let span = directive.span();
        let outcome = catch_unwind(AssertUnwindSafe(|| runner.directive(directive)));
        match outcome {
            Ok(Ok(())) => report.passed += 1,
            Ok(Err(reason)) => report.fail(text, span, reason),
            Err(panic) => {
                let message = panic
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_default();
                report.fail(text, span, format!("panic: {message}"));
                // The store may be inconsistent after a panic: start over.
                runner = Runner::new(config);
            }
        }
    }
    report
}

/// A script that does not parse is one failure, at the parser's position.
fn parse_failure(mut report: FileReport, text: &str, error: wast::Error) -> FileReport {
    let reason = format!("the script does not parse: {}", error.message());
    report.fail(text, error.span(), reason);
    report
}

/// The state of one script run.
struct Runner {
    engine: Engine,
    fuel: Option<u64>,
    store: Store<()>,
    linker: Linker<()>,
    current: Option<Instance>,
    named: HashMap<String, Instance>,
    externs: HashMap<u32, ExternRef>,
}

type Outcome = Result<(), String>;

impl Runner {
    fn new(config: &RunConfig) -> Self {
        let engine = Engine::new(&config.config);
        let mut store = Store::new(&engine, ());
        let mut linker = Linker::new(&engine);
        // The spectest module's definitions are fixed and valid.
        if let Err(e) = define_spectest(&mut linker, &mut store) {
            panic!("cannot define the spectest module: {e}");
        }
        Self {
            engine,
            fuel: config.fuel,
            store,
            linker,
            current: None,
            named: HashMap::new(),
            externs: HashMap::new(),
        }
    }

    fn refuel(&mut self) {
        if let Some(fuel) = self.fuel {
            // Fails only when metering is off: then there is nothing to set.
            let _ = self.store.set_fuel(fuel);
        }
    }

    fn directive(&mut self, directive: WastDirective<'_>) -> Outcome {
        match directive {
            WastDirective::Module(mut module) => {
                let name = module.name().map(|id| id.name().to_string());
                let bytes = module.encode().map_err(|e| format!("cannot encode: {e}"))?;
                let instance = self.instantiate(&bytes).map_err(|e| e.to_string())?;
                if let Some(name) = name {
                    self.named.insert(name, instance);
                }
                self.current = Some(instance);
                Ok(())
            }
            WastDirective::Register { name, module, .. } => {
                let instance = self.instance(module.map(|id| id.name()))?;
                self.linker
                    .instance(&mut self.store, name, instance)
                    .map(|_| ())
                    .map_err(|e| e.to_string())
            }
            WastDirective::Invoke(invoke) => {
                self.invoke(&invoke).map(|_| ()).map_err(|e| e.to_string())
            }
            WastDirective::AssertReturn { exec, results, .. } => {
                let got = self
                    .execute(exec)?
                    .map_err(|e| format!("unexpected error: {e}"))?;
                values::compare(&self.store, &got, &results)
            }
            WastDirective::AssertTrap { exec, message, .. } => match self.execute(exec)? {
                Ok(values) => Err(format!("expected trap `{message}`, got {values:?}")),
                Err(e) if e.as_trap().is_some() => Ok(()),
                Err(e) => Err(format!("expected trap `{message}`, got error: {e}")),
            },
            WastDirective::AssertExhaustion { call, message, .. } => match self.invoke(&call) {
                Ok(values) => Err(format!("expected `{message}`, got {values:?}")),
                Err(e) if e.trap_code() == Some(TrapCode::StackOverflow) => Ok(()),
                Err(e) => Err(format!("expected `{message}`, got: {e}")),
            },
            WastDirective::AssertInvalid {
                module, message, ..
            }
            | WastDirective::AssertMalformed {
                module, message, ..
            } => self.assert_rejected(module, message),
            WastDirective::AssertUnlinkable {
                module, message, ..
            } => {
                let bytes = encode_wat(module)?;
                let module = Module::new(&self.engine, &bytes)
                    .map_err(|e| format!("expected a link error, the module is rejected: {e}"))?;
                match self.linker.instantiate(&mut self.store, &module) {
                    Ok(_) => Err(format!("expected unlinkable (`{message}`), it linked")),
                    Err(e) if e.as_trap().is_none() => Ok(()),
                    Err(e) => Err(format!("expected a link error (`{message}`), got: {e}")),
                }
            }
            other => Err(format!("unsupported directive: {other:?}")),
        }
    }

    /// Checks that the engine refuses a module (or the text cannot encode it).
    fn assert_rejected(&mut self, mut module: QuoteWat<'_>, message: &str) -> Outcome {
        let Ok(bytes) = module.encode() else {
            return Ok(());
        };
        match Module::new(&self.engine, &bytes) {
            Ok(_) => Err(format!("expected the module to be rejected (`{message}`)")),
            Err(_) => Ok(()),
        }
    }

    fn instantiate(&mut self, bytes: &[u8]) -> Result<Instance, Error> {
        let module = Module::new(&self.engine, bytes)?;
        self.refuel();
        self.linker.instantiate(&mut self.store, &module)
    }

    fn instance(&self, name: Option<&str>) -> Result<Instance, String> {
        match name {
            Some(name) => self
                .named
                .get(name)
                .copied()
                .ok_or_else(|| format!("no module named `{name}`")),
            None => self.current.ok_or_else(|| "no module yet".to_string()),
        }
    }

    /// Runs an action or a module of an assertion: the outer error is the
    /// script's fault, the inner one the engine's answer.
    fn execute(&mut self, exec: WastExecute<'_>) -> Result<Result<Vec<Val>, Error>, String> {
        match exec {
            WastExecute::Invoke(invoke) => {
                // Argument errors are the script's; traps are answers.
                let instance = self.instance(invoke.module.map(|id| id.name()))?;
                let func = self.func(instance, invoke.name)?;
                let args = self.args(&invoke.args)?;
                Ok(self.call(func, &args))
            }
            WastExecute::Wat(module) => {
                let bytes = encode_wat(module)?;
                Ok(self.instantiate(&bytes).map(|_| Vec::new()))
            }
            WastExecute::Get { module, global, .. } => {
                let instance = self.instance(module.map(|id| id.name()))?;
                let global = instance
                    .get_global(&self.store, global)
                    .ok_or_else(|| format!("no global `{global}`"))?;
                Ok(Ok(vec![global.get(&self.store)]))
            }
        }
    }

    fn invoke(&mut self, invoke: &WastInvoke<'_>) -> Result<Vec<Val>, Error> {
        let prepared = (|| {
            let instance = self.instance(invoke.module.map(|id| id.name()))?;
            let func = self.func(instance, invoke.name)?;
            let args = self.args(&invoke.args)?;
            Ok::<_, String>((func, args))
        })();
        match prepared {
            Ok((func, args)) => self.call(func, &args),
            Err(reason) => Err(Error::type_mismatch(reason)),
        }
    }

    fn func(&self, instance: Instance, name: &str) -> Result<crate::Func, String> {
        instance
            .get_func(&self.store, name)
            .ok_or_else(|| format!("no function `{name}`"))
    }

    fn call(&mut self, func: crate::Func, args: &[Val]) -> Result<Vec<Val>, Error> {
        let ty = func.ty(&self.store);
        let mut results: Vec<Val> = ty.results().iter().map(|t| Val::default_for(*t)).collect();
        self.refuel();
        func.call(&mut self.store, args, &mut results)?;
        Ok(results)
    }

    fn args(&mut self, args: &[WastArg<'_>]) -> Result<Vec<Val>, String> {
        args.iter()
            .map(|arg| match arg {
                WastArg::Core(core) => self.arg(core),
                #[allow(unreachable_patterns)]
                _ => Err("component arguments are not supported".to_string()),
            })
            .collect()
    }

    fn arg(&mut self, arg: &WastArgCore<'_>) -> Result<Val, String> {
        Ok(match arg {
            WastArgCore::I32(v) => Val::I32(*v),
            WastArgCore::I64(v) => Val::I64(*v),
            WastArgCore::F32(v) => Val::F32(v.bits),
            WastArgCore::F64(v) => Val::F64(v.bits),
            WastArgCore::RefNull(heap) => values::null_of(heap)?,
            WastArgCore::RefExtern(n) => Val::ExternRef(Some(self.extern_ref(*n))),
            other => return Err(format!("unsupported argument {other:?}")),
        })
    }

    /// The host reference `ref.extern n`: one per `n` per script.
    fn extern_ref(&mut self, n: u32) -> ExternRef {
        if let Some(r) = self.externs.get(&n) {
            return *r;
        }
        let r = ExternRef::new(&mut self.store, n);
        self.externs.insert(n, r);
        r
    }
}

fn encode_wat(mut module: Wat<'_>) -> Result<Vec<u8>, String> {
    module.encode().map_err(|e| format!("cannot encode: {e}"))
}
