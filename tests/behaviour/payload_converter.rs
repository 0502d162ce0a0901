//! A payload converter set on the test environment, which shares the worker's dispatcher:
//! it decodes the arguments, encodes the result of async and blocking activities and every
//! heartbeat, reads the previous attempt's details, and is the activity's
//! `ctx.payload_converter()`; a failure's details and sealed messages travel in its encoding;
//! a converter composes with another; and what it cannot do names the argument, the type and
//! the encoding.

use activity_runtime::payload::{
    self, Decoded, Payload, PayloadConverter, PayloadError, PayloadToDecode, ValueToEncode,
};
use activity_runtime::testing::ActivityEnvironment;
use activity_runtime::{ActivityContext, ActivityError, activity, activity_set};
use serde::{Deserialize, Serialize};

#[path = "../../examples/msgpack/converter.rs"]
mod converter;

use converter::{MSGPACK, MsgPack};

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Reading {
    sensor: String,
    celsius: f64,
}

fn encoding(payload: &Payload) -> &str {
    std::str::from_utf8(&payload.metadata["encoding"]).expect("text")
}

/// Averages the readings, resuming from the last heartbeat's count; heartbeats its progress,
/// and reports how its own converter encodes a value.
#[activity]
async fn average(
    ctx: ActivityContext,
    readings: Vec<Reading>,
    unit: Option<String>,
) -> Result<(f64, String, String), ActivityError> {
    let resumed: u32 = ctx.last_heartbeat_details()?.unwrap_or(0);
    ctx.heartbeat(&(resumed + 1));
    let own = ctx.payload_converter().encode(&readings[0])?;
    let mean = readings.iter().map(|reading| reading.celsius).sum::<f64>() / readings.len() as f64;
    Ok((mean, unit.unwrap_or_default(), encoding(&own).to_string()))
}

#[activity]
fn count_blocking(readings: Vec<Reading>) -> usize {
    readings.len()
}

/// Refuses with the reading it cannot take as a detail.
#[activity]
fn refuse(sensor: String) -> Result<(), ActivityError> {
    let reading = Reading {
        sensor: sensor.clone(),
        celsius: -300.0,
    };
    Err(
        ActivityError::new(format!("`{sensor}` reads below absolute zero"))
            .with_type("Implausible")
            .with_details(&reading)?,
    )
}

fn readings() -> Vec<Reading> {
    vec![
        Reading {
            sensor: "a".into(),
            celsius: 20.5,
        },
        Reading {
            sensor: "b".into(),
            celsius: 21.5,
        },
    ]
}

#[tokio::test]
async fn the_environments_converter_decodes_arguments_and_encodes_results_and_heartbeats() {
    let env = ActivityEnvironment::builder(activity_set![average, count_blocking])
        .payload_converter(MsgPack)
        .last_heartbeat_details(&6u32)
        .expect("encodes")
        .build()
        .expect("builds");

    // `run` encodes the arguments with the environment's converter.
    let (mean, unit, own) = env
        .run(average::ACTIVITY, (readings(), Some("C".to_string())))
        .await
        .expect("runs");
    assert_eq!((mean, unit.as_str(), own.as_str()), (21.0, "C", MSGPACK));

    // The heartbeat went out in msgpack, and reads back as the previous attempt's plus one.
    let heartbeats = env.heartbeats();
    assert_eq!(encoding(&heartbeats[0][0]), MSGPACK);
    assert_eq!(env.heartbeat_details::<u32>().await.unwrap(), [7]);

    // Raw payloads as a caller of another SDK sends them: msgpack in, msgpack out, for an
    // async and a blocking activity.
    let converter: &dyn PayloadConverter = &MsgPack;
    let arguments = converter.encode_all((readings(), None::<String>)).unwrap();
    assert_eq!(
        arguments.iter().map(encoding).collect::<Vec<_>>(),
        [MSGPACK, "binary/null"]
    );
    let result = env
        .run_payloads("average", arguments.clone())
        .await
        .unwrap();
    assert_eq!(encoding(&result), MSGPACK);
    let (mean, unit, _): (f64, String, String) = converter.decode(&result).unwrap();
    assert_eq!((mean, unit.as_str()), (21.0, ""));
    let counted = env
        .run_payloads("count_blocking", arguments[..1].to_vec())
        .await
        .unwrap();
    assert_eq!(encoding(&counted), MSGPACK);
    assert_eq!(converter.decode::<usize>(&counted).unwrap(), 2);

    // JSON still decodes: the converter falls through to the default for it.
    let json = vec![payload::encode(&readings()).unwrap()];
    assert_eq!(
        converter
            .decode::<usize>(&env.run_payloads("count_blocking", json).await.unwrap())
            .unwrap(),
        2
    );
}

