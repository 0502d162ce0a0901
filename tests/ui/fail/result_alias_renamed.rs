// A `Result` behind an alias with another name would be encoded whole, `Err` included; the
// macro cannot see through the alias, so the generated check refuses it.
use activity_runtime::activity;

#[derive(Debug, serde::Serialize, thiserror::Error)]
#[error("declined")]
struct Declined;

type Fallible<T> = Result<T, Declined>;

#[activity]
async fn charge(_cents: u64) -> Fallible<u64> {
    Err(Declined)
}

fn main() {}
