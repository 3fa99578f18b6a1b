//! The generated [`Api`] trait, implemented for visitors and custom fields. Every other
//! operation keeps the generated default (501); the generated router does all the routing and
//! request validation.

pub mod auth;
pub mod render;

use rocketchat_omnichannel::models::*;
use rocketchat_omnichannel::operations::*;
use rocketchat_omnichannel::server::{Api, ApiError};
use rusqlite::Connection;

use crate::livechat::field_values::{self, FieldValue};
use crate::livechat::{custom_fields, visitors, Error};
use crate::storage::Store;
pub use auth::Admin;

/// The operations this server implements (names from [`OPERATIONS`]); every other one answers
/// 501 through the generated defaults.
pub const IMPLEMENTED: &[&str] = &[
    "post_livechat_visitor",
    "get_livechat_visitor_token",
    "post_livechat_custom_fields_save",
    "post_livechat_custom_field",
    "post_livechat_custom_fields",
    "get_livechat_custom_fields",
    "get_livechat_custom_fields_id",
    "post_livechat_custom_fields_delete",
];

/// The Livechat server: storage plus the admin allowed to manage custom fields.
#[derive(Clone)]
pub struct Livechat {
    store: Store,
    admin: Admin,
}

impl Livechat {
    /// A server over `store`, accepting `admin` for authenticated operations.
    pub fn new(store: Store, admin: Admin) -> Self {
        Livechat { store, admin }
    }

    /// Runs one request's rules in one transaction and turns a broken rule into its answer.
    async fn run<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        F: FnOnce(&Connection) -> Result<T, Error> + Send + 'static,
        T: Send + 'static,
    {
        self.store
            .transaction(move |tx| f(tx))
            .await
            .map_err(render::error)
    }
}

impl Api for Livechat {
    /// Only the admin's credentials are accepted, before any request is validated.
    async fn authenticate(&self, credentials: &Credentials) -> Result<(), ApiError> {
        self.admin.check(credentials)
    }

    async fn post_livechat_visitor(
        &self,
        input: PostLivechatVisitorInput,
    ) -> Result<PostLivechatVisitorResponse, ApiError> {
        let visitor = input.body.visitor;
        let stored = self.run(move |c| visitors::register(c, &visitor)).await?;
        Ok(PostLivechatVisitorResponse::Ok(PostLivechatVisitorOk {
            success: Some(true),
            visitor: Some(render::registered_visitor(&stored)),
            additional_properties: Default::default(),
        }))
    }

    async fn get_livechat_visitor_token(
        &self,
        input: GetLivechatVisitorTokenInput,
    ) -> Result<GetLivechatVisitorTokenResponse, ApiError> {
        let token = input.token;
        let stored = self.run(move |c| visitors::by_token(c, &token)).await?;
        Ok(GetLivechatVisitorTokenResponse::Ok(
            GetLivechatVisitorTokenOk {
                success: Some(true),
                visitor: Some(render::found_visitor(&stored)),
                additional_properties: Default::default(),
            },
        ))
    }

    async fn post_livechat_custom_field(
        &self,
        input: PostLivechatCustomFieldInput,
    ) -> Result<PostLivechatCustomFieldResponse, ApiError> {
        let b = input.body;
        let field = FieldValue {
            key: b.key,
            value: b.value,
            overwrite: b.overwrite,
        };
        let answer = PostLivechatCustomFieldOkField {
            key: Some(field.key.clone()),
            overwrite: Some(field.overwrite),
            value: Some(field.value.clone()),
            additional_properties: Default::default(),
        };
        let token = b.token;
        self.run(move |c| field_values::set_one(c, &token, &field))
            .await?;
        Ok(PostLivechatCustomFieldResponse::Ok(
            PostLivechatCustomFieldOk {
                field: Some(answer),
                success: Some(true),
                additional_properties: Default::default(),
            },
        ))
    }

