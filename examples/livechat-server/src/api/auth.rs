//! The admin credentials the server was started with.

use rocketchat_omnichannel::operations::Credentials;
use rocketchat_omnichannel::server::ApiError;

use crate::ids;

/// The body Rocket.Chat (and the spec's `authorizationError`) sends with a 401.
pub const UNAUTHORIZED_BODY: &str =
    r#"{"status":"error","message":"You must be logged in to do this."}"#;

/// The one account allowed to call the operations that require authentication.
#[derive(Clone)]
pub struct Admin {
    user_id: String,
    auth_token: String,
}

impl std::fmt::Debug for Admin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Admin")
            .field("user_id", &self.user_id)
            .finish_non_exhaustive()
    }
}

impl Admin {
    /// The admin `user_id` authenticated by `auth_token`.
    pub fn new(user_id: impl Into<String>, auth_token: impl Into<String>) -> Self {
        Admin {
            user_id: user_id.into(),
            auth_token: auth_token.into(),
        }
    }

    /// The admin `user_id` with a fresh random token (for local runs without `--admin-token`).
    pub fn with_random_token(user_id: impl Into<String>) -> Self {
        Self::new(user_id, ids::random_id(43))
    }

    /// The token, to show once at startup when it was generated.
    pub fn auth_token(&self) -> &str {
        &self.auth_token
    }

    /// The user id.
    pub fn user_id(&self) -> &str {
        &self.user_id
    }

    /// Accepts the admin's credentials; anything else gets the documented 401.
    pub fn check(&self, credentials: &Credentials) -> Result<(), ApiError> {
        let user_ok = ids::constant_time_eq(&credentials.user_id, &self.user_id);
        let token_ok = ids::constant_time_eq(&credentials.auth_token, &self.auth_token);
        if user_ok && token_ok {
            Ok(())
        } else {
            tracing::debug!(user_id = %credentials.user_id, "rejected credentials");
            Err(ApiError::unauthorized(UNAUTHORIZED_BODY))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn creds(user_id: &str, auth_token: &str) -> Credentials {
        Credentials {
            user_id: user_id.into(),
            auth_token: auth_token.into(),
        }
    }

    #[test]
    fn only_the_admin_pair_passes() {
        let admin = Admin::new("root", "secret");
        assert!(admin.check(&creds("root", "secret")).is_ok());
        for (u, t) in [("root", "wrong"), ("other", "secret"), ("", "")] {
            let err = admin.check(&creds(u, t)).unwrap_err();
            assert_eq!(err.status().as_u16(), 401);
            assert_eq!(err.body()["message"], "You must be logged in to do this.");
            assert_eq!(err.body()["status"], "error");
        }
    }

    #[test]
    fn debug_output_hides_the_token() {
        let admin = Admin::new("root", "secret");
        assert!(!format!("{admin:?}").contains("secret"));
        assert_eq!(Admin::with_random_token("x").auth_token().len(), 43);
    }
}
