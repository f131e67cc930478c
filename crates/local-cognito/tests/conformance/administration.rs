//! The operations a user-pool app's administration and infrastructure use
//! besides creating things: updates, deletions, listings. (API reference:
//! UpdateUserPool, UpdateUserPoolClient, ListUserPoolClients,
//! DeleteUserPoolClient, DeleteGroup, UpdateGroup, AdminDeleteUserAttributes,
//! DeleteUserAttributes, AddCustomAttributes.)

use aws_sdk_cognitoidentityprovider::types::{AttributeDataType, SchemaAttributeType};
use serde_json::json;

use crate::target::*;

#[tokio::test]
async fn update_user_pool_resets_what_it_leaves_out() {
    // UpdateUserPool: "If you don't provide a value for an attribute, Amazon Cognito
    // sets it to its default value." The name stays (it is not in the input).
    let Some(target) = Target::custom(json!({}), "a pool of its own").await else { return };
    let before = target.sdk.describe_user_pool().user_pool_id(&target.pool_id).send().await.unwrap();
    let name = before.user_pool().unwrap().name().unwrap().to_owned();
    assert!(before.user_pool().unwrap().admin_create_user_config().unwrap().allow_admin_create_user_only());
    // WHEN the pool is updated with only its auto-verified attributes
    target
        .sdk
        .update_user_pool()
        .user_pool_id(&target.pool_id)
        .auto_verified_attributes("email".into())
        .send()
        .await
        .unwrap();
    // THEN AdminCreateUserConfig is back to its default, and the name is kept
    let after = target.sdk.describe_user_pool().user_pool_id(&target.pool_id).send().await.unwrap();
    let pool = after.user_pool().unwrap();
    assert_eq!(pool.name(), Some(name.as_str()));
    assert!(!pool.admin_create_user_config().unwrap().allow_admin_create_user_only());
    assert_eq!(pool.auto_verified_attributes().len(), 1);
    // AND MFA cannot be turned on here without a factor (observed:
    // cloudformation-coverage-roadmap#1176)
    let result =
        target.sdk.update_user_pool().user_pool_id(&target.pool_id).mfa_configuration("ON".into()).send().await;
    assert_eq!(
        error_of(result),
        (
            "InvalidParameterException".into(),
            "Cannot turn MFA functionality ON, once the user pool has been created.".into()
        )
    );
}

#[tokio::test]
async fn clients_are_listed_updated_and_deleted() {
    // ListUserPoolClients, UpdateUserPoolClient, DeleteUserPoolClient.
    let Some(target) = Target::custom(json!({}), "a pool of its own").await else { return };
    let listed = target.sdk.list_user_pool_clients().user_pool_id(&target.pool_id).send().await.unwrap();
    let ids: Vec<&str> = listed.user_pool_clients().iter().filter_map(|c| c.client_id()).collect();
    assert!(ids.contains(&target.client_id.as_str()) && ids.contains(&target.sign_up_client_id.as_str()));
    // WHEN the sign-up client is updated with a new name and no flows
    let updated = target
        .sdk
        .update_user_pool_client()
        .user_pool_id(&target.pool_id)
        .client_id(&target.sign_up_client_id)
        .client_name("renamed")
        .send()
        .await
        .unwrap();
    // THEN its name changed, and what the update left out is back to its default
    let client = updated.user_pool_client().unwrap();
    assert_eq!(client.client_name(), Some("renamed"));
    assert!(client.explicit_auth_flows().is_empty());
    // WHEN it is deleted THEN it is gone
    target
        .sdk
        .delete_user_pool_client()
        .user_pool_id(&target.pool_id)
        .client_id(&target.sign_up_client_id)
        .send()
        .await
        .unwrap();
    let result = target
        .sdk
        .describe_user_pool_client()
        .user_pool_id(&target.pool_id)
        .client_id(&target.sign_up_client_id)
        .send()
        .await;
    assert_eq!(error_of(result).0, "ResourceNotFoundException");
}

