//! `hearth`: the command-line tool.
fn main() {}
