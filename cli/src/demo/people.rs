//! The demo's households: deterministic names, rosters and answers from a
//! seed, with incomes spread so that a commune lands near the 2018 figures
//! of Chí Cà (about 56 % poor, 19 % near-poor).

use hearth_core::household::{HouseholdDetails, Member, PartialDate, Relationship, Sex};
use uuid::Uuid;

/// SplitMix64: small, fast and the same everywhere.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }

    pub fn pick<'a>(&mut self, items: &'a [&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

struct Ethnic {
    name: &'static str,
    surnames: &'static [&'static str],
    men: &'static [&'static str],
    women: &'static [&'static str],
}

const PEOPLES: [Ethnic; 5] = [
    Ethnic {
        name: "Nùng",
        surnames: &["Vi", "Hoàng", "Nông", "Lý", "Sầm", "Vùi"],
        men: &["Văn Sình", "Văn Páo", "Văn Tài", "Văn Chứ", "Văn Lìn"],
        women: &["Thị Sẻ", "Thị Dín", "Thị Mai", "Thị Pham", "Thị Sinh"],
    },
    Ethnic {
        name: "Hmông",
        surnames: &["Giàng", "Sùng", "Vàng", "Thào", "Lầu", "Mua"],
        men: &["A Pử", "A Sính", "Seo Chải", "A Lử", "Mí Dế"],
        women: &["Thị Mỷ", "Thị Dua", "Thị Chu", "Thị Pàng", "Thị Say"],
    },
    Ethnic {
        name: "La Chí",
        surnames: &["Vương", "Lùng", "Hoàng", "Cháng"],
        men: &["Văn Chỉn", "Văn Thàng", "Văn Sếnh", "Văn Hỉn"],
        women: &["Thị Sâm", "Thị Liên", "Thị Chiến", "Thị Hoa"],
    },
    Ethnic {
        name: "Tày",
        surnames: &["Nông", "Hoàng", "Ma", "Lục", "Triệu"],
        men: &["Văn Thắng", "Văn Dũng", "Văn Hùng", "Văn Quý"],
        women: &["Thị Hằng", "Thị Thu", "Thị Lan", "Thị Nhung"],
    },
    Ethnic {
        name: "Dao",
        surnames: &["Triệu", "Bàn", "Đặng", "Lý"],
        men: &["Văn Chàn", "Văn Sơn", "Tà Phin", "Văn Quẩy"],
        women: &["Thị Mẩy", "Thị Lai", "Thị Chòi", "Thị Xuân"],
    },
];

/// What the demo plans for one household; the answers follow from it.
#[derive(Debug, Clone)]
pub struct Plan {
    pub income_monthly: i64,
    /// Ids of the indicators planted as deprived.
    pub deprived: Vec<&'static str>,
}

/// A household of 2 to 8 members with a head of one of five peoples.
pub fn household(rng: &mut Rng) -> HouseholdDetails {
    let people = &PEOPLES[rng.below(PEOPLES.len() as u64) as usize];
    let surname = rng.pick(people.surnames);
    let head_male = rng.chance(0.8);
    let head_year = 1950 + rng.below(50) as i32;
    let mut members = vec![person(rng, people, surname, head_male, head_year, Relationship::Head)];
    if rng.chance(0.85) {
        let spouse_surname = rng.pick(people.surnames);
        let year = head_year + rng.below(6) as i32;
        members.push(person(rng, people, spouse_surname, !head_male, year, Relationship::Spouse));
    }
    for _ in 0..rng.below(5) {
        let year = (head_year + 20 + rng.below(20) as i32).min(2024);
        let male = rng.chance(0.5);
        members.push(person(rng, people, surname, male, year, Relationship::Child));
    }
    if rng.chance(0.2) {
        let male = rng.chance(0.5);
        members.push(person(rng, people, surname, male, head_year - 25, Relationship::Parent));
    }
    HouseholdDetails {
        address: format!("Tổ {}", 1 + rng.below(6)),
        members,
        gps: None,
        phone: rng.chance(0.6).then(|| format!("09{:08}", rng.below(100_000_000))),
        notes: String::new(),
    }
}

