//! Households for scoring tests, written as interchange JSON so every test
//! also goes through the parser other tools' documents go through.
#![allow(dead_code)]

use chrono::NaiveDate;
use hearth_core::form::Answers;
use hearth_core::scoring::{ScoreResult, Standard};
use serde_json::{Value, json};

/// The reference date every golden case is scored at.
pub fn reference_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 10, 1).unwrap()
}

/// A member who triggers no indicator: an insured, employed adult with upper
/// secondary education.
pub fn adult(birth: &str) -> Value {
    json!({
        "name": "Thành viên", "sex": "female", "birth": birth, "relationship": "spouse",
        "health_insurance": true, "in_school": false, "education": "upper_secondary",
        "employment": "farming", "disability": "none", "monthly_social_allowance": false,
        "malnourished": false
    })
}

/// A child who triggers no indicator: insured, in school, well nourished.
pub fn child(birth: &str) -> Value {
    json!({
        "name": "Con", "sex": "male", "birth": birth, "relationship": "child",
        "health_insurance": true, "in_school": true, "education": "primary",
        "employment": "not_working", "disability": "none", "monthly_social_allowance": false,
        "malnourished": false
    })
}

/// A household deprived on nothing: two adults aged 35 and 33.
#[derive(Clone)]
pub struct Household(pub Value);

impl Household {
    pub fn rural(income: i64) -> Household {
        let mut head = adult("1990-01-01");
        head["relationship"] = json!("head");
        head["sex"] = json!("male");
        Household(json!({
            "reference_date": "2025-10-01",
            "area": "rural",
            "region": "northern_midlands_mountains",
            "income_monthly_vnd": income,
            "house": { "walls": "durable", "frame": "durable", "roof": "durable" },
            "floor_area_m2": 40,
            "water_source": "piped",
            "latrine": "septic",
            "internet_use": true,
            "info_devices": ["tv", "smartphone"],
            "cooking_fuel": "gas",
            "electricity": true,
            "child_deaths_5y": 0,
            "untreated_illness": false,
            "waste_treatment": "collected",
            "members": [head, adult("1992-01-01")]
        }))
    }

    pub fn urban(income: i64) -> Household {
        Household::rural(income).set("area", json!("urban")).remove("region")
    }

    pub fn set(mut self, field: &str, value: Value) -> Household {
        match field.split_once('.') {
            Some((group, sub)) => self.0[group][sub] = value,
            None => self.0[field] = value,
        }
        self
    }

    pub fn remove(mut self, field: &str) -> Household {
        if let Some(obj) = self.0.as_object_mut() {
            obj.remove(field);
        }
        self
    }

    /// Sets a field of member `row`.
    pub fn member(mut self, row: usize, field: &str, value: Value) -> Household {
        self.0["members"][row][field] = value;
        self
    }

    pub fn with(mut self, member: Value) -> Household {
        if let Some(members) = self.0["members"].as_array_mut() {
            members.push(member);
        }
        self
    }

    pub fn answers(&self) -> Answers {
        Answers::from_interchange_json(&self.0.to_string()).unwrap()
    }

    pub fn score(&self, standard: &str) -> ScoreResult {
        let standard = Standard::builtin(standard).unwrap();
        standard.score(&self.answers(), reference_date()).unwrap()
    }
}

pub fn deprived(result: &ScoreResult) -> Vec<&str> {
    result.deprived().collect()
}