#[tokio::test]
async fn groups_are_updated_and_deleted_with_their_memberships() {
    // UpdateGroup, DeleteGroup.
    let Some(target) = Target::custom(json!({"groups": ["staff"]}), "a pool of its own").await else { return };
    let username = target.invited_user(false).await;
    let pool = &target.pool_id;
    target
        .sdk
        .admin_add_user_to_group()
        .user_pool_id(pool)
        .username(&username)
        .group_name("staff")
        .send()
        .await
        .unwrap();
    let updated = target
        .sdk
        .update_group()
        .user_pool_id(pool)
        .group_name("staff")
        .description("Staff")
        .precedence(3)
        .send()
        .await
        .unwrap();
    assert_eq!(updated.group().unwrap().precedence(), Some(3));
    target.sdk.delete_group().user_pool_id(pool).group_name("staff").send().await.unwrap();
    let result = target.sdk.get_group().user_pool_id(pool).group_name("staff").send().await;
    assert_eq!(error_of(result).0, "ResourceNotFoundException");
    let groups = target.sdk.admin_list_groups_for_user().user_pool_id(pool).username(&username).send().await.unwrap();
    assert!(groups.groups().is_empty());
}

#[tokio::test]
async fn attributes_are_deleted_with_their_verified_flag() {
    // AdminDeleteUserAttributes, DeleteUserAttributes; the client's WriteAttributes
    // bound the user's own call (as UpdateUserAttributes').
    let target = Target::standard().await;
    let username = target.confirmed_user().await;
    target.set_attributes(&username, &[("birthdate", "2000-01-01"), ("preferred_username", "pat")]).await;
    target
        .sdk
        .admin_delete_user_attributes()
        .user_pool_id(&target.pool_id)
        .username(&username)
        .user_attribute_names("email")
        .user_attribute_names("preferred_username")
        .send()
        .await
        .unwrap();
    let user = target.sdk.admin_get_user().user_pool_id(&target.pool_id).username(&username).send().await.unwrap();
    let names: Vec<&str> = user.user_attributes().iter().map(|a| a.name()).collect();
    assert!(!names.contains(&"email") && !names.contains(&"email_verified") && !names.contains(&"preferred_username"));
    // WHEN the user deletes an attribute the client may write THEN it is gone; one it may not: refused
    let access = target.tokens(&username).await.access_token.unwrap();
    target.sdk.delete_user_attributes().access_token(&access).user_attribute_names("birthdate").send().await.unwrap();
    let result = target
        .sdk
        .delete_user_attributes()
        .access_token(&access)
        .user_attribute_names("custom:universal_id")
        .send()
        .await;
    assert_eq!(error_of(result).0, "NotAuthorizedException");
    // AND `sub` is never deleted
    let result = target
        .sdk
        .admin_delete_user_attributes()
        .user_pool_id(&target.pool_id)
        .username(&username)
        .user_attribute_names("sub")
        .send()
        .await;
    assert_eq!(error_of(result).0, "InvalidParameterException");
}

#[tokio::test]
async fn custom_attributes_are_added_once() {
    // AddCustomAttributes: names given without `custom:`, listed with it.
    let Some(target) = Target::custom(json!({}), "a pool of its own").await else { return };
    let attribute = || {
        SchemaAttributeType::builder().name("tier").attribute_data_type(AttributeDataType::String).mutable(true).build()
    };
    target
        .sdk
        .add_custom_attributes()
        .user_pool_id(&target.pool_id)
        .custom_attributes(attribute())
        .send()
        .await
        .unwrap();
    let pool = target.sdk.describe_user_pool().user_pool_id(&target.pool_id).send().await.unwrap();
    assert!(pool.user_pool().unwrap().schema_attributes().iter().any(|a| a.name() == Some("custom:tier")));
    let username = target.invited_user(false).await;
    target.set_attributes(&username, &[("custom:tier", "gold")]).await;
    let again =
        target.sdk.add_custom_attributes().user_pool_id(&target.pool_id).custom_attributes(attribute()).send().await;
    assert_eq!(error_of(again).0, "InvalidParameterException");
}
