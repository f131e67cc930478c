//! The custom message trigger's templates: one file per language under
//! `templates/`, embedded at build time. English is the default and the
//! fallback; Japanese is the shipped example of another language.

use std::collections::HashMap;
use std::sync::OnceLock;

/// The messages Cognito sends, as the templates name them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MessageKind {
    /// The sign-up confirmation code (sign-up, and a code sent again).
    SignUp,
    /// An administrator's invitation: the username and the temporary password.
    Invitation,
    ForgotPassword,
    /// A code for a new or changed email or phone number.
    VerifyAttribute,
    /// A sign-in code (SMS or email MFA).
    Mfa,
}

impl MessageKind {
    pub const ALL: [MessageKind; 5] =
        [Self::SignUp, Self::Invitation, Self::ForgotPassword, Self::VerifyAttribute, Self::Mfa];

    fn name(self) -> &'static str {
        match self {
            Self::SignUp => "sign_up",
            Self::Invitation => "invitation",
            Self::ForgotPassword => "forgot_password",
            Self::VerifyAttribute => "verify_attribute",
            Self::Mfa => "mfa",
        }
    }
}

/// The placeholder Cognito replaces with the code (the temporary password in an invitation).
pub const CODE: &str = "{####}";
/// The placeholder Cognito replaces with the username (invitations only).
pub const USERNAME: &str = "{username}";

/// One message in one language.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Template {
    pub subject: String,
    pub email: String,
    pub sms: String,
}

/// The languages shipped, by their code; the first is the fallback.
const LANGUAGES: &[(&str, &str)] =
    &[("en", include_str!("../templates/en.txt")), ("ja", include_str!("../templates/ja.txt"))];

type Templates = HashMap<(&'static str, MessageKind), Template>;

fn templates() -> &'static Templates {
    static TEMPLATES: OnceLock<Templates> = OnceLock::new();
    TEMPLATES.get_or_init(|| {
        let mut all = HashMap::new();
        for (language, text) in LANGUAGES {
            for (kind, template) in parse(text).unwrap_or_else(|e| panic!("templates/{language}.txt: {e}")) {
                all.insert((*language, kind), template);
            }
        }
        all
    })
}

/// The language of a `locale` attribute (`ja`, `ja-JP`, `ja_JP`), when shipped; else English.
pub fn language(locale: Option<&str>) -> &'static str {
    let primary = locale.unwrap_or_default().split(['-', '_']).next().unwrap_or_default().to_ascii_lowercase();
    LANGUAGES.iter().map(|(code, _)| *code).find(|code| *code == primary).unwrap_or(LANGUAGES[0].0)
}

/// The template of `kind` in the user's language (English when that language lacks it).
pub fn template(kind: MessageKind, locale: Option<&str>) -> &'static Template {
    let all = templates();
    all.get(&(language(locale), kind)).or_else(|| all.get(&(LANGUAGES[0].0, kind))).expect("English has every message")
}

/// A template's sections: `== <message> <part>` then its text, up to the next section.
fn parse(text: &str) -> Result<Vec<(MessageKind, Template)>, String> {
    let mut found: HashMap<MessageKind, Template> = HashMap::new();
    let mut current: Option<(MessageKind, String, Vec<&str>)> = None;
    let mut finish = |section: Option<(MessageKind, String, Vec<&str>)>| -> Result<(), String> {
        let Some((kind, part, lines)) = section else { return Ok(()) };
        let body = lines.join("\n").trim().to_owned();
        let template = found.entry(kind).or_default();
        match part.as_str() {
            "subject" => template.subject = body,
            "email" => template.email = body,
            "sms" => template.sms = body,
            other => return Err(format!("unknown part {other} of {}", kind.name())),
        }
        Ok(())
    };
    for line in text.lines() {
        if let Some(header) = line.strip_prefix("== ") {
            finish(current.take())?;
            let (name, part) = header.trim().split_once(' ').ok_or_else(|| format!("bad section header: {line}"))?;
            let kind = MessageKind::ALL
                .into_iter()
                .find(|k| k.name() == name)
                .ok_or_else(|| format!("unknown message {name}"))?;
            current = Some((kind, part.to_owned(), Vec::new()));
        } else if let Some((_, _, lines)) = current.as_mut() {
            lines.push(line);
        } else if !line.starts_with('#') && !line.trim().is_empty() {
            return Err(format!("text before the first section: {line}"));
        }
    }
    finish(current.take())?;
    Ok(found.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_has_every_message_with_the_code_in_email_and_sms() {
        for (language, text) in LANGUAGES {
            let parsed: HashMap<_, _> = parse(text).unwrap().into_iter().collect();
            for kind in MessageKind::ALL {
                let template = parsed.get(&kind).unwrap_or_else(|| panic!("{language} lacks {kind:?}"));
                assert!(!template.subject.is_empty(), "{language} {kind:?} subject");
                // Cognito sends its default message instead of one without the code.
                assert!(template.email.contains(CODE), "{language} {kind:?} email lacks {CODE}");
                assert!(template.sms.contains(CODE), "{language} {kind:?} sms lacks {CODE}");
                let has_username = template.email.contains(USERNAME) && template.sms.contains(USERNAME);
                assert_eq!(
                    has_username,
                    kind == MessageKind::Invitation,
                    "{language} {kind:?}: {USERNAME} only in invitations"
                );
            }
        }
    }

    #[test]
    fn every_sms_fits_in_one_message_with_its_code_and_a_long_username() {
        for (language, text) in LANGUAGES {
            for (kind, template) in parse(text).unwrap() {
                // A temporary password is longer than a code; usernames up to 32 characters here.
                let sent = template.sms.replace(CODE, "Temp-Passw0rd-123").replace(USERNAME, &"u".repeat(32));
                assert!(sent.chars().count() <= 140, "{language} {kind:?} sms is {} characters", sent.chars().count());
            }
        }
    }

    #[test]
    fn the_locale_picks_the_language_and_anything_else_falls_back_to_english() {
        assert_eq!(language(Some("ja")), "ja");
        assert_eq!(language(Some("ja-JP")), "ja");
        assert_eq!(language(Some("JA_jp")), "ja");
        assert_eq!(language(Some("fr-FR")), "en");
        assert_eq!(language(Some("")), "en");
        assert_eq!(language(None), "en");
        assert!(template(MessageKind::Invitation, Some("ja-JP")).email.contains("仮パスワード"));
        assert!(template(MessageKind::Invitation, Some("de")).email.contains("Temporary password"));
    }

    #[test]
    fn a_malformed_template_file_is_refused() {
        assert!(parse("== nonsense subject\nx").unwrap_err().contains("unknown message"));
        assert!(parse("stray text").is_err());
        assert!(parse("== mfa body\nx").unwrap_err().contains("unknown part"));
    }
}
