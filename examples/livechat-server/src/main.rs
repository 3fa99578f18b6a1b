//! `livechat-server`: starts the reference Livechat server.

use std::io::IsTerminal;

use clap::Parser;
use livechat_server::api::{Admin, Livechat};
use livechat_server::config::Config;
use livechat_server::server;
use livechat_server::storage::Store;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_ansi(std::io::stdout().is_terminal())
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();
    let config = Config::parse();

    let store = Store::open(&config.db)?;
    tracing::info!(db = %config.db.display(), "database ready");
    let admin = match &config.admin_token {
        Some(token) => Admin::new(&config.admin_user_id, token),
        None => {
            let admin = Admin::with_random_token(&config.admin_user_id);
            tracing::warn!(
                user_id = %admin.user_id(),
                token = %admin.auth_token(),
                "no --admin-token given: generated one for this run"
            );
            admin
        }
    };

    let shutdown = server::shutdown_signal()?;
    let listener = tokio::net::TcpListener::bind(config.listen).await?;
    tracing::info!(address = %listener.local_addr()?, "listening");
    server::serve(listener, server::app(Livechat::new(store, admin)), shutdown).await?;
    tracing::info!("stopped");
    Ok(())
}