#[tokio::test]
async fn without_a_converter_the_results_are_the_default_converters_bytes() {
    let env = ActivityEnvironment::new(activity_set![count_blocking]).unwrap();
    let arguments = vec![payload::encode(&readings()).unwrap()];
    let result = env.run_payloads("count_blocking", arguments).await.unwrap();
    assert_eq!(result, payload::encode(&2usize).unwrap());
    // The same through the default converter behind `dyn`.
    let default: &dyn PayloadConverter = &payload::DefaultPayloadConverter;
    assert_eq!(default.encode(&2usize).unwrap(), result);
}

#[tokio::test]
async fn what_the_converter_cannot_decode_names_the_argument_the_type_and_the_encoding() {
    let env = ActivityEnvironment::builder(activity_set![count_blocking])
        .payload_converter(MsgPack)
        .build()
        .unwrap();
    let not_readings = payload::with_encoding(MSGPACK, rmp_serde::to_vec("text").unwrap());
    let error = env
        .run_payloads("count_blocking", vec![not_readings])
        .await
        .unwrap_err();
    assert_eq!(error.error_type(), "ArgumentDecodeError");
    assert!(error.is_non_retryable());
    let message = error.message();
    assert!(
        message.contains("argument 0 (`readings`)")
            && message.contains("binary/msgpack payload does not decode as `alloc::vec::Vec<"),
        "{message}"
    );
}

/// Adds a metadata entry to what another converter writes, and checks it on the way in: a
/// converter composed over another, as a team's conventions layer over an encoding.
struct Stamped<C>(C);

impl<C: PayloadConverter> PayloadConverter for Stamped<C> {
    fn to_payload(&self, value: &ValueToEncode<'_>) -> Result<Payload, PayloadError> {
        let mut payload = self.0.to_payload(value)?;
        payload
            .metadata
            .insert("team".to_string(), b"billing".to_vec());
        Ok(payload)
    }

    fn from_payload(&self, target: PayloadToDecode<'_>) -> Result<Decoded, PayloadError> {
        if !target.payload().metadata.contains_key("team") {
            return Err(target.error("the payload has no `team` stamp"));
        }
        self.0.from_payload(target)
    }
}

/// Fails to encode every value it is given, as a converter does for a value its format cannot
/// hold.
struct Refusing;

impl PayloadConverter for Refusing {
    fn to_payload(&self, value: &ValueToEncode<'_>) -> Result<Payload, PayloadError> {
        Err(value.error("this format holds no values"))
    }
}

#[tokio::test]
async fn converters_compose_and_their_errors_name_the_type() {
    let env = ActivityEnvironment::builder(activity_set![count_blocking])
        .payload_converter(Stamped(MsgPack))
        .build()
        .unwrap();
    assert_eq!(
        env.run(count_blocking::ACTIVITY, readings()).await.unwrap(),
        2
    );
    let converter = env.payload_converter();
    let stamped = converter.encode(&readings()).unwrap();
    assert_eq!(stamped.metadata["team"], b"billing");
    assert_eq!(encoding(&stamped), MSGPACK);
    let unstamped = payload::encode(&readings()).unwrap();
    let error = converter.decode::<Vec<Reading>>(&unstamped).unwrap_err();
    assert_eq!(
        error.to_string(),
        "json/plain payload does not decode as `alloc::vec::Vec<behaviour::payload_converter::\
         Reading>`: the payload has no `team` stamp"
    );

    let refusing = ActivityEnvironment::builder(activity_set![count_blocking])
        .payload_converter(Refusing)
        .build()
        .unwrap();
    let error = refusing
        .run_payloads("count_blocking", vec![unstamped])
        .await
        .unwrap_err();
    assert_eq!(error.error_type(), "PayloadEncodeError");
    assert!(
        error.message().contains(
            "value of type `usize` does not encode as a payload: this format holds no values"
        ),
        "{}",
        error.message()
    );
}

#[tokio::test]
async fn a_failures_details_and_sealed_messages_travel_in_the_converters_encoding() {
    let env = ActivityEnvironment::builder(activity_set![refuse])
        .payload_converter(MsgPack)
        .encode_failure_messages(true)
        .build()
        .unwrap();
    let converter = env.payload_converter();

    // As the server receives it: the detail, made by `with_details` with the default
    // converter, now in msgpack, and the message sealed in a msgpack attribute payload.
    let sent = env
        .run_payloads("refuse", vec![converter.encode("s-1").unwrap()])
        .await
        .unwrap_err();
    assert_eq!(encoding(&sent.details()[0]), MSGPACK);
    assert_eq!(sent.message(), "Encoded failure");
    let failure = sent.to_failure();
    let sealed = failure.encoded_attributes.expect("sealed");
    assert_eq!(encoding(&sealed), MSGPACK);

    // As a caller with the same converter reads it.
    let read = env
        .run(refuse::ACTIVITY, "s-1".to_string())
        .await
        .unwrap_err();
    assert_eq!(read.error_type(), "Implausible");
    assert_eq!(read.message(), "`s-1` reads below absolute zero");
    assert_eq!(
        converter.decode::<Reading>(&read.details()[0]).unwrap(),
        Reading {
            sensor: "s-1".into(),
            celsius: -300.0
        }
    );
}
