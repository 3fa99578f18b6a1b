//! The report: changes grouped by operation, the most breaking first; as text or as JSON.

use std::fmt::Write;

use serde_json::json;

use super::{Change, Report, Wire};

/// Orders changes: operations with the most breaking change first (then by name), and in
/// each operation the most breaking change first (then in the order found).
pub fn order(changes: &mut [Change]) {
    let weight = |c: &Change| std::cmp::Reverse((c.wire(), c.rust()));
    let mut worst: std::collections::HashMap<String, _> = std::collections::HashMap::new();
    for c in changes.iter() {
        let w = worst.entry(c.operation.clone()).or_insert(weight(c));
        *w = (*w).min(weight(c));
    }
    changes.sort_by(|a, b| {
        (worst[&a.operation], &a.operation, weight(a)).cmp(&(
            worst[&b.operation],
            &b.operation,
            weight(b),
        ))
    });
}

/// One line: how many changes, how many break clients and servers, and the semver bump.
pub fn summary(report: &Report) -> String {
    let count = |w: Wire| report.changes.iter().filter(|c| c.wire() == w).count();
    if report.changes.is_empty() {
        return "no API changes; semver: patch".into();
    }
    format!(
        "{} API changes: {} breaking clients, {} breaking servers, {} compatible; semver: {}",
        report.changes.len(),
        count(Wire::BreakingClient),
        count(Wire::BreakingServer),
        count(Wire::Compatible),
        report.semver()
    )
}

/// The readable report: the summary, then each operation with its changes (verdicts, kind,
/// element, pointer, and why where that helps).
pub fn text(report: &Report) -> String {
    let mut out = summary(report);
    out.push('\n');
    let mut current = None;
    for c in &report.changes {
        if current != Some(&c.operation) {
            let _ = write!(out, "\n{}\n", c.operation);
            current = Some(&c.operation);
        }
        let what = match (c.place.is_empty(), c.detail.is_empty()) {
            (true, true) => String::new(),
            (false, true) => c.place.clone(),
            (true, false) => c.detail.clone(),
            (false, false) => format!("{}: {}", c.place, c.detail),
        };
        let line = format!(
            "  {:<15}  {:<5}  {}  {what}",
            c.wire().to_string(),
            c.rust().to_string(),
            c.kind_name()
        );
        let _ = writeln!(out, "{}\n      at #{}", line.trim_end(), c.pointer);
        if let Some(note) = c.note() {
            let _ = writeln!(out, "      ({note})");
        }
    }
    out
}

/// The JSON form: `{"changes": [{"operation", "pointer", "kind", "wire", "rust"}], "semver"}`.
pub fn json(report: &Report) -> serde_json::Value {
    let changes: Vec<serde_json::Value> = report
        .changes
        .iter()
        .map(|c| {
            json!({
                "operation": c.operation,
                "pointer": c.pointer,
                "kind": c.kind_name(),
                "wire": c.wire().to_string(),
                "rust": c.rust().to_string(),
            })
        })
        .collect();
    json!({ "changes": changes, "semver": report.semver().to_string() })
}
