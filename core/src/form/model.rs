//! Questionnaire definitions: sections, questions, choices, the member roster,
//! and their expressions compiled once at load.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use super::expr::{Expr, FieldInfo, FieldKind, Schema};
use super::{FormError, Text};

/// The kind of answer a question takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuestionType {
    Integer,
    Decimal,
    Text,
    Boolean,
    SingleChoice,
    MultipleChoice,
    /// `YYYY-MM-DD`; with `allow_partial`, also `YYYY` and `YYYY-MM`.
    Date,
    Year,
    Gps,
    /// A reference to a photo attachment.
    Photo,
    /// Not asked: computed from other answers by `calculate`.
    Calculated,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Blocks completion of the interview.
    #[default]
    Error,
    /// Shown to the officer; does not block completion.
    Warning,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Choice {
    pub value: String,
    pub label: Text,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Constraint {
    /// Must hold whenever the question is answered.
    pub rule: String,
    /// Message key the app translates, e.g. `constraint.floor_area_positive`.
    pub message: String,
    #[serde(default)]
    pub severity: Severity,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: QuestionType,
    pub label: Text,
    #[serde(default)]
    pub required: bool,
    /// Asked only when this holds.
    #[serde(default)]
    pub relevant: Option<String>,
    #[serde(default)]
    pub constraints: Vec<Constraint>,
    #[serde(default)]
    pub calculate: Option<String>,
    #[serde(default)]
    pub choices: Vec<Choice>,
    #[serde(default)]
    pub allow_partial: bool,
}

impl Question {
    pub fn has_choice(&self, value: &str) -> bool {
        self.choices.iter().any(|c| c.value == value)
    }
}

/// A section repeated once per member: the roster. Its id is the section's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Repeat {
    pub min: u32,
    pub max: u32,
    /// Rules over the whole roster (such as "exactly one head"), checked at
    /// household level and reported against the roster id.
    #[serde(default)]
    pub constraints: Vec<Constraint>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Section {
    pub id: String,
    pub label: Text,
    #[serde(default)]
    pub repeat: Option<Repeat>,
    pub questions: Vec<Question>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FormDoc {
    id: String,
    version: u32,
    title: Text,
    /// Texts for validation message keys, in Vietnamese and English.
    #[serde(default)]
    messages: BTreeMap<String, Text>,
    sections: Vec<Section>,
}

/// Compiled expressions of one question.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Rules {
    pub relevant: Option<Expr>,
    pub constraints: Vec<Expr>,
}

/// A loaded questionnaire: its definition and its compiled expressions.
#[derive(Debug, Clone, PartialEq)]
pub struct Form {
    pub id: String,
    pub version: u32,
    pub title: Text,
    /// Texts for validation message keys (`required`, `constraint.…`).
    pub messages: BTreeMap<String, Text>,
    pub sections: Vec<Section>,
    /// Question id → (section index, question index).
    index: BTreeMap<String, (usize, usize)>,
    rules: BTreeMap<String, Rules>,
}

const HOUSEHOLD_JSON: &str = include_str!("../../forms/household.json");

impl Form {
    /// The built-in household questionnaire (2022 standard).
    pub fn builtin_household() -> Result<Form, FormError> {
        Form::household_ref().cloned()
    }

    /// The built-in household questionnaire, loaded once per process.
    pub(crate) fn household_ref() -> Result<&'static Form, FormError> {
        static HOUSEHOLD: OnceLock<Result<Form, FormError>> = OnceLock::new();
        HOUSEHOLD.get_or_init(|| Form::from_json(HOUSEHOLD_JSON)).as_ref().map_err(Clone::clone)
    }

    /// Loads a questionnaire and checks every expression in it.
    pub fn from_json(src: &str) -> Result<Form, FormError> {
        let doc: FormDoc = serde_json::from_str(src).map_err(|e| FormError::Definition(e.to_string()))?;
        let repeats = doc.sections.iter().filter(|s| s.repeat.is_some()).count();
        if repeats > 1 {
            return Err(FormError::Definition("a form has at most one roster".into()));
        }
        if doc.sections.iter().filter_map(|s| s.repeat.as_ref()).any(|r| r.min > r.max) {
            return Err(FormError::Definition("a roster's min exceeds its max".into()));
        }
        let mut index = BTreeMap::new();
        for (si, section) in doc.sections.iter().enumerate() {
            for (qi, q) in section.questions.iter().enumerate() {
                if index.insert(q.id.clone(), (si, qi)).is_some()
                    || Some(q.id.as_str()) == roster(&doc.sections)
                {
                    return Err(FormError::DuplicateQuestion(q.id.clone()));
                }
                let mut values: Vec<&str> = q.choices.iter().map(|c| c.value.as_str()).collect();
                values.sort_unstable();
                if values.windows(2).any(|w| w[0] == w[1]) {
                    return Err(FormError::Definition(format!(
                        "question {}: a choice is listed twice",
                        q.id
                    )));
                }
                let needs_choices =
                    matches!(q.kind, QuestionType::SingleChoice | QuestionType::MultipleChoice);
                if needs_choices == q.choices.is_empty()
                    || (q.kind == QuestionType::Calculated) != q.calculate.is_some()
                {
                    return Err(FormError::Definition(format!(
                        "question {}: choices or calculation do not fit its type",
                        q.id
                    )));
                }
            }
        }
        let mut form = Form {
            id: doc.id,
            version: doc.version,
            title: doc.title,
            messages: doc.messages,
            sections: doc.sections,
            index,
            rules: BTreeMap::new(),
        };
        form.rules = form.compile_rules()?;
        Ok(form)
    }

    fn compile_rules(&self) -> Result<BTreeMap<String, Rules>, FormError> {
        let params = BTreeMap::new();
        let mut rules = BTreeMap::new();
        for section in &self.sections {
            if let Some(repeat) = &section.repeat {
                let constraints = repeat
                    .constraints
                    .iter()
                    .enumerate()
                    .map(|(i, c)| {
                        Expr::compile(&c.rule, self, &params, false, true).map_err(|error| {
                            FormError::Expression {
                                question: section.id.clone(),
                                field: format!("repeat.constraints[{i}]"),
                                error,
                            }
                        })
                    })
                    .collect::<Result<_, _>>()?;
                rules.insert(section.id.clone(), Rules { relevant: None, constraints });
            }
            let in_roster = section.repeat.is_some();
            for q in &section.questions {
                let compile = |src: &str, field: String, condition: bool| {
                    Expr::compile(src, self, &params, in_roster, condition)
                        .map_err(|error| FormError::Expression { question: q.id.clone(), field, error })
                };
                if let Some(src) = &q.calculate {
                    compile(src, "calculate".into(), false)?;
                }
                let relevant =
                    q.relevant.as_deref().map(|src| compile(src, "relevant".into(), true)).transpose()?;
                let constraints = q
                    .constraints
                    .iter()
                    .enumerate()
                    .map(|(i, c)| compile(&c.rule, format!("constraints[{i}]"), true))
                    .collect::<Result<_, _>>()?;
                rules.insert(q.id.clone(), Rules { relevant, constraints });
            }
        }
        Ok(rules)
    }

    /// Compiles a household-level expression of any type against this
    /// questionnaire.
    pub fn expression(&self, src: &str) -> Result<Expr, super::expr::ExprError> {
        Expr::compile(src, self, &BTreeMap::new(), false, false)
    }

    /// Compiles a household-level condition against this questionnaire, with
    /// named constants: a standard's indicator rule or a score card's option.
    pub(crate) fn compile(
        &self,
        src: &str,
        params: &BTreeMap<String, f64>,
    ) -> Result<Expr, super::expr::ExprError> {
        Expr::compile(src, self, params, false, true)
    }

    /// The text of a validation message key, if the questionnaire has one.
    pub fn message(&self, key: &str) -> Option<&Text> {
        self.messages.get(key)
    }

    pub fn question(&self, id: &str) -> Option<&Question> {
        let (s, q) = *self.index.get(id)?;
        self.sections.get(s)?.questions.get(q)
    }

    /// Whether `id` is a roster question.
    pub fn in_roster(&self, id: &str) -> bool {
        self.index.get(id).and_then(|(s, _)| self.sections.get(*s)).is_some_and(|s| s.repeat.is_some())
    }

    /// The roster section, if the form has one.
    pub fn roster(&self) -> Option<&Section> {
        self.sections.iter().find(|s| s.repeat.is_some())
    }

    pub(crate) fn rules(&self, id: &str) -> Option<&Rules> {
        self.rules.get(id)
    }
}

fn roster(sections: &[Section]) -> Option<&str> {
    sections.iter().find(|s| s.repeat.is_some()).map(|s| s.id.as_str())
}

impl Schema for Form {
    fn field(&self, id: &str) -> Option<FieldInfo<'_>> {
        let q = self.question(id)?;
        let kind = match q.kind {
            QuestionType::SingleChoice => FieldKind::Choice(&q.choices),
            QuestionType::MultipleChoice => FieldKind::Choices(&q.choices),
            QuestionType::Text => FieldKind::Text,
            QuestionType::Boolean => FieldKind::Bool,
            QuestionType::Integer | QuestionType::Decimal | QuestionType::Year => FieldKind::Num,
            QuestionType::Date => FieldKind::Date,
            QuestionType::Gps | QuestionType::Photo | QuestionType::Calculated => FieldKind::Opaque,
        };
        Some(FieldInfo { in_roster: self.in_roster(id), kind, calculation: q.calculate.as_deref() })
    }

    fn roster_id(&self) -> Option<&str> {
        roster(&self.sections)
    }
}
