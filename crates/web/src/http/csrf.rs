//! CSRF as one layer in front of every route: a request that changes state and rides on
//! the session cookie must carry the session's token, whatever handler it reaches.
//!
//! The token comes in the `X-CSRF-Token` header (scripts, the API), in a `_csrf` field
//! of a URL-encoded form, or in the `_csrf` query parameter (multipart uploads, whose
//! bodies are not read here). Bearer-authenticated calls carry no ambient credential and
//! pass. The login forms, before any session, use a double-submit cookie instead. The
//! residents' window (`/m/…`) checks its own session's token.

use crate::http::auth::{CurrentUser, SESSION_COOKIE, bearer_token, cookie, login_csrf_matches};
use crate::http::error::ApiError;
use crate::i18n::Lang;
use crate::portal::auth::{CurrentResident, RESIDENT_COOKIE};
use crate::state::AppState;
use axum::body::{Body, to_bytes};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The largest URL-encoded form read for its token.
const FORM_LIMIT: usize = 1024 * 1024;

fn field(query: &str, name: &str) -> Option<String> {
    form_urlencoded_pairs(query).find_map(|(k, v)| (k == name).then_some(v))
}

fn form_urlencoded_pairs(s: &str) -> impl Iterator<Item = (String, String)> + '_ {
    s.split('&').filter_map(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        Some((decode(k)?, decode(v)?))
    })
}

/// Percent-decoding with `+` as space; `None` for malformed escapes or UTF-8.
fn decode(s: &str) -> Option<String> {
    let mut out = Vec::with_capacity(s.len());
    let mut bytes = s.bytes();
    while let Some(b) = bytes.next() {
        match b {
            b'+' => out.push(b' '),
            b'%' => {
                let hi = (bytes.next()? as char).to_digit(16)?;
                let lo = (bytes.next()? as char).to_digit(16)?;
                out.push(u8::try_from(hi * 16 + lo).ok()?);
            }
            _ => out.push(b),
        }
    }
    String::from_utf8(out).ok()
}

fn refused(path: &str, lang: Lang) -> Response {
    let err = ApiError::new(StatusCode::FORBIDDEN, "csrf_failed");
    if path.starts_with("/api/") {
        err.into_response()
    } else if path.starts_with("/fhir/") {
        crate::fhir::FhirError::from(err).into_response()
    } else {
        crate::ui::UiError(err, lang).into_response()
    }
}

pub async fn layer(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    let path = req.uri().path();
    let login = matches!(path, "/login" | "/m/code" | "/m/sign-in");
    // The residents' window rides on its own cookie and token.
    let resident = path.starts_with("/m/") && cookie(req.headers(), RESIDENT_COOKIE).is_some();
    if bearer_token(req.headers()).is_some()
        || (!login && !resident && cookie(req.headers(), SESSION_COOKIE).is_none())
    {
        // No ambient credential: the handler authenticates (or refuses) the request.
        return next.run(req).await;
    }
    let (mut parts, body) = req.into_parts();
    let path = parts.uri.path().to_string();
    let lang = crate::http::request_lang(parts.uri.query(), &parts.headers);
    let mut token = parts
        .headers
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .or_else(|| parts.uri.query().and_then(|q| field(q, "_csrf")));
    let form = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    let body = if token.is_none() && form {
        let Ok(bytes) = to_bytes(body, FORM_LIMIT).await else {
            return ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large")
                .into_response();
        };
        token = std::str::from_utf8(&bytes)
            .ok()
            .and_then(|s| field(s, "_csrf"));
        Body::from(bytes)
    } else {
        body
    };
    let token = token.unwrap_or_default();
    let ok = if login {
        login_csrf_matches(&parts.headers, &token)
    } else if resident {
        match CurrentResident::from_request_parts(&mut parts, &state).await {
            Ok(r) => r.csrf_matches(&token),
            Err(_) => true,
        }
    } else {
        match CurrentUser::from_request_parts(&mut parts, &state).await {
            Ok(user) => {
                let ok = user.csrf_matches(&token);
                if !ok {
                    let _ = user.audit(&state, "csrf", "session", None, false, "").await;
                }
                ok
            }
            // An expired or unknown session: the handler answers as for no session.
            Err(_) => true,
        }
    };
    if !ok {
        return refused(&path, lang);
    }
    next.run(Request::from_parts(parts, body)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_decode() {
        assert_eq!(
            field("a=1&_csrf=ab%20c+d", "_csrf").as_deref(),
            Some("ab c d")
        );
        assert_eq!(field("_csrf", "_csrf").as_deref(), Some(""));
        assert_eq!(field("x=%zz&_csrf=t", "_csrf").as_deref(), Some("t"));
        assert_eq!(field("a=1", "_csrf"), None);
        assert_eq!(decode("%E5%BC%A0"), Some("张".into()));
        assert_eq!(decode("%FF"), None);
    }
}
