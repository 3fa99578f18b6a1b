//! The `livechat-server` binary as a child process: configuration from the environment and
//! from flags, graceful shutdown on Ctrl-C (SIGINT), and data kept across restarts.
#![cfg(unix)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use rocketchat_omnichannel::client::Client;
use rocketchat_omnichannel::models::*;
use rocketchat_omnichannel::operations::*;

struct Running {
    child: Child,
    base: String,
    lines: mpsc::Receiver<String>,
}

/// Starts the binary and waits for its "listening" log line.
fn start(configure: impl FnOnce(&mut Command)) -> Running {
    start_with_log(configure).0
}

/// Starts the binary; also returns the log lines before "listening".
fn start_with_log(configure: impl FnOnce(&mut Command)) -> (Running, Vec<String>) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_livechat-server"));
    command
        .env_remove("RUST_LOG")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    configure(&mut command);
    let mut child = command.spawn().expect("the binary starts");
    let (tx, lines) = mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    // From here on the guard kills the child if the test fails.
    let mut running = Running {
        child,
        base: String::new(),
        lines,
    };
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let mut seen = Vec::new();
    loop {
        let line = running
            .lines
            .recv_timeout(Duration::from_secs(30))
            .expect("a 'listening' log line");
        if let Some(rest) = line
            .split("address=")
            .nth(1)
            .filter(|_| line.contains("listening"))
        {
            running.base = format!("http://{}", rest.split_whitespace().next().unwrap());
            return (running, seen);
        }
        seen.push(line);
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        // Already exited after `interrupt`; otherwise a failed test must not leave it running.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Sends SIGINT (what Ctrl-C sends) and waits for a clean exit; returns the remaining log.
fn interrupt(mut running: Running) -> Vec<String> {
    let status = Command::new("kill")
        .args(["-INT", &running.child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = running.child.wait().unwrap();
    assert!(exit.success(), "exit status {exit:?}");
    running.lines.try_iter().collect()
}

fn admin_client(base: &str) -> Client {
    Client::new(base).with_credentials(Credentials {
        user_id: "boss".into(),
        auth_token: "s3cret".into(),
    })
}

#[tokio::test]
async fn env_configuration_ctrl_c_and_restart() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("data.db");

    let running = start(|c| {
        c.env("LIVECHAT_LISTEN", "127.0.0.1:0")
            .env("LIVECHAT_DB", &db)
            .env("LIVECHAT_ADMIN_USER_ID", "boss")
            .env("LIVECHAT_ADMIN_TOKEN", "s3cret");
    });
    let client = admin_client(&running.base);
    let save = PostLivechatCustomFieldsSaveInput {
        body: PostLivechatCustomFieldsSaveBody {
            custom_field_data: PostLivechatCustomFieldsSaveBodyCustomFieldData {
                field: Some("address".into()),
                label: Some("Address".into()),
                scope: Some("visitor".into()),
                visibility: Some("visible".into()),
                ..Default::default()
            },
            custom_field_id: None,
            additional_properties: Default::default(),
        },
    };
    let r = client
        .post_livechat_custom_fields_save(&save)
        .await
        .unwrap()
        .into_inner();
    assert!(
        matches!(r, PostLivechatCustomFieldsSaveResponse::Ok(_)),
        "{r:?}"
    );
    let log = interrupt(running);
    assert!(log.iter().any(|l| l.contains("shutting down")), "{log:#?}");
    assert!(db.exists());

    // Restarted with flags instead of the environment, on the same database.
    let running = start(|c| {
        c.args([
            "--listen",
            "127.0.0.1:0",
            "--admin-user-id",
            "boss",
            "--admin-token",
            "s3cret",
            "--db",
        ])
        .arg(&db);
    });
    let r = admin_client(&running.base)
        .get_livechat_custom_fields_id(&GetLivechatCustomFieldsIdInput {
            id: "address".into(),
        })
        .await
        .unwrap()
        .into_inner();
    let GetLivechatCustomFieldsIdResponse::Ok(ok) = r else {
        panic!("{r:?}")
    };
    assert_eq!(ok.custom_field.unwrap().label.as_deref(), Some("Address"));
    let r = Client::new(&running.base)
        .get_livechat_custom_fields(&Default::default())
        .await
        .unwrap()
        .into_inner();
    assert!(matches!(
        r,
        GetLivechatCustomFieldsResponse::Unauthorized(_)
    ));
    interrupt(running);
}

#[tokio::test]
async fn without_a_token_one_is_generated_and_logged() {
    let dir = tempfile::tempdir().unwrap();
    let (running, log) = start_with_log(|c| {
        c.args(["--listen", "127.0.0.1:0", "--db"])
            .arg(dir.path().join("x.db"));
    });
    let line = log
        .iter()
        .find(|l| l.contains("generated one for this run"))
        .expect("the token is logged");
    let token = line
        .split("token=")
        .nth(1)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_owned();
    let client = Client::new(&running.base).with_credentials(Credentials {
        user_id: "admin".into(),
        auth_token: token,
    });
    let r = client
        .get_livechat_custom_fields(&Default::default())
        .await
        .unwrap()
        .into_inner();
    assert!(matches!(r, GetLivechatCustomFieldsResponse::Ok(_)), "{r:?}");
    let log = interrupt(running);
    assert!(log.iter().any(|l| l.contains("shutting down")), "{log:#?}");
}
