//! A reference Omnichannel (Livechat) server built on the generated `rocketchat-omnichannel`
//! crate: visitors and custom fields with Rocket.Chat's rules, stored in SQLite.
//!
//! - [`config`]: flags and `LIVECHAT_*` environment variables;
//! - [`storage`]: the SQLite database (one transaction per request);
//! - [`livechat`]: Rocket.Chat's rules for visitors and custom fields;
//! - [`api`]: the generated `Api` trait implemented on top of them;
//! - [`server`]: the generated router, request logs and graceful shutdown;
//! - [`spec`]: the OpenAPI document restricted to what is implemented (for Schemathesis).

#![warn(missing_docs)]

pub mod api;
pub mod clock;
pub mod config;
pub mod ids;
pub mod livechat;
pub mod server;
pub mod spec;
pub mod storage;
