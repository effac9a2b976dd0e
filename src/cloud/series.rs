//! Names of the series and scalar outcomes the cloud model emits: the contract
//! between the model and the analysis that reads its results.
//!
//! Flows are RMB bn per quarter; levels are as stated.

/// Total revenue: AI revenue plus traditional cloud revenue.
pub const REVENUE: &str = "revenue";
/// AI compute revenue: price x served volume.
pub const AI_REVENUE: &str = "ai_revenue";
/// Traditional (non-AI) cloud revenue.
pub const TRADITIONAL_REVENUE: &str = "traditional_revenue";
/// Price index of a unit of AI compute (1 at the start).
pub const PRICE: &str = "price";
/// AI compute demand, in units (RMB bn per quarter at the starting price).
pub const DEMAND: &str = "demand";
/// Installed AI compute capacity, in the same units as demand.
pub const CAPACITY: &str = "capacity";
/// Served volume over capacity, in `[0, 1]`.
pub const UTILISATION: &str = "utilisation";
/// Cash operating costs: power and cooling, other costs, chip R&D.
pub const OPEX: &str = "opex";
/// Depreciation of the asset base.
pub const DEPRECIATION: &str = "depreciation";
/// Revenue minus operating costs minus depreciation.
pub const EBITA: &str = "ebita";
/// EBITA plus depreciation minus tax on positive EBITA.
pub const OPERATING_CASH_FLOW: &str = "operating_cash_flow";
/// Capital expenditure.
pub const CAPEX: &str = "capex";
/// Operating cash flow minus capex.
pub const FREE_CASH_FLOW: &str = "free_cash_flow";
/// Cash spending: operating costs plus capex.
pub const SPENDING: &str = "spending";
/// Free cash flow summed from the first simulated quarter.
pub const CUMULATIVE_FCF: &str = "cumulative_fcf";
/// Free cash flow discounted to the start and summed from the first simulated quarter.
pub const DISCOUNTED_CUMULATIVE_FCF: &str = "discounted_cumulative_fcf";
/// Trailing-year revenue growth: last four quarters over the four before, minus 1.
pub const REVENUE_GROWTH: &str = "revenue_growth";
/// Trailing-year spending growth, defined like revenue growth.
pub const SPENDING_GROWTH: &str = "spending_growth";
/// Market regime index (0 price war, 1 stable, 2 supply-constrained).
pub const MARKET_REGIME: &str = "market_regime";
/// Export-control regime index (0 open, 1 restricted, 2 banned).
pub const CHIP_REGIME: &str = "chip_regime";

/// Served AI volume `S = min(demand, capacity)`, in units: the volume of the
/// volume/ARPU decomposition.
pub const AI_VOLUME: &str = "ai_volume";
/// Average revenue per unit of served AI volume, `ai_revenue / ai_volume` (the
/// price index actually charged, 1 at the start; `docs/model.md`, 3.7).
pub const ARPU: &str = "arpu";
/// Cumulative price cuts by Alibaba's rivals that Alibaba matched (0 without a
/// rival price war).
pub const MATCHED_CUTS: &str = "matched_cuts";
/// Cumulative price cuts by Alibaba's rivals that Alibaba did not match.
pub const UNMATCHED_CUTS: &str = "unmatched_cuts";
/// Log of the volume kept against unmatched rival cuts, `s <= 0` (0 without a
/// rival price war): demand is multiplied by `e^s`.
pub const SHARE_LOSS: &str = "share_loss";

/// Every series, in the order the model writes them.
pub const ALL: [&str; 25] = [
    REVENUE,
    AI_REVENUE,
    TRADITIONAL_REVENUE,
    PRICE,
    DEMAND,
    CAPACITY,
    UTILISATION,
    OPEX,
    DEPRECIATION,
    EBITA,
    OPERATING_CASH_FLOW,
    CAPEX,
    FREE_CASH_FLOW,
    SPENDING,
    CUMULATIVE_FCF,
    DISCOUNTED_CUMULATIVE_FCF,
    REVENUE_GROWTH,
    SPENDING_GROWTH,
    MARKET_REGIME,
    CHIP_REGIME,
    AI_VOLUME,
    ARPU,
    MATCHED_CUTS,
    UNMATCHED_CUTS,
    SHARE_LOSS,
];

/// The series drawn as fan charts (quantile sketches are collected for these).
pub const FAN_CHART: [&str; 5] = [REVENUE, SPENDING, FREE_CASH_FLOW, PRICE, UTILISATION];

/// Scalar outcome: net present value of free cash flow over the horizon (no
/// terminal value), the discounted cumulative FCF at the last quarter.
pub const NPV: &str = "npv";

/// Scalar outcome (when the scenario sets `finance.terminal`): `npv` plus the
/// discounted terminal value (`docs/model.md`, 3.7).
pub const NPV_WITH_TERMINAL: &str = "npv_with_terminal";
