//! Building a unit's report from classifications: one pass over each cycle,
//! every household tallied into the unit and into the row below it that
//! holds its village.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use uuid::Uuid;

use super::place::{ancestry, place};
use super::{BySex, Counts, Figures, Headcount, IndicatorLabel, Standing, Transitions, UnitReport};
use crate::error::{Error, Result};
use crate::household::Sex;
use crate::scoring::{Category, Classification as Rule, Standard, StandardRef, alkire_foster};
use crate::units::UnitRegistry;
use crate::workflow::ListEntry;

/// One certified cycle's classifications, as a report reads them.
#[derive(Debug, Clone, Copy)]
pub struct CycleEntries<'a> {
    pub year: i32,
    /// The day the entries' village codes are read on: the cycle's reference
    /// date.
    pub date: NaiveDate,
    pub entries: &'a [ListEntry],
}

impl UnitReport {
    /// The report of unit `code` (read on `current.date`) for the `current`
    /// cycle, compared with `previous` when given. Only households whose
    /// village lies inside the unit count; villages recorded under units that
    /// have since been reorganised are placed through the registry's maps.
    /// Deprivations and Alkire–Foster figures use `standard`'s indicators,
    /// weights and cut-off.
    pub fn build(
        current: &CycleEntries<'_>,
        previous: Option<&CycleEntries<'_>>,
        standard: &Standard,
        registry: &UnitRegistry,
        code: &str,
    ) -> Result<UnitReport> {
        let date = current.date;
        let unit = registry.on(code, date).ok_or(Error::NotFound { kind: "unit" })?;
        let mut children: Vec<_> = registry
            .units()
            .iter()
            .filter(|u| u.valid_on(date) && u.parent.as_deref() == Some(code))
            .collect();
        children.sort_by(|a, b| a.code.cmp(&b.code));
        let mut targets: Vec<Tally> = std::iter::once(unit).chain(children).map(Tally::new).collect();
        let slots: HashMap<String, usize> =
            targets.iter().enumerate().map(|(i, t)| (t.code.clone(), i)).collect();
        let index: HashMap<&str, usize> =
            standard.indicators.iter().enumerate().map(|(i, ind)| (ind.id.as_str(), i)).collect();
        let mut flags = vec![false; index.len()];
        // Previous standings of households that lay in the unit, and whether
        // this cycle classified them again.
        let mut before: HashMap<Uuid, (Category, Slots, bool)> = HashMap::new();
        if let Some(p) = previous {
            let mut placer = Placer::new(registry, p.date, date, &slots);
            for e in p.entries {
                let there = placer.slots(&e.village);
                if !there.is_empty() {
                    before.insert(e.household_id, (e.classification.category, there, false));
                }
            }
        }
        let mut placer = Placer::new(registry, current.date, date, &slots);
        for e in current.entries {
            let class = &e.classification;
            let here = placer.slots(&e.village);
            let scored = class.standard.id == standard.id;
            if scored {
                flags.iter_mut().for_each(|f| *f = false);
                for id in &class.deprived {
                    if let Some(&j) = index.get(id.as_str()) {
                        flags[j] = true;
                    }
                }
            }
            for slot in here.iter() {
                targets[slot].count(class, scored.then_some(flags.as_slice()));
            }
            if previous.is_some() {
                let (from, there) = match before.get_mut(&e.household_id) {
                    Some((category, there, seen)) => {
                        *seen = true;
                        (Some(*category), *there)
                    }
                    None => (None, Slots::default()),
                };
                for slot in here.union(there) {
                    let from = if there.contains(slot) { from } else { None };
                    let to = here.contains(slot).then_some(class.category);
                    targets[slot].moved(from, to);
                }
            }
        }
        for (category, there, seen) in before.values() {
            for slot in there.iter() {
                targets[slot].was(Some(*category));
                if !seen {
                    targets[slot].moved(Some(*category), None);
                }
            }
        }

        let weights = standard.weights();
        let k = cutoff(standard);
        let mut figures = targets
            .into_iter()
            .map(|t| t.finish(weights, k, previous.is_some()))
            .collect::<Result<Vec<_>>>()?
            .into_iter();
        let total = figures.next().ok_or(Error::NotFound { kind: "unit" })?;
        Ok(UnitReport {
            year: current.year,
            date,
            previous_year: previous.map(|p| p.year),
            standard: StandardRef { id: standard.id.clone(), version: standard.version.clone() },
            indicators: standard
                .indicators
                .iter()
                .map(|i| IndicatorLabel { id: i.id.clone(), label: i.label.clone() })
                .collect(),
            total,
            rows: figures.collect(),
        })
    }
}

/// The Alkire–Foster cut-off of a standard: a count rule's "c of n" is
/// k = c/n over equal weights; a weighted rule gives k itself.
fn cutoff(standard: &Standard) -> f64 {
    match &standard.classification {
        Rule::IncomeAndCount { cutoff } | Rule::IncomeOrBandAndCount { cutoff } => {
            f64::from(cutoff.value) / standard.indicators.len().max(1) as f64
        }
        Rule::WeightedScore { poor_cutoff, .. } => poor_cutoff.value,
    }
}

