//! The whole pipeline at national scale, stage by stage.
//!
//! ```text
//! cargo run --release --example scale -- --participants N [--seed S]
//!     [--mentors M] [--offers O] [--threads T] [--repeat R] [--top-k K]
//! ```
//!
//! Generates a [`National`] instance (Germany: participants, mentors and
//! offers around the 82 largest cities), validates it, computes the
//! candidates and solves, timing each stage, and prints a stage table,
//! pairs made, unmatched counts, candidate pair counts and peak memory
//! (`VmHWM`). One [`Matcher::run_with_candidates`] call is split into
//! `solve+price` (both sides, with the pricing rounds of `--top-k`) and
//! `report` by an [`Observer`] that marks the start of the report; it
//! also splits each side's time into solving and pricing passes.
//! With `--repeat R` the table shows the median of R runs per stage (the
//! counts are the same in every run). `--threads T` runs everything inside
//! a rayon pool of T threads. Each stage's time is also printed as soon as
//! it ends, so a run stopped by `timeout` still shows how far it got.

use std::io::Write;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use mentormatch::synth::National;
use std::sync::{Arc, Mutex};

use mentormatch::{Candidates, Config, Instance, Matcher, Observer, Report, Side, Stage};

const USAGE: &str = "usage: scale --participants N [--seed S] [--mentors M] [--offers O] [--threads T] [--repeat R] [--top-k K]";

struct Args {
    participants: usize,
    seed: u64,
    mentors: Option<usize>,
    offers: Option<usize>,
    threads: Option<usize>,
    repeat: usize,
    top_k: u32,
}

fn parse_args() -> Result<Args, String> {
    let mut it = std::env::args().skip(1);
    let mut args = Args {
        participants: 0,
        seed: National::DEFAULT_SEED,
        mentors: None,
        offers: None,
        threads: None,
        repeat: 1,
        top_k: 0,
    };
    let mut have_n = false;
    while let Some(a) = it.next() {
        let mut number = |name: &str| -> Result<u64, String> {
            let v = it
                .next()
                .ok_or_else(|| format!("{name} needs a value\n{USAGE}"))?;
            v.replace('_', "")
                .parse()
                .map_err(|_| format!("{name}: `{v}` is not a non-negative integer\n{USAGE}"))
        };
        match a.as_str() {
            "--participants" => {
                args.participants = number("--participants")? as usize;
                have_n = true;
            }
            "--seed" => args.seed = number("--seed")?,
            "--mentors" => args.mentors = Some(number("--mentors")? as usize),
            "--offers" => args.offers = Some(number("--offers")? as usize),
            "--threads" => args.threads = Some((number("--threads")? as usize).max(1)),
            "--repeat" => args.repeat = (number("--repeat")? as usize).max(1),
            "--top-k" => args.top_k = number("--top-k")? as u32,
            "-h" | "--help" => return Err(USAGE.to_owned()),
            s => return Err(format!("unknown argument `{s}`\n{USAGE}")),
        }
    }
    if !have_n {
        return Err(format!("--participants is required\n{USAGE}"));
    }
    Ok(args)
}

/// Peak resident memory of this process in MiB (Linux; `None` elsewhere).
fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// CPU time of this process so far, all threads (Linux; `None` elsewhere).
///
/// On a busy machine wall time includes waiting for a core; CPU time does
/// not, so both are shown. `/proc/self/stat` counts in clock ticks, which
/// are 1/100 s on Linux.
fn cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which may contain spaces) in parentheses.
    let rest = &stat[stat.rfind(')')? + 2..];
    let mut fields = rest.split_whitespace().skip(11);
    let utime: u64 = fields.next()?.parse().ok()?;
    let stime: u64 = fields.next()?.parse().ok()?;
    Some(Duration::from_millis((utime + stime) * 10))
}

fn mib(x: Option<f64>) -> String {
    x.map_or_else(|| "n/a".to_owned(), |m| format!("{m:.0} MiB"))
}

