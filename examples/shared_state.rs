//! Shared state: a database pool (here a map behind a mutex) given to the worker once and
//! reached by type, from a free function with `State<T>` and from methods of an
//! `#[activities]` impl block.
//!
//! `cargo run --example shared_state`

mod common;

use std::collections::HashMap;
use std::sync::Mutex;

use activity_runtime::client::execute_activity;
use activity_runtime::{ActivitySet, State, Worker, activities, activity, activity_set};

/// Stands in for a connection pool.
#[derive(Default)]
struct Db {
    stock: Mutex<HashMap<String, u32>>,
}

#[activity]
async fn restock(db: State<Db>, sku: String, count: u32) -> u32 {
    let mut stock = db.stock.lock().unwrap();
    let level = stock.entry(sku).or_default();
    *level += count;
    *level
}

/// Activities as methods, on one instance that the worker keeps.
struct Reports {
    title: String,
}

#[activities]
impl Reports {
    #[activity]
    async fn stock_report(&self, db: State<Db>) -> String {
        let stock = db.stock.lock().unwrap();
        let mut lines = stock
            .iter()
            .map(|(sku, count)| format!("{sku}: {count}"))
            .collect::<Vec<_>>();
        lines.sort();
        format!("{}\n{}", self.title, lines.join("\n"))
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let set = activity_set![restock].merge(ActivitySet::from_instance(Reports {
        title: "Stock".into(),
    }));
    let worker = Worker::builder("shared-state-example", set).state(Db::default());
    let local = common::Local::start("shared-state-example", worker).await?;
    for (sku, count) in [("tea", 3), ("coffee", 5), ("tea", 2)] {
        let level = execute_activity(
            &local.client,
            restock::ACTIVITY,
            (sku.to_string(), count),
            local.options(&format!("restock-{sku}-{count}"), None),
        )
        .await?;
        println!("{sku} now {level}");
    }
    // A method is named by its type and its name in upper case.
    let report = execute_activity(
        &local.client,
        Reports::STOCK_REPORT,
        (),
        local.options("report", None),
    )
    .await?;
    println!("{report}");
    local.stop().await
}