fn person(
    rng: &mut Rng,
    people: &Ethnic,
    surname: &str,
    male: bool,
    year: i32,
    relationship: Relationship,
) -> Member {
    let given = if male { rng.pick(people.men) } else { rng.pick(people.women) };
    Member {
        id: Uuid::now_v7(),
        full_name: format!("{surname} {given}"),
        sex: if male { Sex::Male } else { Sex::Female },
        birth: PartialDate { year: year.clamp(1930, 2024), month: None, day: None },
        ethnicity: people.name.to_owned(),
        relationship,
        national_id: (relationship == Relationship::Head)
            .then(|| format!("002{:09}", rng.below(1_000_000_000))),
    }
}

/// Indicators the demo plants by changing household-level answers.
const PLANTABLE: [&str; 7] = [
    "housing_quality",
    "floor_area",
    "water",
    "latrine",
    "telecom",
    "information_devices",
    "health_insurance",
];

/// An economic situation: three in four households at or under the income
/// line, three in four of those with three or more deprivations.
pub fn plan(rng: &mut Rng, members: usize) -> Plan {
    let (per_person, heavy) = if rng.chance(0.75) {
        (600_000 + rng.below(900_001) as i64, rng.chance(0.75))
    } else {
        (1_550_000 + rng.below(2_500_000) as i64, rng.chance(0.3))
    };
    let count = if heavy { 3 + rng.below(3) as usize } else { rng.below(2) as usize };
    let mut deprived = Vec::new();
    while deprived.len() < count {
        let d = PLANTABLE[rng.below(PLANTABLE.len() as u64) as usize];
        if !deprived.contains(&d) {
            deprived.push(d);
        }
    }
    Plan { income_monthly: per_person * members as i64, deprived }
}

/// A year on: most households stay as they were, some climb, some fall.
pub fn next_year(rng: &mut Rng, before: &Plan, members: usize) -> Plan {
    let roll = rng.below(100);
    if roll < 70 {
        return before.clone();
    }
    if roll < 88 {
        // A better year: more income, a deprivation fixed.
        let mut p = before.clone();
        p.income_monthly += (700_000 + rng.below(1_200_000) as i64) * members as i64;
        p.deprived.truncate(p.deprived.len().saturating_sub(1 + rng.below(2) as usize));
        return p;
    }
    // A worse year.
    plan(rng, members)
}

/// The interchange answers for a household under a plan.
pub fn answers(details: &HouseholdDetails, plan: &Plan, reference_date: &str) -> String {
    let has = |id: &str| plan.deprived.contains(&id);
    let material = if has("housing_quality") { "non_durable" } else { "durable" };
    let area = if has("floor_area") { 5 } else { 15 } * details.members.len();
    let members: Vec<String> = details
        .members
        .iter()
        .map(|m| {
            let rel = match m.relationship {
                Relationship::Head => "head",
                Relationship::Spouse => "spouse",
                Relationship::Parent => "parent",
                _ => "child",
            };
            let sex = if m.sex == Sex::Male { "male" } else { "female" };
            let age = reference_year(reference_date) - m.birth.year;
            let young = age < 18;
            let education = match age {
                ..=10 => "none",
                11..=15 => "primary",
                16..=17 => "lower_secondary",
                _ => "upper_secondary",
            };
            format!(
                r#"{{"name": {:?}, "sex": "{sex}", "birth": "{}", "relationship": "{rel}", "health_insurance": {},
                   "in_school": {young}, "education": "{}", "employment": "{}", "disability": "none",
                   "monthly_social_allowance": false, "malnourished": false}}"#,
                m.full_name,
                m.birth,
                !has("health_insurance") || m.relationship != Relationship::Head,
                education,
                if young { "not_working" } else { "farming" },
            )
        })
        .collect();
    format!(
        r#"{{"reference_date": "{reference_date}", "area": "rural", "region": "northern_midlands_mountains",
            "income_monthly_vnd": {}, "house": {{"walls": "{material}", "frame": "{material}", "roof": "{material}"}},
            "floor_area_m2": {area}, "water_source": "{}", "latrine": "{}", "internet_use": {},
            "info_devices": {}, "members": [{}]}}"#,
        plan.income_monthly,
        if has("water") { "unprotected_spring" } else { "protected_spring" },
        if has("latrine") { "hanging" } else { "semi_septic" },
        !has("telecom"),
        if has("information_devices") { "[]" } else { r#"["radio", "basic_phone"]"# },
        members.join(", ")
    )
}

fn reference_year(date: &str) -> i32 {
    date.get(..4).and_then(|y| y.parse().ok()).unwrap_or(2025)
}
