//! Questionnaires as data, answers, validation and the expression language.