    async fn post_livechat_custom_fields(
        &self,
        input: PostLivechatCustomFieldsInput,
    ) -> Result<PostLivechatCustomFieldsResponse, ApiError> {
        let b = input.body;
        let fields: Vec<_> = b
            .custom_fields
            .into_iter()
            .map(|f| FieldValue {
                key: f.key,
                value: f.value,
                overwrite: f.overwrite,
            })
            .collect();
        let token = b.token;
        let applied = self
            .run(move |c| field_values::set_many(c, &token, &fields))
            .await?;
        let fields = applied
            .into_iter()
            .map(|f| PostLivechatCustomFieldsOkFieldsItem {
                key: Some(f.key),
                overwrite: Some(f.overwrite),
                value: Some(f.value),
                additional_properties: Default::default(),
            })
            .collect();
        Ok(PostLivechatCustomFieldsResponse::Ok(
            PostLivechatCustomFieldsOk {
                fields: Some(fields),
                success: Some(true),
                additional_properties: Default::default(),
            },
        ))
    }

    async fn get_livechat_custom_fields(
        &self,
        _credentials: Credentials, // checked by `authenticate`
        input: GetLivechatCustomFieldsInput,
    ) -> Result<GetLivechatCustomFieldsResponse, ApiError> {
        let query = custom_fields::ListQuery {
            text: input.text,
            offset: input.offset,
            count: input.count,
            sort: input.sort.map(|s| match s {
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            }),
        };
        let page = self.run(move |c| custom_fields::list(c, &query)).await?;
        let items: Vec<_> = page.items.into_iter().map(render::custom_field).collect();
        Ok(GetLivechatCustomFieldsResponse::Ok(
            GetLivechatCustomFieldsOk {
                count: Some(items.len() as i64),
                custom_fields: Some(items),
                offset: Some(page.offset),
                success: Some(true),
                total: Some(page.total),
                additional_properties: Default::default(),
            },
        ))
    }

    async fn get_livechat_custom_fields_id(
        &self,
        _credentials: Credentials, // checked by `authenticate`
        input: GetLivechatCustomFieldsIdInput,
    ) -> Result<GetLivechatCustomFieldsIdResponse, ApiError> {
        let id = input.id;
        match self.run(move |c| custom_fields::get(c, &id)).await? {
            Some(field) => Ok(GetLivechatCustomFieldsIdResponse::Ok(
                GetLivechatCustomFieldsIdOk {
                    custom_field: Some(render::custom_field(field)),
                    success: Some(true),
                    additional_properties: Default::default(),
                },
            )),
            // Rocket.Chat answers an unknown id with `customField: null`; the spec's property
            // is not nullable, so the `null` is a member the schema does not allow for, kept
            // with the others it does not list.
            None => Ok(GetLivechatCustomFieldsIdResponse::Ok(
                GetLivechatCustomFieldsIdOk {
                    custom_field: None,
                    success: Some(true),
                    additional_properties: [("customField".to_owned(), serde_json::Value::Null)]
                        .into(),
                },
            )),
        }
    }

    async fn post_livechat_custom_fields_save(
        &self,
        _credentials: Credentials, // checked by `authenticate`
        input: PostLivechatCustomFieldsSaveInput,
    ) -> Result<PostLivechatCustomFieldsSaveResponse, ApiError> {
        let b = input.body;
        let saved = self.run(move |c| custom_fields::save(c, &b)).await?;
        Ok(PostLivechatCustomFieldsSaveResponse::Ok(
            PostLivechatCustomFieldsSaveOk {
                custom_field: Some(render::saved_custom_field(&saved.record, saved.created)),
                success: Some(true),
                additional_properties: Default::default(),
            },
        ))
    }

    async fn post_livechat_custom_fields_delete(
        &self,
        _credentials: Credentials, // checked by `authenticate`
        input: PostLivechatCustomFieldsDeleteInput,
    ) -> Result<PostLivechatCustomFieldsDeleteResponse, ApiError> {
        let id = input.body.custom_field_id;
        self.run(move |c| custom_fields::delete(c, &id)).await?;
        Ok(PostLivechatCustomFieldsDeleteResponse::Ok(TrueSuccess {
            success: Some(true),
            additional_properties: Default::default(),
        }))
    }
}
