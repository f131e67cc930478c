//! Notices to the user about changes to the account, sent through Amazon SES
//! (SendEmail) from `NOTICE_FROM`: Cognito sends codes, never notices. Today
//! one notice: an email change, to the old (verified) address, so that an
//! owner whose token was stolen learns of it while the old address still
//! recovers the account (it does until the new one is verified); and a passkey
//! added, to the verified address.
//!
//! A notice is best-effort: SES failing never fails the change, it is logged.
//! Without `NOTICE_FROM`, no notice is sent (logged once per environment).
//! The SES client is compiled only with the `notices` feature, which the
//! email-verification function (the one that sends them) and the local
//! server turn on: the other functions send none.

use crate::config::Config;

/// The SES client, made on first use: most requests send no notice.
#[derive(Default)]
pub struct Notices {
    #[cfg(feature = "notices")]
    client: tokio::sync::OnceCell<aws_sdk_sesv2::Client>,
    warned: std::sync::atomic::AtomicBool,
}

impl Notices {
    /// Tells `old` that the account's email is being changed to `new` (masked).
    pub async fn email_changing(&self, config: &Config, old: &str, new: &str) {
        let text = format!(
            "Someone asked to change the email address of your account from this address to {}.\n\n\
             If it was you, enter the code sent to the new address; until then this address \
             still signs in and recovers the account.\n\n\
             If it was not you, reset your password now: that ends every session.",
            mask(new)
        );
        self.send(config, old, "Your account's email address is being changed", &text).await;
    }

    /// Tells the user's verified address that a passkey was added: whoever holds that
    /// passkey can sign in as them from now on.
    pub async fn passkey_added(&self, config: &Config, to: &str, name: &str) {
        let text = format!(
            "A passkey ({name}) was added to your account. It signs in without a password.\n\n\
             If it was not you, delete it now (your account's passkeys) and reset your password: \
             that ends every session."
        );
        self.send(config, to, "A passkey was added to your account", &text).await;
    }

    async fn send(&self, config: &Config, to: &str, subject: &str, text: &str) {
        let Some(from) = &config.notice_from else {
            self.warn_once("NOTICE_FROM is not set: account notices are not sent");
            return;
        };
        self.send_email(config, from, to, subject, text).await;
    }

    fn warn_once(&self, message: &str) {
        if !self.warned.swap(true, std::sync::atomic::Ordering::Relaxed) {
            tracing::warn!("{message}");
        }
    }

    #[cfg(feature = "notices")]
    async fn send_email(&self, config: &Config, from: &str, to: &str, subject: &str, text: &str) {
        use aws_sdk_sesv2::error::ProvideErrorMetadata;
        use aws_sdk_sesv2::types::{Body, Content, Destination, EmailContent, Message};
        let client = self
            .client
            .get_or_init(|| async {
                let loader = crate::cognito::sdk_loader(config, &config.secrets_region);
                aws_sdk_sesv2::Client::new(&loader.load().await)
            })
            .await;
        let content = |data: &str| Content::builder().data(data).charset("UTF-8").build();
        let (Ok(subject), Ok(text)) = (content(subject), content(text)) else { return };
        let message = Message::builder().subject(subject).body(Body::builder().text(text).build()).build();
        let sent = client
            .send_email()
            .from_email_address(from)
            .destination(Destination::builder().to_addresses(to).build())
            .content(EmailContent::builder().simple(message).build())
            .send()
            .await;
        if let Err(error) = sent {
            tracing::warn!(ses_error = error.code().unwrap_or("none"), "a notice could not be sent");
        }
    }

    /// A function built without the `notices` feature sends none.
    #[cfg(not(feature = "notices"))]
    async fn send_email(&self, _config: &Config, _from: &str, _to: &str, _subject: &str, _text: &str) {
        self.warn_once("this function is built without the notices feature: account notices are not sent");
    }
}

/// `n***@example.net`: enough for the owner to recognise, not a gift to anyone else.
fn mask(address: &str) -> String {
    match address.split_once('@') {
        Some((local, domain)) => format!("{}***@{domain}", local.chars().next().unwrap_or('*')),
        None => "***".into(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_address_is_masked_but_for_its_first_letter_and_domain() {
        assert_eq!(super::mask("new.owner@example.net"), "n***@example.net");
    }
}
