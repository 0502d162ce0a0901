//! A payload converter of another encoding: the worker and its caller both speak MessagePack
//! (`converter.rs`), and the arguments, the heartbeat details and the result travel as
//! `binary/msgpack`. A Python caller with the msgpack converter of
//! `tests/python/msgpack_caller.py` calls the same activity.
//!
//! `cargo run --example msgpack`

#[path = "../common/mod.rs"]
mod common;
mod converter;

use std::time::Duration;

use activity_runtime::client::{ClientWithConverter, execute_activity};
use activity_runtime::{ActivityContext, ActivityError, Worker, activity, activity_set};
use serde::{Deserialize, Serialize};

use converter::MsgPack;

#[derive(Serialize, Deserialize)]
struct Order {
    id: String,
    items: Vec<Item>,
}

#[derive(Serialize, Deserialize)]
struct Item {
    sku: String,
    cents: u64,
    quantity: u32,
}

/// Totals an order, heartbeating the running total after each item.
#[activity]
async fn total_order(ctx: ActivityContext, order: Order) -> Result<String, ActivityError> {
    let mut total = 0;
    for item in &order.items {
        total += item.cents * u64::from(item.quantity);
        ctx.heartbeat(&total);
    }
    let encoding = ctx.payload_converter().encode(&total)?.metadata["encoding"].clone();
    Ok(format!(
        "order {}: {total} cents ({})",
        order.id,
        String::from_utf8_lossy(&encoding)
    ))
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let worker =
        Worker::builder("msgpack-example", activity_set![total_order]).payload_converter(MsgPack);
    let local = common::Local::start("msgpack-example", worker).await?;
    let client = ClientWithConverter::new(local.client.clone(), MsgPack);
    let order = Order {
        id: "o-17".to_string(),
        items: vec![
            Item {
                sku: "tea".to_string(),
                cents: 450,
                quantity: 2,
            },
            Item {
                sku: "cup".to_string(),
                cents: 1200,
                quantity: 1,
            },
        ],
    };
    let summary = execute_activity(
        &client,
        total_order::ACTIVITY,
        order,
        local.options("total-order", Some(Duration::from_secs(10))),
    )
    .await?;
    println!("{summary}");
    local.stop().await
}
