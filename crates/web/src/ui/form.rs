//! What a refused form shows: every problem at its field, in the user's language, and a
//! summary of those that belong to no field. The form itself is rendered again from
//! what was submitted, so nothing typed is lost.

use crate::http::error::ApiError;
use crate::i18n::Lang;

/// The notice a page shows after a save redirected to it (`?done=saved`): the message
/// `done.<code>`, and nothing for a code the catalogue does not know.
pub fn flash(lang: Lang, code: Option<&str>) -> Option<String> {
    let code = code?;
    yigong_app::i18n::keys_under("done.")
        .iter()
        .any(|k| k == code)
        .then(|| lang.t(&format!("done.{code}")).to_string())
}

/// Whether a refusal sends the form back with what was typed (a problem with a field, or
/// a conflict with what is stored), rather than showing an error page.
pub fn sent_back(e: &ApiError) -> bool {
    matches!(
        e.status,
        axum::http::StatusCode::UNPROCESSABLE_ENTITY | axum::http::StatusCode::CONFLICT
    )
}

/// The `?done=` of a page reached after a save.
#[derive(Debug, Default, serde::Deserialize)]
pub struct Done {
    pub done: Option<String>,
}

#[derive(Debug, Default)]
pub struct Problems {
    /// (field, message), one per field.
    at: Vec<(&'static str, String)>,
    /// Messages about the form as a whole.
    general: Vec<String>,
    /// "3 处需要改正" above the form.
    summary: String,
}

impl Problems {
    /// The problems of a refused request (none for `None`).
    pub fn of(lang: Lang, e: Option<&ApiError>) -> Self {
        let mut p = Self::default();
        for x in e.into_iter().flat_map(ApiError::problems) {
            match x.field {
                Some(f) if !p.at.iter().any(|(g, _)| *g == f) => p.at.push((f, x.message(lang))),
                Some(_) => {}
                None => p.general.push(x.message(lang)),
            }
        }
        let n = p.count().to_string();
        p.summary = lang.tr("form.problems", &[("n", &n)]);
        p
    }

    /// The message at `field`, if it has one.
    pub fn at(&self, field: &str) -> Option<&str> {
        self.at
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m.as_str())
    }

    /// The problems that belong to no field of the form.
    pub fn general(&self) -> &[String] {
        &self.general
    }

    pub fn summary(&self) -> &str {
        &self.summary
    }

    /// How many problems there are.
    pub fn count(&self) -> usize {
        self.at.len() + self.general.len()
    }

    pub fn is_empty(&self) -> bool {
        self.count() == 0
    }
}

/// A field's value, or none with its problem noted: the form goes on to be checked
/// whole, so that every problem is named at once.
pub fn noted<T>(problems: &mut Vec<ApiError>, r: Result<T, ApiError>) -> T
where
    T: Default,
{
    r.unwrap_or_else(|e| {
        problems.push(e);
        T::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::StatusCode;

    #[test]
    fn every_field_keeps_its_first_problem_and_the_rest_are_general() {
        let e = ApiError::all(vec![
            ApiError::field(
                StatusCode::UNPROCESSABLE_ENTITY,
                "systolic",
                "invalid_field",
            ),
            ApiError::field(StatusCode::UNPROCESSABLE_ENTITY, "glucose", "out_of_range"),
            ApiError::field(StatusCode::UNPROCESSABLE_ENTITY, "systolic", "required"),
            ApiError::new(StatusCode::CONFLICT, "register_changed"),
        ])
        .expect("problems");
        let p = Problems::of(Lang::Zh, Some(&e));
        assert_eq!(p.count(), 3);
        assert!(p.at("systolic").is_some());
        assert!(p.at("glucose").is_some());
        assert_eq!(p.at("diastolic"), None);
        assert_eq!(p.general().len(), 1);
        assert_ne!(p.at("systolic"), p.at("glucose"));
        assert!(Problems::of(Lang::Zh, None).is_empty());
        assert!(ApiError::all(Vec::new()).is_none());
    }
}
