//! Version 1 of the wire protocol.

mod account;
mod admin;
mod analytics;
mod batch;
mod campaign;
mod churn;
mod collab;
mod collab_admin;
mod collab_answers;
mod collab_object;
mod content;
pub mod control;
mod decide;
mod event;
mod ids;
mod import;
mod recap;
mod settings;
mod targeting;
pub(crate) mod touch;

pub use account::{
    AccountEventDto, AdminOp, EventExport, ExportPage, ExposureEvent, IngestRequest, IngestResult,
    MAX_EXPORT_PAGE, Subject, to_json,
};
pub use admin::{
    AccountSummary, AdminTraitsEvent, AdoptionDto, AdvocatesDto, BreakEvenDto, ContributionDto,
    ForgetAnswer, ForgetRequest, HealthReportDto, PeopleDto, admin_traits, admin_traits_map,
    check_call_override, parse_admin_traits,
};
pub use analytics::{
    ACCOUNT_UNIT, AdoptionResult, AnalyticsStats, ArmResult, COMMENTS_UNIT, CampaignResults,
    CampaignRow, CampaignSpec, Comment, DailyResult, Estimate, FaultRequest, OverviewRow,
    POPULATION_DAY, POPULATION_UNIT, Portfolio, PortfolioAccount, PruneReport, ResultsOverview,
    RollupBatch, RollupMessage, RollupOp, RollupOpRequest, RollupRow, RollupSent, RollupTotals,
    RollupUnit, Spec, SrmResult, Stage, StorageReport, SurveyResult, TableDto, TablesView,
    TierCount, format_day, parse_day, parse_summary, summary_json,
};
pub use batch::{
    Batch, Dropped, DroppedTotals, EventsAck, EventsResponse, MAX_BATCH_BYTES, MAX_DROPPED,
    MAX_EVENT_BYTES, MAX_EVENTS, Rejected, ValidatedBatch, batch_body, batch_body_with,
    batch_overhead, correct_time, int_text, parse_batch,
};
pub use campaign::{
    AccountCapDto, CampaignDoc, CategoryDto, EventTriggerDto, EveryDto, ExperimentDto, GoalDto,
    RecurrenceDto, SurfaceDto, TimesDto, TriggerDto, VariantDto, parse_campaign,
};
pub use churn::{DEFAULT_CHURN_REASONS, check_churn_traits};
pub use collab::{
    AcceptRequest, ApprovalBody, ApprovalFields, ApproverDto, DecideApprovalBody, InviteBody,
    MAX_EMAILS, NoFields, ResourceDto, Signed, Validate, Verdict, email_domain, normalize_email,
    parse_accept, parse_signed, signed_body,
};
pub use collab::{decide_fields, invite_fields, routes, with_approver};
pub use collab_admin::*;
pub use collab_answers::*;
pub use collab_object::*;
pub use content::{Anchor, Content, ContentDoc, Cta, Step, Survey, Task, Translation};
pub use decide::{
    DecideHead, DecideRequest, DecideResponse, DecisionDto, DecisionHead, MessageDto, Shown,
    VerdictDto, decision_dto, message_dto, parse_decide_request,
};
pub use event::{
    Event, EventDto, EventKind, EventType, JsonMap, MessageAction, RESERVED_PREFIX,
    event_properties, validate_event,
};
pub use ids::{check_id, normalize_uuid};
pub use import::{
    ImportBody, ImportRow, MAX_IMPORT_BYTES, MAX_IMPORT_ROWS, RowProblem, SUBJECTIVE, parse_import,
    parse_import_body,
};
pub use recap::{METRICS_PREFIX, MetricRef, check_metrics, fill_metrics};
pub use settings::{
    BudgetDto, CollabDto, ComponentDto, DEFAULT_LIFECYCLE, HealthDto, StageDto, TiersDto,
    WorkspaceSettings, parse_settings,
};
pub use targeting::{
    ActivityDto, ComputedDto, ConditionDto, DaysDto, EventCountDto, EventRefDto, LimitDto, NpsDto,
    OpDto, OperandDto, PropertyFilterDto, ScopeDto, SeatsDto, SurveyRefDto, UsageDto, WindowDto,
};
pub use touch::{TouchKindDto, TouchPlanDto, check_touch_plans};

/// The protocol version this module speaks.
pub const VERSION: u32 = 1;
