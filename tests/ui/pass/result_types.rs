// `Result<T, E>` with `ActivityError`, any std error, `anyhow::Error`, and aliases spelled
// `Result`; the error becomes the attempt's failure.
use activity_runtime::testing::ActivityEnvironment;
use activity_runtime::{ActivityError, activity, activity_set, payload};

#[derive(Debug, thiserror::Error)]
#[error("out of stock: {0}")]
struct OutOfStock(String);

#[activity]
async fn explicit(fail: bool) -> Result<u32, ActivityError> {
    if fail { Err(ActivityError::new("no").non_retryable()) } else { Ok(1) }
}

#[activity]
fn std_error(item: String) -> Result<(), OutOfStock> {
    Err(OutOfStock(item))
}

#[activity]
async fn parse(text: String) -> Result<u16, std::num::ParseIntError> {
    text.parse()
}

#[activity]
async fn with_anyhow(fail: bool) -> anyhow::Result<String> {
    anyhow::ensure!(!fail, "asked to fail");
    Ok("fine".into())
}

#[activity]
fn with_io(path: String) -> std::io::Result<Vec<String>> {
    Ok(std::fs::read_dir(path)?.map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned()).collect())
}

async fn run(name: &str, argument: impl serde::Serialize) -> Result<payload::Payload, ActivityError> {
    let env = ActivityEnvironment::new(activity_set![explicit, std_error, parse, with_anyhow, with_io]).unwrap();
    env.run_payloads(name, vec![payload::encode(&argument).unwrap()]).await
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    assert!(run("explicit", true).await.unwrap_err().is_non_retryable());
    let error = run("std_error", "socks").await.unwrap_err();
    assert_eq!((error.error_type(), error.message()), ("OutOfStock", "out of stock: socks"));
    assert_eq!(run("parse", "x").await.unwrap_err().error_type(), "ParseIntError");
    assert_eq!(run("with_anyhow", true).await.unwrap_err().message(), "asked to fail");
    assert!(run("with_io", "/definitely/not/here").await.is_err());
}
