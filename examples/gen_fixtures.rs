//! Writes the synthetic fixtures (`fixtures/letzwork-luxembourg.json`,
//! `fixtures/arbeitsmarktmentoren-sachsen.json`).
//!
//! ```text
//! cargo run --release --example gen_fixtures -- [--out-dir fixtures] [--seed N] [--scale X]
//! ```
//!
//! Without `--seed`, each generator uses its documented default seed; with
//! the defaults, the output is exactly the committed fixtures (a test checks
//! this). `--scale` multiplies every count (participants, mentors,
//! companies, offers).

use std::path::PathBuf;
use std::process::ExitCode;

use mentormatch::synth::Fixture;

struct Args {
    out_dir: PathBuf,
    seed: Option<u64>,
    scale: f64,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        out_dir: PathBuf::from("fixtures"),
        seed: None,
        scale: 1.0,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--out-dir" => args.out_dir = PathBuf::from(value()?),
            "--seed" => {
                let v = value()?;
                args.seed = Some(
                    v.parse()
                        .map_err(|_| format!("--seed: `{v}` is not a u64"))?,
                );
            }
            "--scale" => {
                let v = value()?;
                args.scale = v
                    .parse()
                    .ok()
                    .filter(|x: &f64| x.is_finite() && *x > 0.0)
                    .ok_or_else(|| format!("--scale: `{v}` is not a positive number"))?;
            }
            "-h" | "--help" => {
                return Err("usage: gen_fixtures [--out-dir DIR] [--seed N] [--scale X]".to_owned());
            }
            other => return Err(format!("unknown argument `{other}` (try --help)")),
        }
    }
    Ok(args)
}

fn run(args: &Args) -> Result<(), Box<dyn std::error::Error>> {
    std::fs::create_dir_all(&args.out_dir)?;
    for f in Fixture::ALL {
        let data = f.generate(args.seed.unwrap_or(f.default_seed()), args.scale);
        let json = f.to_json(&data)?;
        let path = args.out_dir.join(f.file_name());
        std::fs::write(&path, &json)?;
        let offers: usize = data.companies.iter().map(|c| c.offers.len()).sum();
        println!(
            "{}: {} participants, {} mentors, {} companies, {} offers, {} pinned, {} forbidden, {} bytes",
            path.display(),
            data.participants.len(),
            data.mentors.len(),
            data.companies.len(),
            offers,
            data.pinned.len(),
            data.forbidden.len(),
            json.len()
        );
    }
    Ok(())
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(msg) => {
            eprintln!("gen_fixtures: {msg}");
            return ExitCode::from(2);
        }
    };
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gen_fixtures: {e}");
            ExitCode::FAILURE
        }
    }
}
