//! `roomwork`: the command-line shell over roomwork's libraries.
//!
//! `main` parses arguments, runs the command and maps its outcome to an exit code that scripts
//! can rely on (see [`exit`]). Commands are thin: they open the store, call the engines and
//! print what comes back, as a table or, with `--json`, as JSON on standard output.

mod args;
mod commands;
mod eml;
mod exit;
mod output;

use clap::Parser;

// Imports allocate and free millions of small strings across two threads (ours and the
// SQLite driver's); glibc's allocator spent a third of a 1M-row import consolidating and
// searching free lists. mimalloc does not.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    let cli = args::Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return exit::Code::Failure.into();
        }
    };
    match runtime.block_on(commands::run(cli)) {
        Ok(()) => exit::Code::Success.into(),
        Err(e) => {
            eprintln!("error: {e:#}");
            exit::classify(&e).into()
        }
    }
}