/// Whether the answer is proven optimal over the whole feasible graph, as
/// the engine reports it (with `--top-k`, after pricing every pruned pair).
fn proven_optimal(report: &Report) -> String {
    let s = &report.summary;
    let verdict = if s.proven_optimal { "yes" } else { "NO" };
    if s.pruned_pairs == 0 {
        format!("{verdict} (exact solve over all feasible pairs)")
    } else {
        format!(
            "{verdict} (top-k kept the best candidates; {} pruned pairs priced with the duals, {} entered, {} solves)",
            s.pruned_pairs, s.priced_in, s.pricing_rounds
        )
    }
}

const STAGES: [&str; 5] = [
    "generate",
    "validate",
    "candidates",
    "solve+price",
    "report",
];

/// One run's outcome: per-stage times and what the answer looked like.
struct Run {
    times: [Duration; 5],
    cpu: [Option<Duration>; 5],
    peaks: [Option<f64>; 5],
    mentor_pairs: usize,
    offer_pairs: usize,
    /// Per side (mentors, offers): solving, pricing, pricing passes.
    sides: [(Duration, Duration, u32); 2],
    report: Report,
}

/// Per-stage measurements of one run.
#[derive(Default)]
struct Clocks {
    times: [Duration; 5],
    cpu: [Option<Duration>; 5],
    peaks: [Option<f64>; 5],
}

fn stage<T>(k: usize, clocks: &mut Clocks, f: impl FnOnce() -> T) -> T {
    let c0 = cpu_time();
    let t = Instant::now();
    let out = f();
    clocks.times[k] = t.elapsed();
    clocks.cpu[k] = cpu_time().zip(c0).map(|(b, a)| b.saturating_sub(a));
    clocks.peaks[k] = peak_rss_mib();
    print_stage(k, clocks);
    out
}

fn print_stage(k: usize, clocks: &Clocks) {
    println!(
        "  {:<13} {:>10.1} ms wall, {} CPU, peak so far {}",
        STAGES[k],
        ms(clocks.times[k]),
        cpu_s(clocks.cpu[k]),
        mib(clocks.peaks[k])
    );
    // Flushed at once, so a run stopped by `timeout` still shows its stages.
    let _ = std::io::stdout().flush();
}

/// Marks the moment the engine starts its report (the observer's
/// `Stage::Report` at 0), with the CPU time and peak memory then, so that
/// one `run_with_candidates` call is timed as two stages: solving both
/// sides (with the pricing rounds of `--top-k`), and the report. It also
/// times each of a side's solves and pricing passes, and prints
/// them as they end (the two sides run at the same time, so their times
/// overlap).
struct Marks {
    t0: Instant,
    inner: Mutex<MarksInner>,
}

#[derive(Default)]
struct MarksInner {
    report: Option<Mark>,
    /// Per side (mentors, offers): when the current pricing pass started,
    /// the passes' total time and count, and when the side finished.
    pass_start: [Option<Instant>; 2],
    /// Per side: when its current solve started (the side's start, or
    /// the end of its last pricing pass), and how many solves ended.
    solve_start: [Option<Instant>; 2],
    solves: [u32; 2],
    priced: [Duration; 2],
    passes: [u32; 2],
    solved: [Option<Duration>; 2],
}

/// A moment, the process CPU time then, and the peak memory then.
type Mark = (Instant, Option<Duration>, Option<f64>);

impl Marks {
    fn new() -> Self {
        Marks {
            t0: Instant::now(),
            inner: Mutex::default(),
        }
    }

    /// Per side: (solving without pricing, pricing, passes).
    fn sides(&self) -> [(Duration, Duration, u32); 2] {
        let m = self.inner.lock().expect("marks");
        [0, 1].map(|i| {
            let all = m.solved[i].unwrap_or_default();
            (all.saturating_sub(m.priced[i]), m.priced[i], m.passes[i])
        })
    }
}

