//! Reports: what a study's results look like to a reader. [`text`] renders them
//! for a terminal.

pub mod text;
