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

use std::collections::HashMap;

use activity_benchmarks::{YourParams, greet};
use activity_runtime::definition::ActivityDefinition;
use activity_runtime::payload::{self, Payload};
use activity_runtime::testing::ActivityEnvironment;
use activity_runtime::{ActivityContext as OurContext, activity, activity_set};
use criterion::{BatchSize, BenchmarkId, Criterion, criterion_group, criterion_main};
use temporalio_common::data_converters::{
    ActivitySerializationContext, GenericPayloadConverter, MultiArgs3, PayloadConverter,
    SerializationContext, SerializationContextData,
};
use temporalio_macros::activities;
use temporalio_sdk::activities::{ActivityContext, ActivityError};
use temporalio_sdk::testing::ActivityEnvironment as OfficialEnvironment;

#[activity(name = "your_activity")]
async fn your_activity(input: YourParams) -> String {
    greet(&input)
}

#[activity]
async fn three(name: String, count: u32, tags: Vec<String>) -> String {
    label(&name, count, &tags)
}

fn label(name: &str, count: u32, tags: &[String]) -> String {
    format!("{name}×{count} [{}]", tags.join(","))
}

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

fn seed_input() -> Vec<Payload> {
    vec![
        payload::encode(&YourParams {
            greeting: "Hello".into(),
            name: "World".into(),
        })
        .unwrap(),
    ]
}

fn three_input() -> Vec<Payload> {
    vec![
        payload::encode("tea").unwrap(),
        payload::encode(&3u32).unwrap(),
        payload::encode(&vec!["green".to_string(), "loose".to_string()]).unwrap(),
    ]
}

/// A JSON result payload, as every SDK writes one.
fn json_payload(data: Vec<u8>) -> Payload {
    Payload {
        metadata: HashMap::from([("encoding".to_string(), b"json/plain".to_vec())]),
        data,
        ..Payload::default()
    }
}

fn hand_written_seed(input: Vec<Payload>) -> Payload {
    let params: YourParams = serde_json::from_slice(&input[0].data).unwrap();
    json_payload(serde_json::to_vec(&greet(&params)).unwrap())
}

fn hand_written_three(input: Vec<Payload>) -> Payload {
    let name: String = serde_json::from_slice(&input[0].data).unwrap();
    let count: u32 = serde_json::from_slice(&input[1].data).unwrap();
    let tags: Vec<String> = serde_json::from_slice(&input[2].data).unwrap();
    json_payload(serde_json::to_vec(&label(&name, count, &tags)).unwrap())
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
    let context = OurContext::new(activity_runtime::context::ActivityInfo::new(
        "your_activity",
    ));
    group.bench_function(BenchmarkId::new("ours", "seed"), |b| {
        b.to_async(&runtime).iter_batched(
            || (context.clone(), input.clone()),
            |(context, input)| async {
                let invocation = definition.start(context, input).unwrap();
                invocation.run_inline().await.unwrap()
            },
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
    let context = OurContext::new(activity_runtime::context::ActivityInfo::new("three"));
    group.bench_function(BenchmarkId::new("ours", "three"), |b| {
        b.to_async(&runtime).iter_batched(
            || (context.clone(), input.clone()),
            |(context, input)| async {
                let invocation = definition.start(context, input).unwrap();
                invocation.run_inline().await.unwrap()
            },
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