impl Observer for Marks {
    fn progress(&self, stage: Stage, done: u64, _total: u64) {
        let now = Instant::now();
        let Ok(mut m) = self.inner.lock() else {
            return;
        };
        let side = match stage {
            Stage::SolveMentors | Stage::PriceMentors => 0,
            Stage::SolveOffers | Stage::PriceOffers => 1,
            Stage::Report if done == 0 => {
                m.report = Some((now, cpu_time(), peak_rss_mib()));
                return;
            }
            _ => return,
        };
        let name = ["mentors", "offers"][side];
        match (stage, done) {
            (Stage::SolveMentors | Stage::SolveOffers, 0) => m.solve_start[side] = Some(now),
            (Stage::PriceMentors | Stage::PriceOffers, 0) => {
                m.pass_start[side] = Some(now);
                if let Some(s) = m.solve_start[side].take() {
                    m.solves[side] += 1;
                    println!(
                        "    {name}: solve {} took {:.1} ms",
                        m.solves[side],
                        ms(now - s)
                    );
                }
            }
            (Stage::PriceMentors | Stage::PriceOffers, _) => {
                m.solve_start[side] = Some(now);
                if let Some(s) = m.pass_start[side].take() {
                    m.priced[side] += now - s;
                    m.passes[side] += 1;
                    println!(
                        "    {name}: pricing pass {} took {:.1} ms",
                        m.passes[side],
                        ms(now - s)
                    );
                }
            }
            (_, 1) => {
                m.solved[side] = Some(now - self.t0);
                println!(
                    "    {name}: solved and priced after {:.1} ms",
                    ms(now - self.t0)
                );
            }
            _ => {}
        }
    }
}

