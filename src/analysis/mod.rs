//! Break-even analysis of simulation results: definitions, passage-time
//! distributions with confidence intervals, fan charts, and paired comparisons of
//! scenarios run on common random numbers.
