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
        "impl_blocks::Bank::charge"
    );
}

#[tokio::test]
async fn methods_run_on_the_one_shared_instance() {
    let bank = bank();
    let env = ActivityEnvironment::new(
        activity_set![free_standing].merge(ActivitySet::from_shared_instance(Arc::clone(&bank))),
    )
    .unwrap();
    let charge = |cents: u64| {
        env.run_payloads(
            "charge",
            vec![activity_runtime::payload::encode(&cents).unwrap()],
        )
    };
    charge(30).await.unwrap();
    charge(12).await.unwrap();
    assert_eq!(bank.total(), 42);
    let statement = env.run_payloads("bank_statement", vec![]).await.unwrap();
    assert_eq!(
        activity_runtime::payload::decode::<String>(&statement).unwrap(),
        "north: 42 for bank_statement"
    );
    let rate = env
        .run_payloads(
            "exchange_rate",
            vec![
                activity_runtime::payload::encode("EUR").unwrap(),
                activity_runtime::payload::encode("USD").unwrap(),
            ],
        )
        .await
        .unwrap();
    assert_eq!(
        activity_runtime::payload::decode::<String>(&rate).unwrap(),
        "EUR->USD"
    );
    assert_eq!(env.run::<free_standing>(()).await.unwrap(), 1);
}
