//! What every route shares at the HTTP edge: the error shape, sessions and the current
//! user, the CSRF layer, the audit of refusals, throttles, and the request's language.

pub mod auth;
pub mod csrf;
pub mod error;
pub mod refusals;
pub mod throttle;

/// The request's language: the query string's `lang`, then the `lang` cookie; Chinese
/// otherwise (browser language headers are ignored).
pub fn request_lang(query: Option<&str>, headers: &axum::http::HeaderMap) -> crate::i18n::Lang {
    crate::i18n::Lang::detect(query, auth::cookie(headers, "lang").as_deref())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;
    use axum::http::HeaderMap;

    #[test]
    fn the_request_language_ignores_the_browser_and_follows_the_switch() {
        let mut h = HeaderMap::new();
        h.insert("accept-language", "en-US,en;q=0.9".parse().expect("header"));
        assert_eq!(request_lang(None, &h), Lang::Zh, "Chinese unless asked");
        h.insert("cookie", "lang=en".parse().expect("header"));
        assert_eq!(request_lang(None, &h), Lang::En);
        assert_eq!(request_lang(Some("q=1&lang=zh"), &h), Lang::Zh);
    }
}
