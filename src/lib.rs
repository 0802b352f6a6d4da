//! mentormatch (crate docs are written with the engine).

// Pure safe Rust; also enforced in Cargo.toml's [lints].
#![forbid(unsafe_code)]

pub mod assign;
mod error;

pub use error::{Error, InputError, InputErrors, Result};
pub mod model;
pub mod synth;