/// The report slots a household falls in: the unit itself (slot 0) and at
/// most one row below it, since rows are the unit's direct children.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Slots([Option<usize>; 2]);

impl Slots {
    fn iter(self) -> impl Iterator<Item = usize> {
        self.0.into_iter().flatten()
    }

    fn contains(self, slot: usize) -> bool {
        self.0.contains(&Some(slot))
    }

    fn is_empty(self) -> bool {
        self == Slots::default()
    }

    /// The slots of `self`, then those of `other` not in `self`.
    fn union(self, other: Slots) -> impl Iterator<Item = usize> {
        self.iter().chain(other.iter().filter(move |s| !self.contains(*s)))
    }
}

/// Places the village codes of one cycle, once per code.
struct Placer<'a, 'e> {
    registry: &'a UnitRegistry,
    from: NaiveDate,
    to: NaiveDate,
    slots: &'a HashMap<String, usize>,
    seen: HashMap<&'e str, Slots>,
}

impl<'a, 'e> Placer<'a, 'e> {
    fn new(
        registry: &'a UnitRegistry,
        from: NaiveDate,
        to: NaiveDate,
        slots: &'a HashMap<String, usize>,
    ) -> Self {
        Placer { registry, from, to, slots, seen: HashMap::new() }
    }

    /// The report slots a village recorded on the cycle's date falls in.
    fn slots(&mut self, village: &'e str) -> Slots {
        if let Some(s) = self.seen.get(village) {
            return *s;
        }
        let chain = place(self.registry, village, self.from, self.to)
            .map(|c| ancestry(self.registry, &c, self.to))
            .unwrap_or_default();
        let mut found = chain.iter().filter_map(|c| self.slots.get(c).copied());
        let slots = Slots([found.next(), found.next()]);
        self.seen.insert(village, slots);
        slots
    }
}

/// One unit's running counts.
struct Tally {
    code: String,
    name: String,
    level: crate::units::Level,
    now: Counts,
    before: Counts,
    transitions: Transitions,
    headcounts: Vec<Headcount>,
    /// Each scored household's flags, one after another.
    flags: Vec<bool>,
    other_standard: u32,
    by_sex: BySex,
    by_ethnicity: BTreeMap<Option<String>, Counts>,
}

impl Tally {
    fn new(unit: &crate::units::Unit) -> Tally {
        Tally {
            code: unit.code.clone(),
            name: unit.name.clone(),
            level: unit.level,
            now: Counts::default(),
            before: Counts::default(),
            transitions: Transitions::default(),
            headcounts: Vec::new(),
            flags: Vec::new(),
            other_standard: 0,
            by_sex: BySex::default(),
            by_ethnicity: BTreeMap::new(),
        }
    }

    fn count(&mut self, class: &crate::workflow::Classification, flags: Option<&[bool]>) {
        let category = class.category;
        self.now.add(category);
        match class.head_sex {
            Some(Sex::Male) => self.by_sex.male.add(category),
            Some(Sex::Female) => self.by_sex.female.add(category),
            None => self.by_sex.unknown.add(category),
        }
        match self.by_ethnicity.get_mut(&class.head_ethnicity) {
            Some(counts) => counts.add(category),
            None => self.by_ethnicity.entry(class.head_ethnicity.clone()).or_default().add(category),
        }
        let Some(flags) = flags else {
            self.other_standard += 1;
            return;
        };
        self.headcounts.resize(flags.len(), Headcount::default());
        let poor = category == Category::Poor;
        for (h, _) in self.headcounts.iter_mut().zip(flags).filter(|(_, f)| **f) {
            h.households += 1;
            h.poor += u32::from(poor);
        }
        self.flags.extend_from_slice(flags);
    }

    fn was(&mut self, standing: Standing) {
        if let Some(c) = standing {
            self.before.add(c);
        }
    }

    fn moved(&mut self, from: Standing, to: Standing) {
        self.transitions.add(from, to);
    }

    fn finish(mut self, weights: &[f64], k: f64, compared: bool) -> Result<Figures> {
        let d = weights.len();
        self.headcounts.resize(d, Headcount::default());
        let rows: Vec<&[bool]> = self.flags.chunks(d.max(1)).collect();
        let af = alkire_foster(&rows, weights, k)?;
        Ok(Figures {
            code: self.code,
            name: self.name,
            level: self.level,
            now: self.now,
            before: compared.then_some(self.before),
            transitions: compared.then_some(self.transitions),
            deprivations: self.headcounts,
            af,
            other_standard: self.other_standard,
            by_sex: self.by_sex,
            by_ethnicity: self.by_ethnicity.into_iter().collect(),
        })
    }
}
