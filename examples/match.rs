//! Match participants with mentors and offers from an instance file.
//!
//! ```text
//! cargo run --release --example match -- [INSTANCE.json] [--config CONFIG.json]
//!     [--objective max_cardinality|max_weight|egalitarian|stable]
//!     [--out REPORT.json] [--candidates PAIRS.json] [--previous REPORT.json] [--quiet]
//! ```
//!
//! With no instance it runs the bundled Lët'z Work! Luxembourg fixture. It
//! prints a summary (counts, reasons, fairness; no personal data) and the
//! time of each stage. Bad input exits with code 2 and one message naming the
//! record and field. `--previous` reruns after changes (new arrivals, people
//! who left) preferring the pairs of an earlier report, and prints how many
//! pairs were kept and changed.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use mentormatch::{Config, Error, Instance, MatchObjective, Matcher, Previous, Report};

struct Args {
    instance: PathBuf,
    config: Option<PathBuf>,
    objective: Option<MatchObjective>,
    out: Option<PathBuf>,
    candidates: Option<PathBuf>,
    previous: Option<PathBuf>,
    quiet: bool,
}

const USAGE: &str = "usage: match [INSTANCE.json] [--config CONFIG.json] [--objective max_cardinality|max_weight|egalitarian|stable] [--out REPORT.json] [--candidates PAIRS.json] [--previous REPORT.json] [--quiet]";

fn parse_args() -> Result<Args, String> {
    let mut it = std::env::args().skip(1);
    let mut args = Args {
        instance: Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/letzwork-luxembourg.json"),
        config: None,
        objective: None,
        out: None,
        candidates: None,
        previous: None,
        quiet: false,
    };
    let mut positional = 0;
    while let Some(a) = it.next() {
        let mut value = |name: &str| {
            it.next()
                .ok_or_else(|| format!("{name} needs a value\n{USAGE}"))
        };
        match a.as_str() {
            "--config" => args.config = Some(value("--config")?.into()),
            "--out" => args.out = Some(value("--out")?.into()),
            "--candidates" => args.candidates = Some(value("--candidates")?.into()),
            "--previous" => args.previous = Some(value("--previous")?.into()),
            "--objective" => {
                let v = value("--objective")?;
                args.objective = Some(
                    serde_json::from_value(serde_json::Value::String(v.clone()))
                        .map_err(|_| format!("unknown objective `{v}`\n{USAGE}"))?,
                );
            }
            "--quiet" => args.quiet = true,
            "-h" | "--help" => return Err(USAGE.to_owned()),
            s if s.starts_with('-') => return Err(format!("unknown option `{s}`\n{USAGE}")),
            s => {
                positional += 1;
                if positional > 1 {
                    return Err(format!("more than one instance file given\n{USAGE}"));
                }
                args.instance = s.into();
            }
        }
    }
    Ok(args)
}

fn read(path: &Path) -> Result<String, Error> {
    std::fs::read_to_string(path).map_err(|e| Error::Io {
        context: path.display().to_string(),
        message: e.to_string(),
    })
}

fn write_json<T: serde::Serialize>(path: &Path, value: &T) -> Result<(), Error> {
    let text = serde_json::to_string_pretty(value).map_err(|e| Error::Io {
        context: path.display().to_string(),
        message: e.to_string(),
    })?;
    std::fs::write(path, text + "\n").map_err(|e| Error::Io {
        context: path.display().to_string(),
        message: e.to_string(),
    })
}

/// Peak resident memory of this process in MiB (Linux; `None` elsewhere).
fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn run(args: &Args) -> Result<(), Error> {
    let t0 = Instant::now();
    let mut config = match &args.config {
        Some(p) => Config::from_json(&read(p)?).map_err(|e| in_file(p, e))?,
        None => Config::default(),
    };
    if let Some(o) = args.objective {
        config.objective = o;
    }
    let previous = match &args.previous {
        Some(p) => {
            let report: Report = serde_json::from_str(&read(p)?).map_err(|e| Error::Parse {
                context: format!("{}: previous report JSON", p.display()),
                message: e.to_string(),
            })?;
            Previous::from_report(&report)
        }
        None => Previous::new(),
    };
    let matcher = Matcher::new(config).previous(previous);
    let text = read(&args.instance)?;
    let instance = Instance::from_json(&text).map_err(|e| in_file(&args.instance, e))?;
    let t_validate = t0.elapsed();

    let t1 = Instant::now();
    let candidates = matcher.candidates(&instance)?;
    let t_candidates = t1.elapsed();

    let t2 = Instant::now();
    let report = matcher.run_with_candidates(&instance, &candidates)?;
    let t_solve = t2.elapsed();

    if let Some(p) = &args.out {
        write_json(p, &report)?;
    }
    if let Some(p) = &args.candidates {
        write_json(p, &candidates.export(&instance))?;
    }
    if !args.quiet {
        println!("{}", args.instance.display());
        print!("{report}");
    }
    println!(
        "time: parse+validate {:.1} ms, candidates {:.1} ms, solve+report {:.1} ms, total {:.1} ms; peak memory {}",
        t_validate.as_secs_f64() * 1e3,
        t_candidates.as_secs_f64() * 1e3,
        t_solve.as_secs_f64() * 1e3,
        t0.elapsed().as_secs_f64() * 1e3,
        peak_rss_mib().map_or_else(|| "n/a".to_owned(), |m| format!("{m:.1} MiB")),
    );
    Ok(())
}

fn in_file(path: &Path, e: Error) -> Error {
    match e {
        Error::Parse { context, message } => Error::Parse {
            context: format!("{}: {context}", path.display()),
            message,
        },
        other => other,
    }
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(msg) => {
            eprintln!("error: {msg}");
            return ExitCode::from(2);
        }
    };
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            match &e {
                Error::Invalid(problems) => {
                    eprintln!(
                        "error: {}: invalid instance ({} problems):",
                        args.instance.display(),
                        problems.len()
                    );
                    for p in problems {
                        eprintln!("  - {p}");
                    }
                }
                other => eprintln!("error: {other}"),
            }
            ExitCode::from(2)
        }
    }
}
