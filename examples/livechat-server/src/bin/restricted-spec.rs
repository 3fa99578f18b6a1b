//! `restricted-spec SPEC.yaml`: prints, as JSON, the OpenAPI document restricted to the
//! operations the Livechat server implements (the input of the Schemathesis run).

use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: restricted-spec SPEC.yaml");
        return ExitCode::from(2);
    };
    let result = std::fs::read_to_string(&path)
        .map_err(|e| format!("{path}: {e}"))
        .and_then(|text| serde_yaml::from_str(&text).map_err(|e| format!("{path}: {e}")))
        .and_then(|spec| livechat_server::spec::restrict(&spec, livechat_server::api::IMPLEMENTED))
        .and_then(|out| serde_json::to_string_pretty(&out).map_err(|e| e.to_string()));
    match result {
        Ok(json) => {
            println!("{json}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("restricted-spec: {e}");
            ExitCode::from(2)
        }
    }
}
