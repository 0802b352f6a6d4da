//! Criterion benches of the matching core (being written).

fn main() {}
