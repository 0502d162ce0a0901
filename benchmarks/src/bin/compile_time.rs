//! Compile time: what a crate of 100 annotated activities costs to build, with `#[activity]`
//! and with the official SDK's `#[activities]`, each against the same crate without the macros,
//! clean (the crate alone, its dependencies built) and incremental (one activity's body
//! changed), in the dev profile that a developer iterates in.
//!
//! `cargo run --release -p activity-benchmarks --bin compile_time -- [--rounds 3]`. It writes
//! four crates under `target/compile-time/`, builds their dependencies once into one shared
//! target directory, then times each build in rounds whose order rotates, and prints medians.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use activity_benchmarks::{flag, median};

const ACTIVITIES: usize = 100;

/// One generated crate.
struct Variant {
    name: &'static str,
    /// The `[dependencies]` lines.
    dependencies: String,
    /// `src/lib.rs`, with `{BODY}` where the changed activity's text goes.
    source: fn() -> String,
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let rounds = flag(&args, "--rounds").map_or(Ok(3), |value| value.parse())?;
    let workspace = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()?;
    let root = workspace.join("target/compile-time");
    let target = root.join("target");
    let runtime = workspace.join("activity-runtime");
    let ours_dependency = format!(
        "activity-runtime = {{ path = {:?} }}\nserde = {{ version = \"1\", features = [\"derive\"] }}\n",
        runtime.display().to_string()
    );
    let official_dependency = "temporalio-sdk = { version = \"=1.1.1\", default-features = false }\n\
         temporalio-macros = \"1.1.2\"\ntemporalio-common = { version = \"1.1.1\", features = [\"vendored-protox\"] }\n\
         futures = \"0.3\"  # the macro's expansion names it\n\
         serde = { version = \"1\", features = [\"derive\"] }\n"
        .to_string();
    let variants = [
        Variant {
            name: "ours",
            dependencies: ours_dependency.clone(),
            source: ours_source,
        },
        Variant {
            name: "ours-plain",
            dependencies: ours_dependency,
            source: ours_plain_source,
        },
        Variant {
            name: "official",
            dependencies: official_dependency.clone(),
            source: official_source,
        },
        Variant {
            name: "official-plain",
            dependencies: official_dependency,
            source: official_plain_source,
        },
    ];
    for variant in &variants {
        write_crate(&root, variant, &workspace)?;
        // The dependencies, once: only the crate itself is timed.
        build(&root.join(variant.name), &target)?;
    }
    let mut clean: Vec<Vec<f64>> = vec![Vec::new(); variants.len()];
    let mut incremental: Vec<Vec<f64>> = vec![Vec::new(); variants.len()];
    for round in 0..rounds {
        for at in 0..variants.len() {
            let index = (at + round) % variants.len();
            let variant = &variants[index];
            let dir = root.join(variant.name);
            let package = format!("compile-time-{}", variant.name);
            let status = Command::new("cargo")
                .args(["clean", "-p", &package, "--target-dir"])
                .arg(&target)
                .current_dir(&dir)
                .status()?;
            anyhow::ensure!(status.success(), "cargo clean -p {package}");
            clean[index].push(build(&dir, &target)?.as_secs_f64());
            let source = (variant.source)().replace("{BODY}", &format!("changed in round {round}"));
            std::fs::write(dir.join("src/lib.rs"), source)?;
            incremental[index].push(build(&dir, &target)?.as_secs_f64());
        }
    }
    println!(
        "\nBuild time of a crate of {ACTIVITIES} activities (dev profile), medians of {rounds} rounds\n"
    );
    println!("| crate | clean s | incremental s |");
    println!("|---|---|---|");
    for (index, variant) in variants.iter().enumerate() {
        println!(
            "| {} | {:.2} | {:.2} |",
            variant.name,
            median(&clean[index]),
            median(&incremental[index])
        );
    }
    let added = |annotated: usize, plain: usize| {
        (
            median(&clean[annotated]) - median(&clean[plain]),
            median(&incremental[annotated]) - median(&incremental[plain]),
        )
    };
    let (ours_clean, ours_incremental) = added(0, 1);
    let (official_clean, official_incremental) = added(2, 3);
    println!("\n| macro | adds, clean s | adds, incremental s |");
    println!("|---|---|---|");
    println!("| `#[activity]` (ours) | {ours_clean:.2} | {ours_incremental:.2} |");
    println!("| `#[activities]` (official) | {official_clean:.2} | {official_incremental:.2} |");
    Ok(())
}

fn write_crate(root: &Path, variant: &Variant, workspace: &Path) -> anyhow::Result<()> {
    let dir = root.join(variant.name);
    std::fs::create_dir_all(dir.join("src"))?;
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"compile-time-{}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
             [dependencies]\n{}\n[workspace]\n",
            variant.name, variant.dependencies
        ),
    )?;
    // The project's versions, so that both sides build what the project builds.
    std::fs::copy(workspace.join("Cargo.lock"), dir.join("Cargo.lock"))?;
    std::fs::write(
        dir.join("src/lib.rs"),
        (variant.source)().replace("{BODY}", "first"),
    )?;
    Ok(())
}

/// Builds the crate in `dir`, and returns how long it took.
fn build(dir: &Path, target: &Path) -> anyhow::Result<Duration> {
    let started = Instant::now();
    let output = Command::new("cargo")
        .args(["build", "--quiet", "--target-dir"])
        .arg(target)
        .current_dir(dir)
        .env("CARGO_INCREMENTAL", "1")
        .output()?;
    anyhow::ensure!(
        output.status.success(),
        "building {}: {}",
        dir.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    Ok(started.elapsed())
}

/// The parameter type every activity takes.
const PARAMS: &str = "#[derive(serde::Serialize, serde::Deserialize)]\n\
     pub struct Params { pub greeting: String, pub name: String }\n\n";

fn ours_source() -> String {
    let mut source = String::from(PARAMS);
    for n in 0..ACTIVITIES {
        let body = if n == 0 { "{BODY}" } else { "same" };
        source += &format!(
            "#[activity_runtime::activity]\npub async fn activity_{n}(input: Params) -> String {{\n    \
             format!(\"{{}}, {{}}! ({body} {n})\", input.greeting, input.name)\n}}\n\n"
        );
    }
    source
}

fn ours_plain_source() -> String {
    ours_source().replace("#[activity_runtime::activity]\n", "")
        + "pub fn runtime_is_linked() -> activity_runtime::ActivityError {\n    \
           activity_runtime::ActivityError::new(\"linked\")\n}\n"
}

fn official_source() -> String {
    let mut source = String::from(PARAMS);
    source += "pub struct Activities;\n\n#[temporalio_macros::activities]\nimpl Activities {\n";
    for n in 0..ACTIVITIES {
        let body = if n == 0 { "{BODY}" } else { "same" };
        source += &format!(
            "    #[activity]\n    pub async fn activity_{n}(\n        \
             _ctx: temporalio_sdk::activities::ActivityContext,\n        input: Params,\n    \
             ) -> Result<String, temporalio_sdk::activities::ActivityError> {{\n        \
             Ok(format!(\"{{}}, {{}}! ({body} {n})\", input.greeting, input.name))\n    }}\n\n"
        );
    }
    source + "}\n"
}

fn official_plain_source() -> String {
    official_source()
        .replace("#[temporalio_macros::activities]\n", "")
        .replace("    #[activity]\n", "")
}
