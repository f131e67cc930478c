//! One route table: openapi.yaml and the crates under functions/ must agree
//! with it (and, through it, the local server, which serves the table).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use auth_api::error::ErrorCode;
use auth_api::routes::{routes_of, Function, ROUTES};
use serde_norway::Value;

fn repo_file(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(path)
}

fn yaml(path: &str) -> Value {
    let text = std::fs::read_to_string(repo_file(path)).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_norway::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn route_table() -> BTreeSet<(String, String, String)> {
    ROUTES.iter().map(|r| (r.method.to_string(), r.path.to_owned(), r.operation.operation_id().to_owned())).collect()
}

#[test]
fn openapi_documents_exactly_the_route_table() {
    let spec = yaml("openapi.yaml");
    let mut documented = BTreeSet::new();
    for (path, item) in spec["paths"].as_mapping().expect("paths") {
        for (method, operation) in item.as_mapping().expect("path item") {
            // A path item also holds what its operations share (path parameters).
            if ["parameters", "summary", "description"].contains(&method.as_str().unwrap()) {
                continue;
            }
            documented.insert((
                method.as_str().unwrap().to_uppercase(),
                path.as_str().unwrap().to_owned(),
                operation["operationId"].as_str().expect("operationId").to_owned(),
            ));
        }
    }
    assert_eq!(documented, route_table());
}

#[test]
fn openapi_lists_every_error_code() {
    let spec = yaml("openapi.yaml");
    let documented: BTreeSet<&str> = spec["components"]["schemas"]["ErrorCode"]["enum"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let codes: BTreeSet<&str> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
    assert_eq!(documented, codes);
}

#[test]
fn openapi_names_exactly_the_challenges_a_client_answers() {
    let spec = yaml("openapi.yaml");
    let documented: BTreeSet<&str> = spec["components"]["schemas"]["ChallengeName"]["enum"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let answered: BTreeSet<&str> = auth_api::auth_result::CLIENT_CHALLENGES.iter().map(|c| c.as_str()).collect();
    assert_eq!(documented, answered);
}

#[test]
fn every_function_has_a_crate_and_every_crate_a_function() {
    let on_disk: BTreeSet<String> = std::fs::read_dir(repo_file("functions"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let declared: BTreeSet<String> = Function::ALL
        .iter()
        .map(|f| f.crate_name().to_owned())
        .chain(triggers::FUNCTIONS.iter().map(|t| t.to_string()))
        .collect();
    assert_eq!(on_disk, declared);
    for function in Function::ALL {
        let main =
            std::fs::read_to_string(repo_file(&format!("functions/{}/src/main.rs", function.crate_name()))).unwrap();
        // Its own router only: a function's binary links the handlers it names.
        let router = format!("auth_api::functions::{}()", function.crate_name().replace('-', "_"));
        assert!(main.contains(&router), "{} serves {router}", function.crate_name());
        assert!(ROUTES.iter().any(|r| r.function == *function), "{function:?} serves a route");
    }
}

/// The template's functions, by Binary name, with their API events and IAM actions.
struct TemplateFunction {
    routes: BTreeSet<(String, String)>,
    preflights: BTreeSet<String>,
    cognito_actions: BTreeSet<String>,
}

fn template_functions() -> std::collections::BTreeMap<String, TemplateFunction> {
    let template = yaml("template.yaml");
    let mut functions = std::collections::BTreeMap::new();
    for (_, resource) in template["Resources"].as_mapping().unwrap() {
        if resource["Type"] != "AWS::Serverless::Function" {
            continue;
        }
        let binary = resource["Metadata"]["BuildProperties"]["Binary"].as_str().expect("Binary").to_owned();
        let mut function =
            TemplateFunction { routes: BTreeSet::new(), preflights: BTreeSet::new(), cognito_actions: BTreeSet::new() };
        for (_, event) in resource["Properties"]["Events"].as_mapping().unwrap() {
            assert_eq!(event["Type"], "Api", "{binary}");
            let method = event["Properties"]["Method"].as_str().unwrap().to_uppercase();
            let path = event["Properties"]["Path"].as_str().unwrap().to_owned();
            if method == "OPTIONS" {
                function.preflights.insert(path);
            } else {
                function.routes.insert((method, path));
            }
        }
        // Every string under Policies that names a cognito-idp action, conditions and all.
        collect_strings(&resource["Properties"]["Policies"], &mut |s| {
            if s.starts_with("cognito-idp:") {
                function.cognito_actions.insert(s.to_owned());
            }
        });
        functions.insert(binary, function);
    }
    functions
}

fn collect_strings(value: &Value, found: &mut impl FnMut(&str)) {
    match value {
        Value::String(s) => found(s),
        Value::Sequence(items) => items.iter().for_each(|v| collect_strings(v, found)),
        Value::Mapping(map) => map.iter().for_each(|(_, v)| collect_strings(v, found)),
        Value::Tagged(tagged) => collect_strings(&tagged.value, found),
        _ => {}
    }
}

#[test]
fn the_template_declares_exactly_the_route_table_and_the_functions() {
    let functions = template_functions();
    let declared: BTreeSet<String> = Function::ALL.iter().map(|f| f.crate_name().to_owned()).collect();
    assert_eq!(functions.keys().cloned().collect::<BTreeSet<_>>(), declared);
    for function in Function::ALL {
        let in_template = &functions[function.crate_name()];
        let in_table: BTreeSet<(String, String)> =
            routes_of(*function).map(|r| (r.method.to_string(), r.path.to_owned())).collect();
        assert_eq!(in_template.routes, in_table, "{function:?}");
        // Preflights only for its own paths: its CORS layer answers browsers.
        let paths: BTreeSet<String> = in_table.iter().map(|(_, p)| p.clone()).collect();
        assert!(in_template.preflights.is_subset(&paths), "{function:?}");
    }
    // Each path's preflight in exactly one function (API Gateway takes one OPTIONS per
    // path); paths that several functions serve (GET and POST /auth/users, GET, PATCH and DELETE
    // /auth/me) share it,
    // and every function's CORS layer is the same.
    for path in ROUTES.iter().map(|r| r.path).collect::<BTreeSet<_>>() {
        let owners = functions.values().filter(|f| f.preflights.contains(path)).count();
        assert_eq!(owners, 1, "{path}: one preflight");
    }
}

#[test]
fn each_function_may_make_exactly_the_cognito_admin_calls_its_code_makes() {
    let functions = template_functions();
    for function in Function::ALL {
        let source = function_source(*function);
        let called: BTreeSet<String> =
            admin_calls(&source).into_iter().map(|call| format!("cognito-idp:{call}")).collect();
        let declared: BTreeSet<String> = function.iam_actions().iter().map(|a| a.to_string()).collect();
        assert_eq!(called, declared, "{function:?}: the code's admin calls vs Function::iam_actions");
        assert_eq!(
            functions[function.crate_name()].cognito_actions,
            declared,
            "{function:?}: template.yaml vs the code"
        );
    }
}

/// A function's code: handlers/<crate name with underscores>.rs, plus the
/// crate's top-level modules and other handlers it names (`crate::sign_in`,
/// `crate::handlers::signup`, ...), transitively.
fn function_source(function: Function) -> String {
    let handler = format!("crates/auth-api/src/handlers/{}.rs", function.crate_name().replace('-', "_"));
    let mut source = std::fs::read_to_string(repo_file(&handler)).unwrap_or_else(|e| panic!("{handler}: {e}"));
    // And the modules those name, and so on (step_up names sessions). The shared state
    // is named by every handler and calls nothing itself: its lazy readers are named by
    // the handlers that use them.
    let mut read: BTreeSet<String> = ["app", "state"].iter().map(|m| m.to_string()).collect();
    loop {
        let modules: BTreeSet<String> = source
            .match_indices("crate::")
            .map(|(at, _)| module_named(&source[at + 7..]))
            .filter(|module| !read.contains(module))
            .collect();
        if modules.is_empty() {
            return source;
        }
        for module in modules {
            // `crate::handlers::x` is another handler's file: its calls count too.
            let file = match module.strip_prefix("handlers::") {
                Some(handler) => format!("crates/auth-api/src/handlers/{handler}.rs"),
                None => format!("crates/auth-api/src/{module}.rs"),
            };
            if let Ok(shared) = std::fs::read_to_string(repo_file(&file)) {
                source.push_str(&shared);
            }
            read.insert(module);
        }
    }
}

/// The module a `crate::` path names: `sign_in`, or `handlers::signup` for a handler's.
fn module_named(path: &str) -> String {
    let word = |text: &str| -> String { text.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect() };
    match path.strip_prefix("handlers::") {
        Some(rest) => format!("handlers::{}", word(rest)),
        None => word(path),
    }
}

/// The calls besides the admin ones that need IAM permission.
const IAM_CALLS: &[(&str, &str)] = &[
    (".list_users()", "ListUsers"),
    (".describe_user_pool()", "DescribeUserPool"),
    (".describe_user_pool_client()", "DescribeUserPoolClient"),
    (".list_groups()", "ListGroups"),
    (".get_user_pool_mfa_config()", "GetUserPoolMfaConfig"),
];

/// `.admin_create_user()` -> `AdminCreateUser`, for every admin call in `source`, and `IAM_CALLS`.
fn admin_calls(source: &str) -> BTreeSet<String> {
    let others = IAM_CALLS.iter().filter(|(call, _)| source.contains(call)).map(|(_, action)| action.to_string());
    source
        .match_indices(".admin_")
        .filter_map(|(at, _)| {
            let name: String =
                source[at + 1..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            source[at + 1 + name.len()..]
                .starts_with("()")
                .then(|| name.split('_').map(|word| word[..1].to_uppercase() + &word[1..]).collect::<String>())
        })
        .chain(others)
        .collect()
}

#[test]
fn the_local_pool_matches_the_templates_pool() {
    let template = yaml("template.yaml");
    let pool: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(repo_file("crates/local-cognito/pool.json")).unwrap()).unwrap();
    let as_json = |value: &Value| serde_json::to_value(defaults(value)).unwrap();
    let template_pool = &template["Resources"]["UserPool"]["Properties"];
    assert_eq!(as_json(&template_pool["Schema"]), pool["pool"]["Schema"]);
    assert_eq!(as_json(&template_pool["Policies"]), pool["pool"]["Policies"]);
    for setting in
        ["AdminCreateUserConfig", "AutoVerifiedAttributes", "UsernameConfiguration", "UserAttributeUpdateSettings"]
    {
        assert_eq!(as_json(&template_pool[setting]), pool["pool"][setting], "{setting}");
    }
    let template_client = &template["Resources"]["UserPoolClient"]["Properties"];
    for setting in ["ExplicitAuthFlows", "PreventUserExistenceErrors", "ReadAttributes", "WriteAttributes"] {
        assert_eq!(as_json(&template_client[setting]), pool["client"][setting], "{setting}");
    }
    let template_sign_up_client = &template["Resources"]["SignUpClient"]["Properties"];
    for setting in ["ExplicitAuthFlows", "PreventUserExistenceErrors", "ReadAttributes", "WriteAttributes"] {
        assert_eq!(as_json(&template_sign_up_client[setting]), pool["signUpClient"][setting], "sign-up {setting}");
    }
    assert_eq!(
        template["Parameters"]["AdminGroupName"]["Default"].as_str().unwrap(),
        pool["groups"][0]["GroupName"].as_str().unwrap()
    );
    // /auth/new-password accepts exactly the attributes the schema requires.
    let required: Vec<String> = pool["pool"]["Schema"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["Required"] == true)
        .map(|a| a["Name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(required.join(","), auth_api::config::DEFAULT_REQUIRED_ATTRIBUTES);
}

#[test]
fn the_api_has_one_stage_and_functions_outlast_their_bounded_calls() {
    let template = yaml("template.yaml");
    // SAM's extra "Stage" stage appears unless OpenApiVersion is set.
    assert!(template["Globals"]["Api"]["OpenApiVersion"].as_str().is_some(), "one stage only");
    let stages = template["Resources"]
        .as_mapping()
        .unwrap()
        .values()
        .filter(|r| r["Type"] == "AWS::Serverless::Api" || r["Type"] == "AWS::ApiGateway::Stage")
        .count();
    assert_eq!(stages, 1);
    // A Secrets Manager read and a Cognito call, each bounded, fit in the timeout, under API Gateway's 29 s.
    let globals = &template["Globals"]["Function"];
    let bound_ms: u64 = globals["Environment"]["Variables"]["COGNITO_TIMEOUT_MS"].as_str().unwrap().parse().unwrap();
    let timeout_s = globals["Timeout"].as_u64().unwrap();
    assert!(timeout_s * 1000 > 2 * bound_ms && timeout_s < 29, "Timeout {timeout_s} s for two {bound_ms} ms calls");
}

#[test]
fn api_gateways_own_answers_carry_cors_and_cache_headers() {
    let template = yaml("template.yaml");
    for (kind, response) in gateway_responses(&template) {
        let headers = &response["ResponseParameters"]["Headers"];
        assert_eq!(headers["Cache-Control"], "'no-store'", "{kind}");
        assert_eq!(headers["X-Content-Type-Options"], "'nosniff'", "{kind}");
    }
}

fn gateway_responses(template: &Value) -> Vec<(String, &Value)> {
    let responses = template["Resources"]["AuthApi"]["Properties"]["GatewayResponses"].as_mapping().unwrap();
    responses.iter().map(|(kind, response)| (kind.as_str().unwrap().to_owned(), response)).collect()
}

/// API Gateway answers a method and path it has no route for itself, before any
/// function runs: with the functions' 404 problem, not a 403 about a token.
#[test]
fn api_gateways_answer_to_an_unknown_route_is_the_functions_404() {
    use auth_api::error::ErrorCode;
    let template = yaml("template.yaml");
    let response = &template["Resources"]["AuthApi"]["Properties"]["GatewayResponses"]["MISSING_AUTHENTICATION_TOKEN"];
    let code = ErrorCode::NotFound;
    assert_eq!(response["StatusCode"].as_str(), Some(code.status().as_str()));
    assert_eq!(response["ResponseParameters"]["Headers"]["Content-Type"], "'application/problem+json'");
    let body = response["ResponseTemplates"]["application/json"].as_str().unwrap();
    let body: serde_json::Value = serde_json::from_str(body).expect("the template's body is JSON");
    assert_eq!(body["type"], code.type_uri());
    assert_eq!(body["title"], code.title());
    assert_eq!(body["status"], code.status().as_u16());
    assert_eq!(body["code"], code.as_str());
    assert_eq!(body["requestId"], "$context.requestId");
    assert!(body["detail"].as_str().unwrap().contains("without `/`"), "{body}");
}

fn reference(value: &Value) -> Option<&str> {
    match value {
        Value::Tagged(tagged) if tagged.tag == "Ref" => tagged.value.as_str(),
        _ => None,
    }
}

/// Every route that guesses passwords or codes or sends mail (routes.rs) is counted by the
/// per-IP WAF rule, on by default, and has its own throttle, tighter than the stage's.
#[test]
fn every_route_that_guesses_or_sends_has_a_per_ip_limit_and_a_tighter_throttle() {
    let template = yaml("template.yaml");
    let parameter = |name: &str| template["Parameters"][name]["Default"].as_u64().unwrap_or_else(|| panic!("{name}"));
    assert!(parameter("SignInRateLimitPerIp") >= 10, "the per-IP rule is on by default (WAF's minimum is 10)");
    assert!(parameter("CodeRouteThrottlingRateLimit") < parameter("ThrottlingRateLimit"));
    assert!(parameter("CodeRouteThrottlingBurstLimit") < parameter("ThrottlingBurstLimit"));

    let rule = &template["Resources"]["SignInRateLimit"]["Properties"]["Rules"][0]["Statement"]["RateBasedStatement"];
    assert_eq!(rule["AggregateKeyType"], "IP");
    assert_eq!(reference(&rule["Limit"]), Some("SignInRateLimitPerIp"));
    let scope = &rule["ScopeDownStatement"]["AndStatement"]["Statements"];
    let pattern = |statement: &Value| regex::Regex::new(statement["RegexString"].as_str().unwrap()).unwrap();
    let (paths, uncounted) = (
        pattern(&scope[0]["RegexMatchStatement"]),
        pattern(&scope[1]["NotStatement"]["Statement"]["RegexMatchStatement"]),
    );
    assert_eq!(scope[0]["RegexMatchStatement"]["FieldToMatch"], yaml_value("{UriPath: {}}"));
    // A script may write /auth/%6Cogin or //auth//login: the path is matched decoded and normalized.
    let transformations: Vec<&str> = scope[0]["RegexMatchStatement"]["TextTransformations"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|t| t["Type"].as_str().unwrap())
        .collect();
    assert_eq!(transformations, ["URL_DECODE", "NORMALIZE_PATH", "LOWERCASE"]);
    assert_eq!(
        scope[1]["NotStatement"]["Statement"]["RegexMatchStatement"]["FieldToMatch"],
        yaml_value("{Method: {}}")
    );

    let throttled: BTreeSet<(String, String)> = template["Resources"]["AuthApi"]["Properties"]["MethodSettings"]
        .as_sequence()
        .unwrap()
        .iter()
        .filter(|s| reference(&s["ThrottlingRateLimit"]) == Some("CodeRouteThrottlingRateLimit"))
        .filter(|s| reference(&s["ThrottlingBurstLimit"]) == Some("CodeRouteThrottlingBurstLimit"))
        .filter(|s| s["MetricsEnabled"] == true)
        .map(|s| (s["HttpMethod"].as_str().unwrap().to_owned(), s["ResourcePath"].as_str().unwrap().to_owned()))
        .collect();
    let guessing: Vec<_> = ROUTES.iter().filter(|r| r.operation.guesses_or_sends()).collect();
    assert!(guessing.len() >= 15, "the list is not empty by mistake");
    let parameter = regex::Regex::new(r"\{[^}]+\}").unwrap();
    for route in guessing {
        // The path WAF sees carries the stage; path parameters are anything.
        let path = parameter.replace_all(route.path, "x1");
        for uri in [path.to_string(), format!("/prod{path}")] {
            assert!(paths.is_match(&uri), "{} {uri} is counted by the per-IP rule", route.method);
        }
        assert!(!uncounted.is_match(route.method.as_str()), "{} {} is counted", route.method, route.path);
        let resource_path = format!("/{}", route.path.replace('/', "~1"));
        assert!(
            throttled.contains(&(route.method.to_string(), resource_path.clone())),
            "{} {} ({resource_path}) has the code routes' MethodSettings throttle",
            route.method,
            route.path
        );
    }
    // Reads and preflights are not counted.
    for method in ["GET", "OPTIONS"] {
        assert!(uncounted.is_match(method));
    }
}

fn yaml_value(text: &str) -> Value {
    serde_norway::from_str(text).unwrap()
}

#[test]
fn no_answer_reflects_the_requests_origin() {
    // An Access-Control-Allow-Origin mapped from a request header (`method.request.*`)
    // lets any site read the answer: nowhere in the template, whatever the conditions.
    let template = yaml("template.yaml");
    let mut found = 0;
    fn visit(value: &Value, found: &mut usize) {
        match value {
            Value::Mapping(map) => {
                for (key, value) in map {
                    if key.as_str().is_some_and(|k| k.eq_ignore_ascii_case("access-control-allow-origin")) {
                        *found += 1;
                        collect_strings(value, &mut |s| {
                            assert!(!s.contains("method.request"), "Access-Control-Allow-Origin reflects {s}");
                        });
                    }
                    visit(value, found);
                }
            }
            Value::Sequence(items) => items.iter().for_each(|item| visit(item, found)),
            Value::Tagged(tagged) => visit(&tagged.value, found),
            _ => {}
        }
    }
    visit(&template, &mut found);
    let responses = gateway_responses(&template);
    assert_eq!(found, responses.len(), "each of API Gateway's own answers names its origin");
    // With the one configured origin, or none (several origins, or the default: none).
    for (kind, response) in responses {
        let origin = &response["ResponseParameters"]["Headers"]["Access-Control-Allow-Origin"];
        let Value::Tagged(tagged) = origin else { panic!("{kind}: !If [OneCorsOrigin, ...]") };
        let branches = tagged.value.as_sequence().unwrap();
        assert!(tagged.tag == "If" && branches[0].as_str() == Some("OneCorsOrigin"), "{kind}: {origin:?}");
        let mut strings = vec![];
        collect_strings(&branches[1], &mut |s| strings.push(s.to_owned()));
        assert_eq!(strings, ["'${CorsAllowedOrigins}'"], "{kind}");
    }
    assert!(!template["Conditions"]["OneCorsOrigin"].is_null());
}

/// The template as deployed with its parameters' defaults: `!If [condition, a, b]`
/// becomes `b` (every condition here is off by default), and a key whose value is then
/// `!Ref AWS::NoValue` is left out, as CloudFormation leaves it out.
fn defaults(value: &Value) -> Value {
    let no_value = |value: &Value| matches!(value, Value::Tagged(t) if t.tag == "Ref" && t.value == "AWS::NoValue");
    match value {
        Value::Tagged(tagged) if tagged.tag == "If" => {
            let branches = tagged.value.as_sequence().expect("!If [condition, then, else]");
            defaults(&branches[2])
        }
        Value::Mapping(map) => {
            Value::Mapping(map.iter().map(|(k, v)| (k.clone(), defaults(v))).filter(|(_, v)| !no_value(v)).collect())
        }
        Value::Sequence(items) => Value::Sequence(items.iter().map(defaults).collect()),
        other => other.clone(),
    }
}

#[test]
fn only_the_example_route_is_behind_the_cognito_authorizer() {
    let template = yaml("template.yaml");
    let authorizer = &template["Resources"]["AuthApi"]["Properties"]["Auth"]["Authorizers"]["CognitoAuthorizer"];
    assert!(!authorizer["UserPoolArn"].is_null(), "the authorizer trusts the pool");
    for (_, resource) in template["Resources"].as_mapping().unwrap() {
        if resource["Type"] != "AWS::Serverless::Function" {
            continue;
        }
        let binary = resource["Metadata"]["BuildProperties"]["Binary"].as_str().unwrap();
        for (_, event) in resource["Properties"]["Events"].as_mapping().unwrap() {
            let method = event["Properties"]["Method"].as_str().unwrap();
            let expected = match (binary, method) {
                ("example-claims", "GET") => Some("CognitoAuthorizer"),
                // A browser's preflight carries no token.
                ("example-claims", "OPTIONS") => Some("NONE"),
                _ => None,
            };
            assert_eq!(event["Properties"]["Auth"]["Authorizer"].as_str(), expected, "{binary} {method}");
        }
    }
}

#[test]
fn deployed_functions_get_the_settings_the_conformance_tests_run_them_with() {
    // lambda_http prefixes the stage to REST paths unless told not to; the routes have no stage.
    let template = yaml("template.yaml");
    assert_eq!(
        template["Globals"]["Function"]["Environment"]["Variables"]["AWS_LAMBDA_HTTP_IGNORE_STAGE_IN_PATH"],
        "true"
    );
}

/// The resource whose build metadata names `binary`, with its logical id.
fn resource_building<'t>(template: &'t Value, binary: &str) -> (&'t str, &'t Value) {
    template["Resources"]
        .as_mapping()
        .unwrap()
        .iter()
        .find(|(_, r)| r["Metadata"]["BuildProperties"]["Binary"] == binary)
        .map(|(id, r)| (id.as_str().unwrap(), r))
        .unwrap_or_else(|| panic!("no resource builds {binary}"))
}

fn strings_in(value: &Value) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    collect_strings(value, &mut |s| {
        found.insert(s.to_owned());
    });
    found
}

#[test]
fn each_trigger_is_wired_to_the_created_pool_behind_its_parameter_with_only_its_iam() {
    let template = yaml("template.yaml");
    let resources = template["Resources"].as_mapping().unwrap();
    let lambda_config = strings_in(&template["Resources"]["UserPool"]["Properties"]["LambdaConfig"]);
    let events = std::fs::read_to_string(repo_file("crates/triggers/src/events.rs")).unwrap();
    let called = admin_calls(&events);
    assert_eq!(
        called,
        ["AdminAddUserToGroup".to_owned(), "ListUsers".to_owned()].into(),
        "the triggers' admin calls: post confirmation's, and user migration's (who holds an email)"
    );
    for binary in triggers::FUNCTIONS {
        let main = std::fs::read_to_string(repo_file(&format!("functions/{binary}/src/main.rs"))).unwrap();
        assert!(main.contains(&format!("triggers::lambda::run_{}()", binary.replace('-', "_"))), "{binary}'s main");

        let (id, function) = resource_building(&template, binary);
        assert_eq!(function["Type"], "AWS::Lambda::Function", "{binary}: outside SAM's Globals, which name the pool");
        let condition = function["Condition"].as_str().expect("a trigger is behind a condition");
        assert!(lambda_config.contains(&format!("{id}.Arn")), "{binary} is in the pool's LambdaConfig");
        assert!(lambda_config.contains(condition), "{binary}: LambdaConfig and function share {condition}");

        let invoked_by_the_pool = resources.iter().any(|(_, r)| {
            r["Type"] == "AWS::Lambda::Permission"
                && r["Condition"] == condition
                && r["Properties"]["Principal"] == "cognito-idp.amazonaws.com"
                && strings_in(&r["Properties"]["FunctionName"]).contains(&format!("{id}.Arn"))
                && strings_in(&r["Properties"]["SourceArn"]).contains("UserPool.Arn")
        });
        assert!(invoked_by_the_pool, "{binary}: only the pool may invoke it");

        // Every cognito-idp action granted to the function's role, inline or beside it.
        let role = strings_in(&function["Properties"]["Role"]).into_iter().next().unwrap().replace(".Arn", "");
        let mut granted = strings_in(&template["Resources"][role.as_str()]["Properties"]["Policies"]);
        for (_, r) in resources {
            if r["Type"] == "AWS::IAM::Policy" && strings_in(&r["Properties"]["Roles"]).contains(&role) {
                granted.extend(strings_in(&r["Properties"]["PolicyDocument"]));
            }
        }
        let cognito: BTreeSet<String> = granted.into_iter().filter(|s| s.starts_with("cognito-idp:")).collect();
        let needed: BTreeSet<String> = match binary {
            "post-confirmation" => ["cognito-idp:AdminAddUserToGroup".to_owned()].into(),
            "user-migration" => ["cognito-idp:ListUsers".to_owned()].into(),
            _ => BTreeSet::new(),
        };
        assert_eq!(cognito, needed, "{binary}'s role");
    }
}

/// Cognito takes a custom message trigger's email subject and text only from a pool that
/// sends through SES: the stack refuses the trigger without it, rather than deploy a pool
/// whose emails fail; and the trigger reads nothing but its event (no settings to forget).
#[test]
fn the_custom_message_trigger_is_deployed_only_with_ses() {
    let template = yaml("template.yaml");
    let rule = &template["Rules"]["CustomMessagesNeedSes"];
    assert!(strings_in(&rule["RuleCondition"]).contains("CustomMessageTrigger"), "{rule:?}");
    assert!(strings_in(&rule["Assertions"]).contains("SesIdentityArn"), "{rule:?}");
    let (_, function) = resource_building(&template, "custom-message");
    let variables = function["Properties"]["Environment"]["Variables"].as_mapping().unwrap();
    assert_eq!(variables.keys().filter_map(|k| k.as_str()).collect::<Vec<_>>(), ["LOG_LEVEL"]);
}

/// A cookie session's refresh cookie lives as long as the client's refresh tokens: the
/// functions are told the validity from the parameter the client is made with, in days;
/// and API Gateway's own answers allow credentials exactly when they name an origin.
#[test]
fn cookie_sessions_agree_with_the_client_and_the_gateway() {
    let template = yaml("template.yaml");
    let client = &template["Resources"]["UserPoolClient"]["Properties"];
    let told = &template["Globals"]["Function"]["Environment"]["Variables"]["REFRESH_TOKEN_VALIDITY_DAYS"];
    assert_eq!(reference(told), reference(&client["RefreshTokenValidity"]));
    assert!(reference(told).is_some(), "{told:?}");
    assert_eq!(client["TokenValidityUnits"]["RefreshToken"], "days");
    for (kind, response) in gateway_responses(&template) {
        let credentials = &response["ResponseParameters"]["Headers"]["Access-Control-Allow-Credentials"];
        let Value::Tagged(tagged) = credentials else { panic!("{kind}: !If [OneCorsOrigin, ...]") };
        let branches = tagged.value.as_sequence().unwrap();
        assert!(tagged.tag == "If" && branches[0].as_str() == Some("OneCorsOrigin"), "{kind}: {credentials:?}");
        assert_eq!(branches[1].as_str(), Some("'true'"), "{kind}");
    }
}

/// The pool's web ACL reads the header the functions send, and the local Cognito
/// emulates the same one; it blocks only Cognito API calls (the JWKS every token
/// check reads passes), and only on a pool this stack creates.
#[test]
fn the_pools_web_acl_lets_through_exactly_the_functions_calls() {
    let template = yaml("template.yaml");
    let acl = &template["Resources"]["UserPoolWebAcl"]["Properties"];
    assert_eq!(acl["DefaultAction"], yaml_value("{Allow: {}}"));
    let rule = &acl["Rules"][0];
    assert_eq!(rule["Action"], yaml_value("{Block: {}}"));
    let statements = &rule["Statement"]["AndStatement"]["Statements"];
    let target = &statements[0]["ByteMatchStatement"];
    assert_eq!(target["FieldToMatch"]["SingleHeader"]["Name"], "x-amz-target");
    assert_eq!(target["SearchString"], "AWSCognitoIdentityProviderService.");
    let key = &statements[1]["NotStatement"]["Statement"]["ByteMatchStatement"];
    assert_eq!(key["FieldToMatch"]["SingleHeader"]["Name"].as_str(), Some(auth_api::caller_key::HEADER));
    assert_eq!(auth_api::caller_key::HEADER, local_cognito::CALLER_KEY_HEADER);
    assert_eq!(key["PositionalConstraint"], "EXACTLY");
    let guards = serde_norway::to_string(&template["Conditions"]["GuardsUserPool"]).unwrap();
    assert!(guards.contains("CreateUserPool"), "an existing pool's web ACL is never replaced: {guards}");
}

/// WAF's sampled requests keep whole headers for hours: with cookie sessions they
/// would hold refresh tokens, and the pool's rule holds the caller key.
#[test]
fn no_web_acl_samples_requests() {
    let template = yaml("template.yaml");
    let resources = template["Resources"].as_mapping().unwrap();
    let mut acls = 0;
    for (name, resource) in resources {
        if resource["Type"] != "AWS::WAFv2::WebACL" {
            continue;
        }
        acls += 1;
        let properties = &resource["Properties"];
        let mut configs = vec![&properties["VisibilityConfig"]];
        configs.extend(properties["Rules"].as_sequence().into_iter().flatten().map(|rule| &rule["VisibilityConfig"]));
        for config in configs {
            assert_eq!(config["SampledRequestsEnabled"], Value::Bool(false), "{name:?}");
        }
    }
    assert_eq!(acls, 2, "the API's and the pool's web ACLs");
}

/// The event kinds a metric filter pattern matches (`$.event = "..."`).
fn events_in_pattern(pattern: &str) -> Vec<String> {
    pattern
        .split("$.event")
        .skip(1)
        .map(|rest| {
            let rest = rest.trim_start().strip_prefix('=').expect("`$.event =`").trim_start();
            rest.strip_prefix('"').and_then(|r| r.split('"').next()).expect("a quoted event name").to_owned()
        })
        .collect()
}

#[test]
fn the_templates_metric_filters_name_event_kinds_the_audit_trail_writes() {
    // A renamed event kind would silently stop a metric, and its alarm with it.
    let template = yaml("template.yaml");
    let known: BTreeSet<&str> = auth_api::audit::Event::ALL.iter().map(|event| event.name()).collect();
    let mut filters = 0;
    for (name, resource) in template["Resources"].as_mapping().unwrap() {
        if resource["Type"].as_str() != Some("AWS::Logs::MetricFilter") {
            continue;
        }
        filters += 1;
        let pattern = resource["Properties"]["FilterPattern"].as_str().expect("a FilterPattern string");
        let events = events_in_pattern(pattern);
        assert!(!events.is_empty(), "{name:?}: a filter that names no event kind: {pattern}");
        for event in events {
            assert!(known.contains(event.as_str()), "{name:?} names {event}, which audit.rs does not write");
        }
    }
    assert!(filters >= 2, "the template ships the audit metric filters");
}

#[test]
fn docs_audit_md_lists_every_event_kind() {
    let doc = std::fs::read_to_string(repo_file("docs/audit.md")).unwrap();
    for event in auth_api::audit::Event::ALL {
        assert!(doc.contains(&format!("`{}`", event.name())), "docs/audit.md lacks {}", event.name());
    }
}
