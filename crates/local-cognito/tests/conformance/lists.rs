//! The list operations: filters, limits and page tokens. (API reference:
//! ListUsers "Filter" and "PaginationToken"; ListGroups, ListUsersInGroup,
//! AdminListGroupsForUser "Limit" and "NextToken"; ListDevices "Limit" and
//! "PaginationToken".)

use serde_json::json;

use crate::target::*;

#[tokio::test]
async fn a_user_status_filter_ignores_case() {
    // ListUsers, Filter: "cognito:user_status (called Status in the Console) (case-insensitive)".
    // GIVEN a pool with one confirmed and one invited user
    let Some(target) = Target::custom(json!({}), "a pool of its own").await else { return };
    let confirmed = target.confirmed_user().await;
    target.invited_user(true).await;
    // WHEN users are listed by status, in lower case
    let users = target
        .sdk
        .list_users()
        .user_pool_id(&target.pool_id)
        .filter("cognito:user_status = \"confirmed\"")
        .send()
        .await
        .unwrap();
    // THEN the confirmed user is found, and only them
    let names: Vec<&str> = users.users().iter().filter_map(|u| u.username()).collect();
    assert_eq!(names, vec![confirmed.as_str()]);
}

#[tokio::test]
async fn a_page_token_that_was_never_issued_is_an_error() {
    // ListUsers, PaginationToken: "the token that was returned by a previous call".
    // Cognito answers InvalidParameterException; its message here is an assumption.
    let target = Target::standard().await;
    let result = target.sdk.list_users().user_pool_id(&target.pool_id).pagination_token("garbage").send().await;
    assert_eq!(error_of(result).0, "InvalidParameterException");
    let result = target.sdk.list_groups().user_pool_id(&target.pool_id).next_token("garbage").send().await;
    assert_eq!(error_of(result).0, "InvalidParameterException");
}

#[tokio::test]
async fn list_users_pages_through_every_user_once() {
    // ListUsers, Limit and PaginationToken.
    let Some(target) = Target::custom(json!({}), "a pool of its own").await else { return };
    let mut created = Vec::new();
    for _ in 0..3 {
        created.push(target.invited_user(false).await);
    }
    let mut seen = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = target
            .sdk
            .list_users()
            .user_pool_id(&target.pool_id)
            .limit(2)
            .set_pagination_token(token.clone())
            .send()
            .await
            .unwrap();
        assert!(page.users().len() <= 2);
        seen.extend(page.users().iter().filter_map(|u| u.username().map(str::to_owned)));
        token = page.pagination_token().map(str::to_owned);
        if token.is_none() {
            break;
        }
    }
    seen.sort();
    created.sort();
    assert_eq!(seen, created);
}

#[tokio::test]
async fn group_lists_honour_limit_and_next_token() {
    // ListGroups, ListUsersInGroup, AdminListGroupsForUser: Limit and NextToken.
    // GIVEN a pool with three groups and a user in all of them
    let Some(target) = Target::custom(json!({"groups": ["one", "two"]}), "a pool of its own").await else {
        return;
    };
    let username = target.invited_user(false).await;
    for group in ["admin", "one", "two"] {
        target
            .sdk
            .admin_add_user_to_group()
            .user_pool_id(&target.pool_id)
            .username(&username)
            .group_name(group)
            .send()
            .await
            .unwrap();
    }
    // WHEN the groups are listed two at a time THEN two pages, every group once
    let first = target.sdk.list_groups().user_pool_id(&target.pool_id).limit(2).send().await.unwrap();
    assert_eq!(first.groups().len(), 2);
    let second = target
        .sdk
        .list_groups()
        .user_pool_id(&target.pool_id)
        .limit(2)
        .next_token(first.next_token().expect("a second page"))
        .send()
        .await
        .unwrap();
    assert_eq!(second.groups().len(), 1);
    assert!(second.next_token().is_none());
    let of_user = target
        .sdk
        .admin_list_groups_for_user()
        .user_pool_id(&target.pool_id)
        .username(&username)
        .limit(1)
        .send()
        .await
        .unwrap();
    assert_eq!(of_user.groups().len(), 1);
    assert!(of_user.next_token().is_some());
    let in_group =
        target.sdk.list_users_in_group().user_pool_id(&target.pool_id).group_name("one").limit(1).send().await.unwrap();
    assert_eq!(in_group.users().len(), 1);
    assert!(in_group.next_token().is_none());
}

