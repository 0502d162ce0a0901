//! Decoding any payload into common types never panics.
#![no_main]

mod common;

use activity_runtime::payload::{self, ByteBuf};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|raw: common::RawPayload| {
    let payload = raw.into_payload();
    let _ = payload::decode::<u32>(&payload);
    let _ = payload::decode::<String>(&payload);
    let _ = payload::decode::<Option<Vec<f64>>>(&payload);
    let _ = payload::decode::<ByteBuf>(&payload);
    let _ = payload::decode::<serde_json::Value>(&payload);
});
