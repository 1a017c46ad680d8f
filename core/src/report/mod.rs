//! Reports per unit and cycle: rates, year-over-year change, transitions, deprivation headcounts, CSV.
