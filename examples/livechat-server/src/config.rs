//! Command line and environment: where to listen, where the database lives, who the admin is.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Parser;

/// How the server is started. Every flag can also come from a `LIVECHAT_*` environment variable.
#[derive(Debug, Clone, Parser)]
#[command(name = "livechat-server", version, about)]
pub struct Config {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, env = "LIVECHAT_LISTEN", default_value = "127.0.0.1:3000")]
    pub listen: SocketAddr,

    /// SQLite database file, created on first start (`:memory:` keeps nothing).
    #[arg(long, env = "LIVECHAT_DB", default_value = "livechat.db")]
    pub db: PathBuf,

    /// `X-User-Id` accepted for the operations that require authentication.
    #[arg(long, env = "LIVECHAT_ADMIN_USER_ID", default_value = "admin")]
    pub admin_user_id: String,

    /// `X-Auth-Token` accepted for the operations that require authentication. When absent,
    /// a random token is generated at startup and written to the log.
    #[arg(long, env = "LIVECHAT_ADMIN_TOKEN", hide_env_values = true)]
    pub admin_token: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_suit_a_local_run() {
        let config = Config::try_parse_from(["livechat-server"]).unwrap();
        assert_eq!(config.listen, "127.0.0.1:3000".parse().unwrap());
        assert_eq!(config.db, PathBuf::from("livechat.db"));
        assert_eq!(config.admin_user_id, "admin");
    }

    #[test]
    fn flags_override_defaults() {
        let config = Config::try_parse_from([
            "livechat-server",
            "--listen",
            "0.0.0.0:8080",
            "--db",
            ":memory:",
            "--admin-user-id",
            "root",
            "--admin-token",
            "secret",
        ])
        .unwrap();
        assert_eq!(config.listen.port(), 8080);
        assert_eq!(config.db, PathBuf::from(":memory:"));
        assert_eq!(config.admin_user_id, "root");
        assert_eq!(config.admin_token.as_deref(), Some("secret"));
    }

    #[test]
    fn the_command_is_well_formed() {
        use clap::CommandFactory;
        Config::command().debug_assert();
    }
}
