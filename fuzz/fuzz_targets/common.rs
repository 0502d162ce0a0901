//! Arbitrary payloads: an optional encoding drawn mostly from the real ones, extra metadata,
//! and any data.

use std::collections::HashMap;

use activity_runtime::payload::Payload;
use arbitrary::Arbitrary;

#[derive(Debug, Arbitrary)]
pub struct RawPayload {
    encoding: Encoding,
    extra: Vec<(String, Vec<u8>)>,
    data: Vec<u8>,
}

#[derive(Debug, Arbitrary)]
enum Encoding {
    JsonPlain,
    BinaryPlain,
    BinaryNull,
    JsonProtobuf,
    BinaryProtobuf,
    Missing,
    Other(Vec<u8>),
}

impl RawPayload {
    pub fn into_payload(self) -> Payload {
        let mut metadata: HashMap<String, Vec<u8>> = self.extra.into_iter().collect();
        let encoding = match self.encoding {
            Encoding::JsonPlain => Some(b"json/plain".to_vec()),
            Encoding::BinaryPlain => Some(b"binary/plain".to_vec()),
            Encoding::BinaryNull => Some(b"binary/null".to_vec()),
            Encoding::JsonProtobuf => Some(b"json/protobuf".to_vec()),
            Encoding::BinaryProtobuf => Some(b"binary/protobuf".to_vec()),
            Encoding::Missing => None,
            Encoding::Other(bytes) => Some(bytes),
        };
        match encoding {
            Some(encoding) => metadata.insert("encoding".into(), encoding),
            None => metadata.remove("encoding"),
        };
        Payload {
            metadata,
            data: self.data,
            ..Payload::default()
        }
    }
}
