//! Dispatch overhead: decoding the arguments, calling the function and encoding the result, for
//! the seed (one struct argument) and a three-argument activity.
//!
//! `cargo bench -p activity-benchmarks --bench dispatch`. Each group compares, for the same
//! function and the same payload bytes:
//! - `hand_written`: serde_json straight from the payload's bytes and back, the least any
//!   worker can do;
//! - `ours`: what `#[activity]` generated (argument decoding by position, the call, the result's
//!   encoding), run inline;
//! - `official`: the official SDK's payload converter and its `#[activities]` execution through
//!   its test environment;
//! - `ours_attempt`: one whole attempt as a worker runs it (`ActivityEnvironment`: the slot, the
//!   lookup, the context, the span, the spawned task), for scale.

use activity_benchmarks::dispatch::{
    context, generated, hand_written_seed, hand_written_three, label, seed_input, three,
    three_input, your_activity,
};
use activity_benchmarks::{YourParams, greet};
use activity_runtime::activity_set;
use activity_runtime::definition::ActivityDefinition;
use activity_runtime::testing::ActivityEnvironment;
use criterion::{BatchSize, BenchmarkId, Criterion, criterion_group, criterion_main};
use temporalio_common::data_converters::{
    ActivitySerializationContext, GenericPayloadConverter, MultiArgs3, PayloadConverter,
    SerializationContext, SerializationContextData,
};
use temporalio_macros::activities;
use temporalio_sdk::activities::{ActivityContext, ActivityError};
use temporalio_sdk::testing::ActivityEnvironment as OfficialEnvironment;

struct Official;

#[activities]
impl Official {
    #[activity(name = "your_activity")]
    async fn your_activity(
        _ctx: ActivityContext,
        input: YourParams,
    ) -> Result<String, ActivityError> {
        Ok(greet(&input))
    }

    #[activity(name = "three")]
    async fn three(
        _ctx: ActivityContext,
        name: String,
        count: u32,
        tags: Vec<String>,
    ) -> Result<String, ActivityError> {
        Ok(label(&name, count, &tags))
    }
}

fn dispatch(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let converter = PayloadConverter::default();
    let context_data = SerializationContextData::Activity(ActivitySerializationContext::new());
    let official = OfficialEnvironment::builder_with_default()
        .register_activities(Official)
        .build();
    let environment = ActivityEnvironment::new(activity_set![your_activity, three]).unwrap();

    let mut group = c.benchmark_group("seed");
    let input = seed_input();
    group.bench_function(BenchmarkId::new("hand_written", "seed"), |b| {
        b.iter_batched(|| input.clone(), hand_written_seed, BatchSize::SmallInput)
    });
    let definition = ActivityDefinition::of::<your_activity>();
    let seed_context = context("your_activity");
    group.bench_function(BenchmarkId::new("ours", "seed"), |b| {
        b.to_async(&runtime).iter_batched(
            || (seed_context.clone(), input.clone()),
            |(context, input)| generated(&definition, context, input),
            BatchSize::SmallInput,
        )
    });
    group.bench_function(BenchmarkId::new("official", "seed"), |b| {
        b.to_async(&runtime).iter_batched(
            || input.clone(),
            |input| async {
                let context = SerializationContext::new(&context_data, &converter);
                let params: YourParams = converter.from_payloads(&context, input).unwrap();
                let output = official.run(Official::your_activity, params).await.unwrap();
                converter.to_payload(&context, &output).unwrap()
            },
            BatchSize::SmallInput,
        )
    });
    group.bench_function(BenchmarkId::new("ours_attempt", "seed"), |b| {
        b.to_async(&runtime).iter_batched(
            || input.clone(),
            |input| async {
                environment
                    .run_payloads("your_activity", input)
                    .await
                    .unwrap()
            },
            BatchSize::SmallInput,
        )
    });
    group.finish();

    let mut group = c.benchmark_group("three_arguments");
    let input = three_input();
    group.bench_function(BenchmarkId::new("hand_written", "three"), |b| {
        b.iter_batched(|| input.clone(), hand_written_three, BatchSize::SmallInput)
    });
    let definition = ActivityDefinition::of::<three>();
    let three_context = context("three");
    group.bench_function(BenchmarkId::new("ours", "three"), |b| {
        b.to_async(&runtime).iter_batched(
            || (three_context.clone(), input.clone()),
            |(context, input)| generated(&definition, context, input),
            BatchSize::SmallInput,
        )
    });
    group.bench_function(BenchmarkId::new("official", "three"), |b| {
        b.to_async(&runtime).iter_batched(
            || input.clone(),
            |input| async {
                let context = SerializationContext::new(&context_data, &converter);
                let arguments: MultiArgs3<String, u32, Vec<String>> =
                    converter.from_payloads(&context, input).unwrap();
                let output = official.run(Official::three, arguments).await.unwrap();
                converter.to_payload(&context, &output).unwrap()
            },
            BatchSize::SmallInput,
        )
    });
    group.bench_function(BenchmarkId::new("ours_attempt", "three"), |b| {
        b.to_async(&runtime).iter_batched(
            || input.clone(),
            |input| async { environment.run_payloads("three", input).await.unwrap() },
            BatchSize::SmallInput,
        )
    });
    group.finish();
}

criterion_group!(benches, dispatch);
criterion_main!(benches);
