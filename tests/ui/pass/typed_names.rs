// Every activity has a typed name for the official SDK's workflows and clients, which is an
// official `ActivityDefinition` with the signature's types when they allow it. A result that
// only serializes still compiles: its name exists, and simply is not an `ActivityDefinition`.
use activity_runtime::{ActivityContext, activities, activity};
use temporalio_common::ActivityDefinition;
use temporalio_common::data_converters::MultiArgs3;

#[derive(serde::Serialize)]
pub struct Report {
    pub lines: u32,
}

#[activity]
async fn report() -> Report {
    Report { lines: 1 }
}

#[activity]
async fn none() {}

#[activity]
fn one(ctx: ActivityContext, name: String) -> Result<String, std::io::Error> {
    Ok(format!("{name} {}", ctx.info().attempt))
}

#[activity]
async fn three(a: u64, b: String, c: Option<bool>) -> Vec<u8> {
    format!("{a}{b}{c:?}").into_bytes()
}

struct Shop;

#[activities]
impl Shop {
    #[activity]
    pub async fn sell(&self, item: String) -> u32 {
        item.len() as u32
    }
}

fn definition<D: ActivityDefinition<Input = I, Output = O>, I, O>(definition: D) -> D {
    definition
}

fn main() {
    assert_eq!(definition::<_, (), ()>(none::ACTIVITY).name(), "none");
    assert_eq!(definition::<_, String, String>(one::ACTIVITY).name(), "one");
    definition::<_, MultiArgs3<u64, String, Option<bool>>, Vec<u8>>(three::ACTIVITY);
    assert_eq!(definition::<_, String, u32>(Shop::SELL).name(), "sell");
    assert_eq!(report::ACTIVITY.name(), "report");
}
