//! Translation is linear in the module's size: for every hostile shape
//! (`test_support::hostile`), a 1 MiB module translates into at most one
//! instruction per byte, and in time per byte within a fixed factor of
//! ordinary code, with metering off and on; shapes that carry more values
//! than the allowance (`engine::WORK_PER_BYTE`) are refused with a typed
//! limit, as quickly. Before these bounds, a 1 MiB module of the branch
//! shape aborted the process on a 4 GiB allocation, the block shape took
//! 38 s, and validating 1 MiB of `br_table`s carrying 1,000 values took 4 s.

use std::time::{Duration, Instant};

use test_support::hostile::{Shape, VALUES};

/// Instructions per byte of the module that a shape may translate to.
const MAX_CODE_PER_BYTE: f64 = 1.0;
/// Translation time per byte, against ordinary code of the same size.
const MAX_TIME_RATIO: f64 = 25.0;

fn engine(metered: bool) -> engine::Engine {
    let mut config = engine::Config::default();
    config.consume_fuel(metered);
    engine::Engine::new(&config)
}

/// The best of three translation times, with the instruction count or the
/// error.
#[allow(clippy::type_complexity)]
fn translate(
    engine: &engine::Engine,
    bytes: &[u8],
) -> Result<(Duration, usize), (Duration, engine::Error)> {
    let mut best = Duration::MAX;
    let mut outcome = Ok(0);
    for _ in 0..3 {
        let start = Instant::now();
        outcome = engine::Module::new(engine, bytes).map(|m| m.instruction_count());
        best = best.min(start.elapsed());
    }
    match outcome {
        Ok(count) => Ok((best, count)),
        Err(err) => Err((best, err)),
    }
}

/// Values the accepted shapes carry per branch: four per byte of `br_if`.
const ACCEPTED_VALUES: u32 = 16;

#[test]
fn hostile_shapes_translate_in_linear_time_and_code() {
    for metered in [false, true] {
        let engine = engine(metered);
        let ordinary = Shape::Ordinary.module(1 << 20);
        let (base, _) = translate(&engine, &ordinary).expect("translates");
        let base_per_byte = base.as_secs_f64() / ordinary.len() as f64;
        for shape in Shape::ALL {
            for values in [ACCEPTED_VALUES, VALUES] {
                if values == VALUES && !shape.carries_values() {
                    continue;
                }
                let bytes = shape.module_with(1 << 20, values);
                let outcome = translate(&engine, &bytes);
                let time = match &outcome {
                    Ok((time, _)) | Err((time, _)) => *time,
                };
                let ratio = time.as_secs_f64() / bytes.len() as f64 / base_per_byte;
                let name = format!("{} ({values})", shape.name());
                match outcome {
                    Ok((_, count)) => {
                        let per_byte = count as f64 / bytes.len() as f64;
                        println!(
                            "{name:38} metered={metered:5} {:8} bytes {count:8} instrs ({per_byte:.3}/byte) {:8.2} ms ({ratio:.1}x ordinary)",
                            bytes.len(),
                            time.as_secs_f64() * 1e3,
                        );
                        assert!(values == ACCEPTED_VALUES, "{name}: accepted");
                        assert!(
                            per_byte <= MAX_CODE_PER_BYTE,
                            "{name}: {per_byte} instructions per byte"
                        );
                    }
                    Err((_, err)) => {
                        println!(
                            "{name:38} metered={metered:5} {:8} bytes refused: {err} {:8.2} ms ({ratio:.1}x ordinary)",
                            bytes.len(),
                            time.as_secs_f64() * 1e3,
                        );
                        assert!(
                            values == VALUES
                                && matches!(
                                    err.kind(),
                                    engine::ErrorKind::Limit(engine::LimitError::Work { .. })
                                ),
                            "{name}: {err}"
                        );
                    }
                }
                assert!(
                    ratio <= MAX_TIME_RATIO,
                    "{name}: {ratio:.1}x the time per byte of ordinary code"
                );
            }
        }
    }
}

#[test]
fn a_module_over_its_code_allowance_is_refused_with_a_limit() {
    let mut config = engine::Config::default();
    config.max_code_instructions(1_000);
    let engine = engine::Engine::new(&config);
    let bytes = Shape::Ordinary.module(64 * 1024);
    let err = engine::Module::new(&engine, &bytes).expect_err("over the allowance");
    assert!(
        matches!(
            err.kind(),
            engine::ErrorKind::Limit(engine::LimitError::Code { func: 0, .. })
        ),
        "{err}"
    );
}
