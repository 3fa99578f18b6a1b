//! A crate that uses the generated models only pulls in serde and serde_json.

use std::process::Command;

#[test]
fn default_features_need_no_server_or_client_stack() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args([
            "tree",
            "-p",
            "rocketchat-omnichannel",
            "-e",
            "normal",
            "--prefix",
            "none",
            "--offline",
        ])
        .current_dir(omnichannel_e2e::workspace())
        .output()
        .expect("cargo tree runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let tree = String::from_utf8_lossy(&out.stdout);
    let crates: Vec<&str> = tree
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert!(crates.contains(&"serde_json"), "{tree}");
    for heavy in ["axum", "tokio", "reqwest", "hyper"] {
        assert!(
            !crates.contains(&heavy),
            "{heavy} in the default dependency tree:\n{tree}"
        );
    }
}