fn run_once(args: &Args) -> Result<Run, mentormatch::Error> {
    let mut clocks = Clocks::default();
    let mut generator = National::new()
        .seed(args.seed)
        .participants(args.participants);
    if let Some(m) = args.mentors {
        generator = generator.mentors(m);
    }
    if let Some(o) = args.offers {
        generator = generator.offers(o);
    }
    let data = stage(0, &mut clocks, || generator.build());
    let inst = stage(1, &mut clocks, || Instance::new(data))?;
    let cfg = Config::default().top_k(args.top_k);
    let cands = stage(2, &mut clocks, || Candidates::compute(&inst, &cfg))?;
    let marks = Arc::new(Marks::new());
    let matcher = Matcher::new(cfg.clone()).observer(marks.clone());
    let (c0, t0) = (cpu_time(), marks.t0);
    let report = matcher.run_with_candidates(&inst, &cands)?;
    let (c2, t2, peak2) = (cpu_time(), Instant::now(), peak_rss_mib());
    let (t1, c1, peak1) = marks
        .inner
        .lock()
        .ok()
        .and_then(|m| m.report)
        .unwrap_or((t2, c2, peak2));
    let span =
        |a: Option<Duration>, b: Option<Duration>| b.zip(a).map(|(b, a)| b.saturating_sub(a));
    (clocks.times[3], clocks.cpu[3], clocks.peaks[3]) = (t1 - t0, span(c0, c1), peak1);
    print_stage(3, &clocks);
    (clocks.times[4], clocks.cpu[4], clocks.peaks[4]) = (t2 - t1, span(c1, c2), peak2);
    print_stage(4, &clocks);
    Ok(Run {
        times: clocks.times,
        cpu: clocks.cpu,
        peaks: clocks.peaks,
        mentor_pairs: cands.mentor_pair_count(),
        offer_pairs: cands.offer_pair_count(),
        sides: marks.sides(),
        report,
    })
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort_unstable();
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn cpu_s(d: Option<Duration>) -> String {
    d.map_or_else(|| "n/a".to_owned(), |d| format!("{:.2} s", d.as_secs_f64()))
}

fn run(args: &Args) -> Result<(), mentormatch::Error> {
    let g = National::new().participants(args.participants);
    let g = args.mentors.map_or(g.clone(), |m| g.mentors(m));
    let g = args.offers.map_or(g.clone(), |o| g.offers(o));
    println!(
        "national instance: {} participants, {} mentors, {} offers at {} companies, seed {}; {} rayon threads",
        g.participant_count(),
        g.mentor_count(),
        g.offer_count(),
        g.company_count(),
        args.seed,
        rayon::current_num_threads()
    );
    let mut runs = Vec::with_capacity(args.repeat);
    for r in 0..args.repeat {
        if args.repeat > 1 {
            println!("run {}/{}", r + 1, args.repeat);
        }
        runs.push(run_once(args)?);
    }
    let last = runs.last().expect("at least one run");
    let s = &last.report.summary;

    println!();
    let what = if args.repeat > 1 {
        format!("median of {} runs", args.repeat)
    } else {
        "one run".to_owned()
    };
    println!("stage ({what})");
    println!(
        "{:<15} {:>15} {:>12} {:>12}",
        "", "wall", "CPU", "peak memory"
    );
    let mut total = Duration::ZERO;
    let mut total_cpu = Some(Duration::ZERO);
    for (k, name) in STAGES.iter().enumerate() {
        let t = median(runs.iter().map(|r| r.times[k]).collect());
        let c = runs
            .iter()
            .map(|r| r.cpu[k])
            .collect::<Option<Vec<_>>>()
            .map(median);
        total += t;
        total_cpu = total_cpu.zip(c).map(|(a, b)| a + b);
        println!(
            "{name:<15} {:>12.1} ms {:>12} {:>12}",
            ms(t),
            cpu_s(c),
            mib(last.peaks[k])
        );
    }
    println!(
        "{:<15} {:>12.1} ms {:>12}",
        "total",
        ms(total),
        cpu_s(total_cpu)
    );
    println!("  (CPU: all threads; peak memory: VmHWM after the stage, last run)");
    println!(
        "  (solve+price: both sides solved, with every pricing round of --top-k, and the part of the report of a side solved first; report: the rest of the explanations, alternatives, fairness)"
    );
    for (i, name) in ["mentors", "offers"].iter().enumerate() {
        let solve = median(runs.iter().map(|r| r.sides[i].0).collect());
        let price = median(runs.iter().map(|r| r.sides[i].1).collect());
        println!(
            "  {name:<8} solve {:>10.1} ms, price {:>10.1} ms ({} pricing passes; the sides run at the same time)",
            ms(solve),
            ms(price),
            last.sides[i].2
        );
    }
    println!();
    println!(
        "candidate pairs: {} mentor, {} offer ({:.1} and {:.1} per participant)",
        last.mentor_pairs,
        last.offer_pairs,
        last.mentor_pairs as f64 / (args.participants.max(1)) as f64,
        last.offer_pairs as f64 / (args.participants.max(1)) as f64,
    );
    let unmatched_m = last
        .report
        .unmatched
        .iter()
        .filter(|u| u.side == Side::Mentor)
        .count();
    let unmatched_o = last.report.unmatched.len() - unmatched_m;
    println!(
        "pairs made: {} mentor ({} of {} seeking), {} offer ({} of {} seeking); pinned kept {}",
        last.report.mentor_matches.len(),
        s.matched_mentor,
        s.seeking_mentor,
        last.report.offer_matches.len(),
        s.matched_offer,
        s.seeking_offer,
        s.pinned
    );
    println!("unmatched: {unmatched_m} without a mentor, {unmatched_o} without an offer");
    println!(
        "total score: mentor {}, offer {}",
        s.mentor_total_score, s.offer_total_score
    );
    println!("proven optimal: {}", proven_optimal(&last.report));
    println!("peak memory (VmHWM): {}", mib(peak_rss_mib()));
    Ok(())
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(msg) => {
            eprintln!("error: {msg}");
            return ExitCode::from(2);
        }
    };
    let result = match args.threads {
        Some(t) => match rayon::ThreadPoolBuilder::new().num_threads(t).build() {
            Ok(pool) => pool.install(|| run(&args)),
            Err(e) => {
                eprintln!("error: cannot build a pool of {t} threads: {e}");
                return ExitCode::from(2);
            }
        },
        None => run(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