#[tokio::test]
async fn a_filter_value_may_hold_the_operators() {
    // ListUsers, Filter: `AttributeName Filter-Type "AttributeValue"`; the value is
    // everything between the quotes, `=` and `^=` included.
    let target = Target::standard().await;
    let username = target.confirmed_user().await;
    let family_name = format!("a=b^=c-{}", &username[username.len() - 12..]);
    target.set_attributes(&username, &[("family_name", &family_name)]).await;
    for filter in [format!("family_name = \"{family_name}\""), format!("family_name ^= \"{family_name}\"")] {
        let users = target.sdk.list_users().user_pool_id(&target.pool_id).filter(&filter).send().await.unwrap();
        let names: Vec<&str> = users.users().iter().filter_map(|u| u.username()).collect();
        assert_eq!(names, [username.as_str()], "{filter}");
    }
}

#[tokio::test]
async fn an_escaped_quotation_mark_is_part_of_the_value_and_an_unescaped_one_an_error() {
    // ListUsers, Filter: "Quotation marks within the filter string must be escaped using the
    // backslash (\) character". So `\"` is a quotation mark of the value, and an unescaped one
    // cannot start a second condition: "Error while parsing filter." (the message Cognito gives
    // a malformed filter, as reported in aws/aws-sdk-php#1088 and #1961).
    let target = Target::standard().await;
    let username = target.confirmed_user().await;
    let family_name = format!("O\"Brien-{}", &username[username.len() - 12..]);
    target.set_attributes(&username, &[("family_name", &family_name)]).await;
    let escaped = family_name.replace('"', "\\\"");
    let users = target
        .sdk
        .list_users()
        .user_pool_id(&target.pool_id)
        .filter(format!("family_name = \"{escaped}\""))
        .send()
        .await;
    let names: Vec<String> = users.unwrap().users().iter().filter_map(|u| u.username().map(str::to_owned)).collect();
    assert_eq!(names, std::slice::from_ref(&username));
    for filter in [
        format!("family_name = \"{family_name}\""),
        format!("username = \"{username}\" or username ^= \"\""),
        "username ^= \"a\\\"".to_owned(),
        "username = \"a\" \"b\"".to_owned(),
    ] {
        let result = target.sdk.list_users().user_pool_id(&target.pool_id).filter(&filter).send().await;
        assert_eq!(
            error_of(result),
            ("InvalidParameterException".into(), "Error while parsing filter.".into()),
            "{filter}"
        );
    }
}

#[tokio::test]
async fn a_filter_longer_than_256_characters_is_refused() {
    // ListUsers, Filter (UserFilterType): "Length Constraints: Maximum length of 256."
    // Cognito's message is the AWS model-validation form (seen in aws/aws-sdk-net#3565).
    let target = Target::standard().await;
    let filter = format!("email ^= \"{}\"", "a".repeat(246));
    assert_eq!(filter.len(), 257);
    let (kind, message) = error_of(target.sdk.list_users().user_pool_id(&target.pool_id).filter(&filter).send().await);
    assert_eq!(kind, "InvalidParameterException");
    assert!(
        message
            .ends_with("at 'filter' failed to satisfy constraint: Member must have length less than or equal to 256"),
        "{message}"
    );
    let shorter = format!("email ^= \"{}\"", "a".repeat(245));
    target.sdk.list_users().user_pool_id(&target.pool_id).filter(&shorter).send().await.unwrap();
}
