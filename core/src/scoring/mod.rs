//! Poverty standards as data, indicators, classification and aggregates.
