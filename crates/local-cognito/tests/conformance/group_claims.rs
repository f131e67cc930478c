//! Groups in tokens: `cognito:groups` in order of precedence, `cognito:roles` and
//! `cognito:preferred_role` from the groups' roles. API reference, CreateGroup,
//! Precedence: "Groups with lower Precedence values take precedence over groups with
//! higher or null Precedence values. If a user belongs to two or more groups, it is
//! the group with the lowest precedence value whose role ARN is given in the user's
//! tokens for the cognito:roles and cognito:preferred_role claims. Two groups can have
//! the same Precedence value. ... If the two groups have different role ARNs, the
//! cognito:preferred_role claim isn't set in users' tokens." Developer guide, "Adding
//! groups to a user pool" and "Understanding the identity (ID) token" (cognito:roles,
//! cognito:preferred_role are ID token claims; the access token names groups only).

use serde_json::json;

use crate::target::*;

/// Creates the groups (name, precedence, role) and puts a new user in all of them.
async fn user_in_groups(target: &Target, groups: &[(&str, Option<i32>, Option<&str>)]) -> String {
    let username = target.confirmed_user().await;
    for (name, precedence, role) in groups {
        target
            .sdk
            .create_group()
            .user_pool_id(&target.pool_id)
            .group_name(*name)
            .set_precedence(*precedence)
            .set_role_arn(role.map(str::to_owned))
            .send()
            .await
            .expect("group created");
        target
            .sdk
            .admin_add_user_to_group()
            .user_pool_id(&target.pool_id)
            .username(&username)
            .group_name(*name)
            .send()
            .await
            .expect("added to the group");
    }
    username
}

#[tokio::test]
async fn groups_come_in_order_of_precedence_with_their_roles() {
    // GIVEN a user in three groups: precedence 5 with a role, 1 with a role, none without
    let target = Target::standard().await;
    let id = &uuid::Uuid::new_v4().to_string()[..8];
    let (a, b, c) = (format!("a-{id}"), format!("b-{id}"), format!("c-{id}"));
    let (role_a, role_b) =
        (format!("arn:aws:iam::000000000000:role/a-{id}"), format!("arn:aws:iam::000000000000:role/b-{id}"));
    let username =
        user_in_groups(&target, &[(&c, None, None), (&a, Some(5), Some(&role_a)), (&b, Some(1), Some(&role_b))]).await;
    // WHEN they sign in
    let tokens = target.tokens(&username).await;
    let (access, id_token) = (claims(&tokens.access_token.unwrap()), claims(&tokens.id_token.unwrap()));
    // THEN both tokens list the groups lowest precedence first, the group without one last
    assert_eq!(access["cognito:groups"], json!([b, a, c]));
    assert_eq!(id_token["cognito:groups"], json!([b, a, c]));
    // AND the ID token carries the roles, and the role of the lowest precedence as the preferred one
    let mut roles: Vec<String> = serde_json::from_value(id_token["cognito:roles"].clone()).expect("cognito:roles");
    roles.sort();
    assert_eq!(roles, vec![role_a.clone(), role_b.clone()]);
    assert_eq!(id_token["cognito:preferred_role"], role_b.as_str());
    // AND the access token names no roles
    assert!(access.get("cognito:roles").is_none() && access.get("cognito:preferred_role").is_none());
}

#[tokio::test]
async fn groups_tied_at_the_lowest_precedence_with_different_roles_set_no_preferred_role() {
    // GIVEN a user in two groups of precedence 2 with different roles, and one of 7
    let target = Target::standard().await;
    let id = &uuid::Uuid::new_v4().to_string()[..8];
    let (x, y, z) = (format!("x-{id}"), format!("y-{id}"), format!("z-{id}"));
    let role = |name: &str| format!("arn:aws:iam::000000000000:role/{name}-{id}");
    let (role_x, role_y, role_z) = (role("x"), role("y"), role("z"));
    let username = user_in_groups(
        &target,
        &[(&z, Some(7), Some(&role_z)), (&x, Some(2), Some(&role_x)), (&y, Some(2), Some(&role_y))],
    )
    .await;
    // WHEN they sign in
    let id_token = claims(&target.tokens(&username).await.id_token.unwrap());
    // THEN every role is listed, and no preferred role is set
    assert_eq!(id_token["cognito:roles"].as_array().map(Vec::len), Some(3));
    assert!(id_token.get("cognito:preferred_role").is_none(), "{id_token}");
    assert_eq!(id_token["cognito:groups"][2], z.as_str());
}
