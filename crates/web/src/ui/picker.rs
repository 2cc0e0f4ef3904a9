//! The searchable picker: a text box that filters a list of choices as one types (name,
//! pinyin initials, full pinyin, or any word of the detail line), chosen by mouse, touch
//! or keyboard (arrows, Enter, Escape). The form posts the chosen value from a hidden
//! field; the box shows the chosen person's name, never an id. Choices are either on the
//! page (`choices`) or fetched from `source` as the user types, for lists too long to
//! send (residents). `static/js/app.js` gives it its behaviour.

use crate::i18n::Lang;
use askama::Template;

/// One choice: the value posted, the name shown, a detail line (department, title,
/// place) and the words a query is matched against.
#[derive(Debug, Clone)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub detail: String,
    pub keys: String,
}

impl Choice {
    /// A choice matched by its name (with pinyin) and by every word of its detail line.
    pub fn new(value: impl ToString, label: &str, detail: &str) -> Self {
        Self {
            value: value.to_string(),
            label: label.to_string(),
            detail: detail.to_string(),
            keys: format!(
                "{} {}",
                yigong_domain::text::search_keys(label),
                detail.to_lowercase()
            ),
        }
    }
}

#[derive(Template)]
#[template(path = "picker.html")]
pub struct Picker {
    /// The posted field's name; the visible box's id is the same.
    pub name: String,
    pub label: String,
    pub placeholder: &'static str,
    /// Said when a name is typed but none chosen.
    pub unchosen: &'static str,
    pub required: bool,
    /// The value chosen (as submitted or pre-filled), and its name.
    pub chosen: Option<(String, String)>,
    pub choices: Vec<Choice>,
    /// A page answering `?q=` with `<li role="option">` items, when the choices are not
    /// on the page.
    pub source: Option<String>,
    /// When set, the box is free text posted under this name (a diagnosis as written),
    /// and the choices only suggest the value (its ICD-10 code) beside it.
    pub free_text: Option<String>,
}

/// The choices alone, as a remote picker's source answers.
#[derive(Template)]
#[template(path = "picker_options.html")]
pub struct Options {
    pub choices: Vec<Choice>,
}

impl Picker {
    /// A picker over `choices`, none chosen yet.
    pub fn new(lang: Lang, name: &str, label: &str, choices: Vec<Choice>) -> Self {
        Self {
            name: name.into(),
            label: label.into(),
            placeholder: lang.t("picker.placeholder"),
            unchosen: lang.t("picker.unchosen"),
            required: false,
            chosen: None,
            choices,
            source: None,
            free_text: None,
        }
    }

    /// Makes the box free text posted as `name`, the choices suggesting the value.
    pub fn free_text(mut self, name: &str) -> Self {
        self.free_text = Some(name.into());
        self
    }

    /// A picker whose choices come from `source` as the user types.
    pub fn remote(lang: Lang, name: &str, label: &str, source: &str) -> Self {
        Self {
            source: Some(source.into()),
            ..Self::new(lang, name, label, Vec::new())
        }
    }

    /// Shows `value` as chosen under the name `label` (a remote picker's pre-filled value).
    pub fn chosen_as(mut self, value: &str, label: &str) -> Self {
        self.chosen = Some((value.into(), label.into()));
        self
    }

    pub fn required(mut self, required: bool) -> Self {
        self.required = required;
        self
    }

    /// Marks the choice whose value is `value` as chosen (nothing when none is).
    pub fn chosen(mut self, value: &str) -> Self {
        self.chosen = self
            .choices
            .iter()
            .find(|c| c.value == value)
            .map(|c| (c.value.clone(), c.label.clone()));
        self
    }

    /// The picker as HTML, for a page template to include.
    pub fn html(&self) -> String {
        self.render().unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chosen_name_is_shown_and_its_value_posted() {
        let p = Picker::new(
            Lang::Zh,
            "member_specialist",
            "专科医生",
            vec![
                Choice::new("a1", "张小明", "心血管内科 · 主任医师"),
                Choice::new("b2", "吕雷", "全科"),
            ],
        )
        .chosen("b2");
        let html = p.html();
        assert!(
            html.contains(r#"name="member_specialist" value="b2""#),
            "{html}"
        );
        assert!(html.contains(r#"id="member_specialist""#));
        assert!(html.contains(r#"value="吕雷""#), "the box shows the name");
        assert!(html.contains(r#"data-keys="张小明 zxm zhangxiaoming 心血管内科 · 主任医师""#));
        assert_eq!(
            Picker::new(Lang::Zh, "x", "", Vec::new())
                .chosen("b2")
                .chosen,
            None
        );
    }
}
