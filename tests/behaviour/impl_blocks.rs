//! Activities written as methods: `#[activities]` on an `impl` block, with `&self` or
//! `self: Arc<Self>`, named by the bare method name unless `name = ` is given.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use activity_runtime::testing::ActivityEnvironment;
use activity_runtime::{ActivityContext, ActivitySet, activities, activity, activity_set};

struct Bank {
    name: String,
    charged: AtomicU64,
}

#[activities]
impl Bank {
    /// A method that is not an activity stays an ordinary method.
    fn total(&self) -> u64 {
        self.charged.load(Ordering::SeqCst)
    }

    #[activity]
    async fn charge(&self, cents: u64) -> String {
        self.charged.fetch_add(cents, Ordering::SeqCst);
        format!("{} charged {cents}", self.name)
    }

    #[activity(name = "bank_statement")]
    fn statement(self: Arc<Self>, ctx: ActivityContext) -> String {
        format!(
            "{}: {} for {}",
            self.name,
            self.total(),
            ctx.info().activity_type
        )
    }

    #[activity]
    fn exchange_rate(from: String, to: String) -> String {
        format!("{from}->{to}")
    }
}

#[activity]
async fn free_standing() -> u8 {
    1
}

fn bank() -> Arc<Bank> {
    Arc::new(Bank {
        name: "north".into(),
        charged: AtomicU64::new(0),
    })
}

#[test]
fn methods_are_named_by_their_bare_name_unless_renamed() {
    let set = ActivitySet::from_shared_instance(bank());
    assert_eq!(
        set.names().collect::<Vec<_>>(),
        ["charge", "bank_statement", "exchange_rate"]
    );
    assert_eq!(
        set.get("charge").unwrap().function(),
        "behaviour::impl_blocks::Bank::charge"
    );
}

#[tokio::test]
async fn methods_run_on_the_one_shared_instance_by_their_typed_names() {
    let bank = bank();
    let env = ActivityEnvironment::builder(activity_set![free_standing])
        .shared_instance(Arc::clone(&bank))
        .build()
        .unwrap();
    env.run(Bank::CHARGE, 30).await.unwrap();
    env.run(Bank::CHARGE, 12).await.unwrap();
    assert_eq!(bank.total(), 42);
    assert_eq!(
        env.run(Bank::STATEMENT, ()).await.unwrap(),
        "north: 42 for bank_statement"
    );
    assert_eq!(
        env.run(Bank::EXCHANGE_RATE, ("EUR".to_string(), "USD".to_string()))
            .await
            .unwrap(),
        "EUR->USD"
    );
    assert_eq!(env.run(free_standing::ACTIVITY, ()).await.unwrap(), 1);
}

#[tokio::test]
async fn an_instance_is_added_to_a_builder_as_functions_are_with_the_set() {
    let env = ActivityEnvironment::builder(activity_set![])
        .instance(Bank {
            name: "south".into(),
            charged: AtomicU64::new(0),
        })
        .build()
        .unwrap();
    assert_eq!(env.run(Bank::CHARGE, 5).await.unwrap(), "south charged 5");
    // By name too, as a worker receives it.
    let statement = env.run_payloads("bank_statement", vec![]).await.unwrap();
    assert_eq!(
        activity_runtime::payload::decode::<String>(&statement).unwrap(),
        "south: 5 for bank_statement"
    );
}
