//! The dispatch benchmark in instructions: runs one case many times, each call inside a
//! function of its own that callgrind counts alone, so that the inputs' set-up is not counted.
//!
//! ```sh
//! for case in hand_written_seed ours_seed hand_written_three ours_three; do
//!   valgrind --tool=callgrind --toggle-collect='*measured*' --callgrind-out-file=/tmp/cg-$case \
//!     target/release/dispatch_count $case 10000
//! done
//! grep -H '^summary' /tmp/cg-*      # instructions; divide by 10000
//! ```
//!
//! CPU time on a shared two-core machine cannot resolve the few percent these differ by; the
//! instruction count is the same every run.

use std::future::Future;
use std::hint::black_box;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use activity_benchmarks::dispatch::{
    context, generated, hand_written_seed, hand_written_three, seed_input, three, three_input,
    your_activity,
};
use activity_runtime::ActivityContext;
use activity_runtime::definition::ActivityDefinition;
use activity_runtime::payload::Payload;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(case), Some(iterations)) = (args.get(1), args.get(2).and_then(|n| n.parse().ok()))
    else {
        eprintln!(
            "usage: dispatch_count hand_written_seed|ours_seed|hand_written_three|ours_three N"
        );
        std::process::exit(2);
    };
    let iterations: usize = iterations;
    match case.as_str() {
        "hand_written_seed" => hand_written(iterations, seed_input, hand_written_seed),
        "hand_written_three" => hand_written(iterations, three_input, hand_written_three),
        "ours_seed" => ours(
            iterations,
            ActivityDefinition::of::<your_activity>(),
            seed_input,
        ),
        "ours_three" => ours(iterations, ActivityDefinition::of::<three>(), three_input),
        other => {
            eprintln!("unknown case `{other}`");
            std::process::exit(2);
        }
    }
}

fn hand_written(iterations: usize, input: fn() -> Vec<Payload>, run: fn(Vec<Payload>) -> Payload) {
    for _ in 0..iterations {
        measured_hand_written(run, black_box(input()));
    }
}

#[inline(never)]
fn measured_hand_written(run: fn(Vec<Payload>) -> Payload, input: Vec<Payload>) {
    drop(black_box(run(input)));
}

fn ours(iterations: usize, definition: ActivityDefinition, input: fn() -> Vec<Payload>) {
    // A worker's context outlives the call (the attempt holds it), so the call drops a clone.
    let context = context(definition.name());
    for _ in 0..iterations {
        measured_ours(&definition, context.clone(), black_box(input()));
    }
}

#[inline(never)]
fn measured_ours(definition: &ActivityDefinition, context: ActivityContext, input: Vec<Payload>) {
    drop(black_box(run_to_end(generated(definition, context, input))));
}

/// Polls a future that never waits, as the generated code's for these bodies.
fn run_to_end<F: Future>(future: F) -> F::Output {
    match pin!(future).poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(output) => output,
        Poll::Pending => panic!("the activity waited, which these bodies never do"),
    }
}
